import {
  describeDecisions,
  EVIDENCE_LINKS_FIELD,
  formatDay,
  isIsoDate,
  resolveLinks,
} from '@chorus/shared';
import { Node } from '@tiptap/core';
import type { Node as PmNode } from '@tiptap/pm/model';
import { NodeViewWrapper, type ReactNodeViewProps, ReactNodeViewRenderer } from '@tiptap/react';
import { useId, useState } from 'react';
import { AddForm } from '../AddForm.tsx';
import { childEdits } from '../childEdits.ts';
import { EvidenceLinks, useEvidencePieces } from '../evidence/EvidenceLinks.tsx';
import { LINKS_CONTENT, linkedPiecesOf, linkSteps } from '../evidence/evidenceLinkNodes.ts';
import { SyncedField, storedText } from '../SyncedField.tsx';
import { useBlockEditable } from '../useBlockEditable.ts';

const MAX_TEXT = 2_000;
const MAX_ITEMS = 500;
const textOf = (value: unknown) => storedText(value, MAX_TEXT);

interface Stored {
  uid: string;
  decision: string;
  decidedOn: string;
  decidedBy: string;
  basis: string;
  links: string[];
  child: number;
}

function decisionsOf(node: PmNode): Stored[] {
  const out: Stored[] = [];
  node.forEach((child, _offset, index) => {
    if (index >= MAX_ITEMS) return;
    const on = textOf(child.attrs.decidedOn);
    out.push({
      decision: textOf(child.attrs.decisionText),
      decidedOn: isIsoDate(on) ? on : '',
      decidedBy: textOf(child.attrs.decidedBy),
      basis: textOf(child.attrs.basis),
      links: linkedPiecesOf(child),
      uid: textOf(child.attrs.uid),
      child: index,
    });
  });
  return out;
}

const nameOf = (d: Stored) =>
  `Decision ${d.child + 1}${d.decision ? `: “${d.decision.length > 40 ? `${d.decision.slice(0, 40)}…` : d.decision}”` : ''}`;

function DecisionLogView({ node, editor, getPos }: ReactNodeViewProps) {
  const canEdit = useBlockEditable(editor);
  const decisions = decisionsOf(node);
  const pieces = useEvidencePieces(editor);

  const edits = childEdits(editor, getPos, 'decisionLog');
  const same = (d: Stored) => (child: PmNode) => textOf(child.attrs.decisionText) === d.decision;
  const change = (
    d: Stored,
    key: 'decision' | 'decidedOn' | 'decidedBy' | 'basis',
    value: string,
  ) =>
    edits.update(d, key === 'decision' ? () => true : same(d), {
      [key === 'decision' ? 'decisionText' : key]: value,
    });
  const link = (d: Stored, uid: string, linked: boolean) =>
    edits.change(d, same(d), (tr, child, at) => linkSteps(tr, child, at, uid, linked));
  const add = ({
    decision,
    ...rest
  }: {
    decision: string;
    decidedOn: string;
    decidedBy: string;
    basis: string;
  }) => edits.append('decisionItem', { decisionText: decision, ...rest });

  return (
    <NodeViewWrapper
      as="section"
      className="evidence"
      aria-label="Decision log"
      contentEditable={false}
    >
      <p className="evidence__title">
        <strong>Decision log</strong>: what was decided, when, by whom, and on what evidence.
      </p>
      <p>
        {describeDecisions(
          decisions.map((d) => ({ ...d, linked: resolveLinks(d.links, pieces).linked.length })),
        )}
      </p>
      {decisions.map((d) => (
        <fieldset key={d.uid || `i${d.child}`} className="evidence__item">
          <legend>{nameOf(d)}</legend>
          <SyncedField
            label="Decision"
            value={d.decision}
            canEdit={canEdit}
            multiline
            maxLength={MAX_TEXT}
            onChange={(v) => change(d, 'decision', v)}
          />
          {canEdit ? (
            <DateInput
              label="Decided on"
              value={d.decidedOn}
              onChange={(v) => change(d, 'decidedOn', v)}
            />
          ) : (
            <p>
              <strong>Decided on:</strong> {d.decidedOn ? formatDay(d.decidedOn) : 'no date'}
            </p>
          )}
          <SyncedField
            label="Decided by"
            value={d.decidedBy}
            canEdit={canEdit}
            maxLength={200}
            onChange={(v) => change(d, 'decidedBy', v)}
          />
          <EvidenceLinks
            editor={editor}
            links={d.links}
            canEdit={canEdit}
            of={`decision ${d.child + 1}`}
            onChange={(uid, linked) => link(d, uid, linked)}
          />
          <SyncedField
            label="The evidence it rests on, in words"
            hint="Anything the linked pieces do not cover, for example: the workshop of 3 June."
            value={d.basis}
            canEdit={canEdit}
            multiline
            maxLength={MAX_TEXT}
            onChange={(v) => change(d, 'basis', v)}
          />
          {d.basis.trim() === '' && resolveLinks(d.links, pieces).linked.length === 0 ? (
            <p className="evidence__warning">
              <strong>Evidence:</strong> not given yet.
            </p>
          ) : null}
        </fieldset>
      ))}
      {canEdit ? <AddDecision onAdd={add} /> : null}
    </NodeViewWrapper>
  );
}

