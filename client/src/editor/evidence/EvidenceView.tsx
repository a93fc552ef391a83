import {
  type Consent,
  consentChoices,
  consentNames,
  consentWarning,
  describeEvidence,
  type Evidence,
  type EvidenceKind,
  evidenceKindNames,
  evidenceKinds,
  evidenceOf,
  type Feeling,
  journeyOf,
} from '@chorus/shared';
import { Node } from '@tiptap/core';
import type { Node as PmNode } from '@tiptap/pm/model';
import { NodeViewWrapper, type ReactNodeViewProps, ReactNodeViewRenderer } from '@tiptap/react';
import { useId, useState } from 'react';
import { RadioGroup } from '../../ui/RadioGroup.tsx';
import { AddForm } from '../AddForm.tsx';
import { childEdits } from '../childEdits.ts';
import { SyncedField } from '../SyncedField.tsx';
import { useBlockEditable } from '../useBlockEditable.ts';

const MAX_TEXT = 4_000;
const MAX_ITEMS = 500;

interface Stored extends Evidence {
  uid: string;
  child: number;
}

function itemsOf(node: PmNode): Stored[] {
  const out: Stored[] = [];
  node.forEach((child, _offset, index) => {
    if (index >= MAX_ITEMS) return;
    const uid = typeof child.attrs.uid === 'string' ? child.attrs.uid : '';
    out.push({ ...evidenceOf(child.attrs), uid, child: index });
  });
  return out;
}

const shortly = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);
const nameOf = (e: Stored) =>
  `${evidenceKindNames[e.kind]} ${e.child + 1}${e.body ? `: “${shortly(e.body)}”` : ''}`;
const feelingNames: Record<Feeling, string> = {
  positive: 'Positive: it went well',
  negative: 'Negative: it went badly',
};

