import { describePriorities, hasEntry, type Priority } from '@chorus/shared';
import type { Node as PmNode } from '@tiptap/pm/model';
import { NodeViewWrapper, type ReactNodeViewProps, ReactNodeViewRenderer } from '@tiptap/react';
import { useId, useState } from 'react';
import { AddForm } from '../AddForm.tsx';
import { childEdits } from '../childEdits.ts';
import { EvidenceLinks } from '../evidence/EvidenceLinks.tsx';
import { linkedPiecesOf, linkSteps } from '../evidence/evidenceLinkNodes.ts';
import { SyncedField, storedText } from '../SyncedField.tsx';
import { useBlockEditable } from '../useBlockEditable.ts';
import { PriorityList } from './priorityNodes.ts';

const MAX_TEXT = 4_000;
const textOf = (value: unknown) => storedText(value, MAX_TEXT);

interface StoredPriority extends Priority {
  uid: string;
  links: string[];
  child: number;
}

function prioritiesOf(node: PmNode): StoredPriority[] {
  const list: StoredPriority[] = [];
  node.forEach((child, _offset, index) => {
    list.push({
      title: textOf(child.attrs.title),
      evidence: textOf(child.attrs.evidence),
      changed: textOf(child.attrs.changed),
      unchanged: textOf(child.attrs.unchanged),
      links: linkedPiecesOf(child),
      uid: textOf(child.attrs.uid),
      child: index,
    });
  });
  return list;
}

const nameOf = (p: StoredPriority) => (p.title.trim() ? p.title.trim() : `Priority ${p.child + 1}`);

function PrioritiesView({ node, editor, getPos }: ReactNodeViewProps) {
  const priorities = prioritiesOf(node);
  const canEdit = useBlockEditable(editor);

  const edits = childEdits(editor, getPos, 'priorityList');
  const same = (p: StoredPriority) => (child: PmNode) => textOf(child.attrs.title) === p.title;
  const change = (p: StoredPriority, key: keyof Priority, value: string) =>
    edits.update(p, key === 'title' ? () => true : same(p), { [key]: value });
  const add = (item: { title: string; evidence: string }) => edits.append('priority', item);
  const remove = (p: StoredPriority) =>
    edits.remove(p, same(p), (block) => block.querySelector<HTMLElement>('.priorities__summary'));

  return (
    <NodeViewWrapper
      as="section"
      className="priorities"
      aria-label="Priorities"
      contentEditable={false}
    >
      <p className="priorities__title">
        <strong>Priorities</strong>: what the group agreed matters most, the evidence behind each,
        and “You said, we did”.
      </p>
      <p className="priorities__summary" tabIndex={-1}>
        {describePriorities(priorities)}
      </p>
      {priorities.map((p) => (
        <fieldset key={p.uid || `i${p.child}`} className="priorities__item">
          <legend>{nameOf(p)}</legend>
          <SyncedField
            label="Priority"
            value={p.title}
            canEdit={canEdit}
            onChange={(v) => change(p, 'title', v)}
          />
          <EvidenceLinks
            editor={editor}
            links={p.links}
            canEdit={canEdit}
            of={`the priority ${nameOf(p)}`}
            onChange={(uid, linked) =>
              edits.change(p, same(p), (tr, child, at) => linkSteps(tr, child, at, uid, linked))
            }
          />
          <SyncedField
            label="Evidence behind it, in words"
            value={p.evidence}
            canEdit={canEdit}
            multiline
            onChange={(v) => change(p, 'evidence', v)}
          />
          <p className="priorities__entry">
            <strong>You said, we did:</strong>{' '}
            {hasEntry(p)
              ? 'entry written.'
              : 'no entry yet. The design cannot be closed without one.'}
          </p>
          <SyncedField
            label="What changed"
            value={p.changed}
            canEdit={canEdit}
            multiline
            onChange={(v) => change(p, 'changed', v)}
          />
          <SyncedField
            label="What did not change, and why"
            value={p.unchanged}
            canEdit={canEdit}
            multiline
            onChange={(v) => change(p, 'unchanged', v)}
          />
          {canEdit ? (
            <button type="button" className="button button--quiet" onClick={() => remove(p)}>
              Remove<span className="visually-hidden"> the priority {nameOf(p)}</span>
            </button>
          ) : null}
        </fieldset>
      ))}
      {canEdit ? <AddPriority onAdd={add} /> : null}
    </NodeViewWrapper>
  );
}

function AddPriority({ onAdd }: { onAdd: (item: { title: string; evidence: string }) => void }) {
  const ids = { title: useId(), evidence: useId() };
  const [title, setTitle] = useState('');
  const [evidence, setEvidence] = useState('');
  const submit = () => {
    const what = title.trim();
    if (!what)
      return { problem: 'Write the priority, for example: Results within a week of screening.' };
    onAdd({ title: what.slice(0, MAX_TEXT), evidence: evidence.trim().slice(0, MAX_TEXT) });
    setTitle('');
    setEvidence('');
    return { added: `Added the priority “${what}”.` };
  };
  return (
    <AddForm
      legend="Add a priority"
      className="priorities__add"
      submitLabel="Add the priority"
      onSubmit={submit}
    >
      {(describedBy) => (
        <>
          <div className="field">
            <label className="field__label" htmlFor={ids.title}>
              Priority
            </label>
            <input
              id={ids.title}
              className="field__input"
              value={title}
              maxLength={MAX_TEXT}
              onChange={(e) => setTitle(e.target.value)}
              aria-describedby={describedBy}
            />
          </div>
          <div className="field">
            <label className="field__label" htmlFor={ids.evidence}>
              Evidence behind it (optional)
            </label>
            <textarea
              id={ids.evidence}
              className="field__input field__textarea"
              rows={2}
              value={evidence}
              maxLength={MAX_TEXT}
              onChange={(e) => setEvidence(e.target.value)}
            />
          </div>
        </>
      )}
    </AddForm>
  );
}

/** The priorities with their view, for the editor (the schema alone is `PriorityList`). */
export const PriorityListWithView = PriorityList.extend({
  addNodeView() {
    return ReactNodeViewRenderer(PrioritiesView);
  },
});