function DateInput({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        type="date"
        className="field__input"
        value={value}
        onChange={(e) => {
          if (e.target.value === '' || isIsoDate(e.target.value)) onChange(e.target.value);
        }}
      />
    </div>
  );
}

function AddDecision({
  onAdd,
}: {
  onAdd: (item: { decision: string; decidedOn: string; decidedBy: string; basis: string }) => void;
}) {
  const id = useId();
  const [decision, setDecision] = useState('');
  const submit = () => {
    const words = decision.trim();
    if (!words) {
      return {
        problem: 'Write the decision, for example: Results letters go out within five days.',
      };
    }
    const today = new Date().toLocaleDateString('en-CA');
    onAdd({ decision: words.slice(0, MAX_TEXT), decidedOn: today, decidedBy: '', basis: '' });
    setDecision('');
    return {
      added: 'Recorded the decision. Say who made it and the evidence it rests on below it.',
    };
  };
  return (
    <AddForm
      legend="Record a decision"
      className="evidence__add"
      submitLabel="Record the decision"
      onSubmit={submit}
    >
      {(describedBy) => (
        <div className="field">
          <label className="field__label" htmlFor={id}>
            Decision
          </label>
          <textarea
            id={id}
            className="field__input field__textarea"
            rows={2}
            value={decision}
            maxLength={MAX_TEXT}
            onChange={(e) => setDecision(e.target.value)}
            aria-describedby={describedBy}
          />
        </div>
      )}
    </AddForm>
  );
}

export const DecisionLog = Node.create({
  name: 'decisionLog',
  group: 'block',
  content: 'decisionItem*',
  atom: true,
  selectable: true,
  draggable: false,
  isolating: true,
  parseHTML() {
    return [{ tag: 'section[data-decision-log]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['section', { ...HTMLAttributes, 'data-decision-log': '' }, 0];
  },
  addNodeView() {
    return ReactNodeViewRenderer(DecisionLogView);
  },
});

export const DecisionItem = Node.create({
  name: 'decisionItem',
  atom: true,
  selectable: false,
  // Its links to pieces of evidence, one child each (see `evidenceLinkNodes.ts`).
  content: LINKS_CONTENT,
  addAttributes() {
    return {
      decisionText: { default: '' },
      decidedOn: { default: '' },
      decidedBy: { default: '' },
      basis: { default: '' },
      // Still declared: the binding deletes any attribute the schema lacks, and documents
      // stored before links were children still hold theirs.
      [EVIDENCE_LINKS_FIELD]: { default: '' },
      uid: { default: '' },
    };
  },
  parseHTML() {
    return [{ tag: 'div[data-decision]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['div', { ...HTMLAttributes, 'data-decision': '' }, 0];
  },
});