function EvidenceView({ node, editor, getPos }: ReactNodeViewProps) {
  const canEdit = useBlockEditable(editor);
  const items = itemsOf(node);

  const edits = childEdits(editor, getPos, 'evidenceList');
  const same = (e: Stored) => (child: PmNode) => evidenceOf(child.attrs).body === e.body;
  const change = (e: Stored, key: string, value: string) =>
    edits.update(e, key === 'body' ? () => true : same(e), { [key]: value });
  const add = (attrs: Record<string, string>) => edits.append('evidenceItem', attrs);
  const remove = (e: Stored) =>
    edits.remove(e, same(e), (block) => block.querySelector<HTMLElement>('.evidence__summary'));

  const journey = journeyOf(items);
  return (
    <NodeViewWrapper
      as="section"
      className="evidence"
      aria-label="Experience evidence"
      contentEditable={false}
    >
      <p className="evidence__title">
        <strong>Experience evidence</strong>: stories, quotes and touchpoints of the journey.
      </p>
      <p className="evidence__summary" tabIndex={-1}>
        {describeEvidence(items)}
      </p>
      {items.map((e) => {
        const warning = consentWarning(e);
        return (
          <fieldset key={e.uid || `i${e.child}`} className="evidence__item">
            <legend>{nameOf(e)}</legend>
            <SyncedField
              label={e.kind === 'touchpoint' ? 'What happened' : 'In their words'}
              value={e.body}
              canEdit={canEdit}
              multiline
              maxLength={MAX_TEXT}
              onChange={(v) => change(e, 'body', v)}
            />
            <SyncedField
              label="Who (as they agreed to be named)"
              value={e.source}
              canEdit={canEdit}
              maxLength={200}
              onChange={(v) => change(e, 'source', v)}
            />
            {e.kind === 'touchpoint' ? (
              <TouchpointFields e={e} canEdit={canEdit} onChange={(k, v) => change(e, k, v)} />
            ) : (
              <ConsentFields e={e} canEdit={canEdit} onChange={(k, v) => change(e, k, v)} />
            )}
            {warning ? (
              <p className="evidence__warning">
                <strong>Consent:</strong> {warning}
              </p>
            ) : null}
            {canEdit ? (
              <button type="button" className="button button--quiet" onClick={() => remove(e)}>
                Remove<span className="visually-hidden"> {nameOf(e)}</span>
              </button>
            ) : null}
          </fieldset>
        );
      })}
      {journey.length > 0 ? (
        <div className="evidence__journey">
          <p className="evidence__subtitle">
            <strong>The journey, stage by stage</strong>
          </p>
          <ol aria-label="Journey stages">
            {journey.map(({ stage, touchpoints }) => (
              <li key={stage}>
                <strong>{stage}</strong>
                <ul aria-label={`Touchpoints at ${stage}`}>
                  {touchpoints.map((t) => (
                    <li key={t.child}>
                      {t.feeling === 'positive'
                        ? 'Positive: '
                        : t.feeling === 'negative'
                          ? 'Negative: '
                          : ''}
                      {t.body || '(not described)'}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        </div>
      ) : null}
      {canEdit ? <AddEvidence onAdd={add} /> : null}
    </NodeViewWrapper>
  );
}

function ConsentFields({
  e,
  canEdit,
  onChange,
}: {
  e: Stored;
  canEdit: boolean;
  onChange: (key: string, value: string) => void;
}) {
  const name = useId();
  const checkbox = useId();
  if (!canEdit) {
    return (
      <p>
        <strong>Agreed to be quoted:</strong> {consentNames[e.consent]}.{' '}
        <strong>Anonymised:</strong> {e.anonymised ? 'yes' : 'no'}.
      </p>
    );
  }
  return (
    <>
      <RadioGroup
        legend="Did they agree to be quoted?"
        name={name}
        options={consentChoices.map((c) => ({ value: c, label: consentNames[c] }))}
        value={e.consent}
        onChange={(c: Consent) => onChange('consent', c)}
      />
      <div className="checkbox">
        <input
          id={checkbox}
          type="checkbox"
          checked={e.anonymised}
          onChange={(ev) => onChange('anonymised', ev.target.checked ? 'yes' : 'no')}
        />
        <label htmlFor={checkbox}>Anonymised (no name or detail that identifies them)</label>
      </div>
    </>
  );
}

function TouchpointFields({
  e,
  canEdit,
  onChange,
}: {
  e: Stored;
  canEdit: boolean;
  onChange: (key: string, value: string) => void;
}) {
  const name = useId();
  return (
    <>
      <SyncedField
        label="Stage of the journey"
        value={e.journeyStage}
        canEdit={canEdit}
        maxLength={200}
        onChange={(v) => onChange('journeyStage', v)}
      />
      {canEdit ? (
        <RadioGroup
          legend="How it felt"
          name={name}
          options={(['positive', 'negative'] as const).map((f) => ({
            value: f,
            label: feelingNames[f],
          }))}
          value={e.feeling}
          onChange={(f) => onChange('feeling', f)}
        />
      ) : (
        <p>
          <strong>How it felt:</strong> {e.feeling ? feelingNames[e.feeling] : 'not said'}
        </p>
      )}
    </>
  );
}

function AddEvidence({ onAdd }: { onAdd: (attrs: Record<string, string>) => void }) {
  const ids = { kind: useId(), body: useId() };
  const [kind, setKind] = useState<EvidenceKind>('quote');
  const [body, setBody] = useState('');
  const submit = () => {
    const words = body.trim();
    if (!words) {
      return {
        problem:
          kind === 'touchpoint'
            ? 'Say what happened at this point of the journey.'
            : 'Write what they said, in their words.',
      };
    }
    onAdd({ kind, body: words.slice(0, MAX_TEXT), consent: 'unknown', anonymised: 'no' });
    setBody('');
    return {
      added: `Added the ${evidenceKindNames[kind].toLowerCase()}. Record consent below it.`,
    };
  };
  return (
    <AddForm
      legend="Add evidence"
      className="evidence__add"
      submitLabel="Add the evidence"
      onSubmit={submit}
    >
      {(describedBy) => (
        <>
          <RadioGroup
            legend="What it is"
            name={ids.kind}
            options={evidenceKinds.map((k) => ({ value: k, label: evidenceKindNames[k] }))}
            value={kind}
            onChange={setKind}
          />
          <div className="field">
            <label className="field__label" htmlFor={ids.body}>
              {kind === 'touchpoint' ? 'What happened' : 'In their words'}
            </label>
            <textarea
              id={ids.body}
              className="field__input field__textarea"
              rows={3}
              value={body}
              maxLength={MAX_TEXT}
              onChange={(e) => setBody(e.target.value)}
              aria-describedby={describedBy}
            />
          </div>
        </>
      )}
    </AddForm>
  );
}

export const EvidenceList = Node.create({
  name: 'evidenceList',
  group: 'block',
  content: 'evidenceItem*',
  atom: true,
  selectable: true,
  draggable: false,
  isolating: true,
  parseHTML() {
    return [{ tag: 'section[data-evidence]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['section', { ...HTMLAttributes, 'data-evidence': '' }, 0];
  },
  addNodeView() {
    return ReactNodeViewRenderer(EvidenceView);
  },
});

export const EvidenceItem = Node.create({
  name: 'evidenceItem',
  atom: true,
  selectable: false,
  addAttributes() {
    return {
      kind: { default: 'quote' },
      body: { default: '' },
      source: { default: '' },
      consent: { default: 'unknown' },
      anonymised: { default: 'no' },
      journeyStage: { default: '' },
      feeling: { default: '' },
      uid: { default: '' },
    };
  },
  parseHTML() {
    return [{ tag: 'div[data-evidence-item]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['div', { ...HTMLAttributes, 'data-evidence-item': '' }];
  },
});
