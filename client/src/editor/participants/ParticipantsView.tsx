import {
  type Consent,
  type CreditMode,
  consentChoices,
  consentNames,
  creditModes,
  describeParticipants,
  type ListedParticipant,
  listedCreditLabels,
  listedParticipantOf,
  type ParticipantRole,
  participantFields,
  participantRoleLabels,
  participantRoles,
} from '@chorus/shared';
import { Node } from '@tiptap/core';
import type { Node as PmNode } from '@tiptap/pm/model';
import { NodeViewWrapper, type ReactNodeViewProps, ReactNodeViewRenderer } from '@tiptap/react';
import { useId, useState } from 'react';
import { RadioGroup } from '../../ui/RadioGroup.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import { AddForm } from '../AddForm.tsx';
import { childEdits } from '../childEdits.ts';
import { SyncedField, storedText } from '../SyncedField.tsx';
import { useBlockEditable } from '../useBlockEditable.ts';

const MAX_NAME = 200;
const MAX_PEOPLE = 500;

interface Stored extends ListedParticipant {
  uid: string;
  child: number;
}

function participantsOf(node: PmNode): Stored[] {
  const out: Stored[] = [];
  node.forEach((child, _offset, index) => {
    if (index >= MAX_PEOPLE) return;
    const person = listedParticipantOf(child.attrs);
    out.push({
      ...person,
      name: storedText(person.name, MAX_NAME),
      uid: storedText(child.attrs.uid, 64),
      child: index,
    });
  });
  return out;
}

const nameOf = (p: Stored) => (p.name.trim() ? p.name.trim() : `Participant ${p.child + 1}`);

const roleOptions = participantRoles.map((r) => ({ value: r, label: participantRoleLabels[r] }));

/**
 * A service design's participants: who takes part, in what role, how each wants to be
 * credited and whether they agreed to be quoted. Editors fill it in; everyone else reads
 * it, with the list summed up in words.
 */
function ParticipantsView({ node, editor, getPos }: ReactNodeViewProps) {
  const canEdit = useBlockEditable(editor);
  const people = participantsOf(node);
  const edits = childEdits(editor, getPos, 'participantList');
  const same = (p: Stored) => (child: PmNode) =>
    storedText(child.attrs.personName, MAX_NAME) === p.name;
  const change = (p: Stored, key: (typeof participantFields)[number], value: string) =>
    edits.update(p, key === 'personName' ? () => true : same(p), { [key]: value });
  const remove = (p: Stored) =>
    edits.remove(p, same(p), (block) => block.querySelector<HTMLElement>('.participants__summary'));

  return (
    <NodeViewWrapper
      as="section"
      className="evidence"
      aria-label="Participants"
      contentEditable={false}
    >
      <p className="evidence__title">
        <strong>Participants</strong>: who takes part, how each wants to be credited, and whether
        they agreed to be quoted.
      </p>
      <p className="participants__summary" tabIndex={-1}>
        {describeParticipants(people)}
      </p>
      {people.map((p) => (
        <Person
          key={p.uid || `i${p.child}`}
          person={p}
          canEdit={canEdit}
          onChange={(key, value) => change(p, key, value)}
          onRemove={() => remove(p)}
        />
      ))}
      {canEdit ? (
        <AddParticipant
          onAdd={(person) =>
            edits.append('participantItem', {
              personName: person.name,
              personRole: person.role,
              creditAs: '',
              quoteConsent: 'unknown',
            })
          }
        />
      ) : null}
    </NodeViewWrapper>
  );
}

function Person({
  person,
  canEdit,
  onChange,
  onRemove,
}: {
  person: Stored;
  canEdit: boolean;
  onChange: (key: (typeof participantFields)[number], value: string) => void;
  onRemove: () => void;
}) {
  const credit = useId();
  const consent = useId();
  const name = nameOf(person);
  return (
    <fieldset className="evidence__item">
      <legend>{name}</legend>
      <SyncedField
        label="Name"
        value={person.name}
        canEdit={canEdit}
        maxLength={MAX_NAME}
        onChange={(v) => onChange('personName', v)}
      />
      {canEdit ? (
        <>
          <SelectField
            label="Role in the group"
            value={person.role}
            options={roleOptions}
            onChange={(r: ParticipantRole) => onChange('personRole', r)}
          />
          <RadioGroup
            legend="How they want to be credited outside the group"
            name={credit}
            options={creditModes.map((c) => ({ value: c, label: listedCreditLabels[c] }))}
            value={person.creditAs}
            onChange={(c: CreditMode) => onChange('creditAs', c)}
          />
          {person.creditAs === 'display_name' ? (
            <SyncedField
              label="The name they chose"
              hint="Until it is given, they are credited by their role."
              value={person.creditName}
              canEdit
              maxLength={MAX_NAME}
              onChange={(v) => onChange('creditName', v)}
            />
          ) : null}
          <RadioGroup
            legend="Agreed to be quoted"
            name={consent}
            options={consentChoices.map((c) => ({ value: c, label: consentNames[c] }))}
            value={person.quoteConsent}
            onChange={(c: Consent) => onChange('quoteConsent', c)}
          />
          <button type="button" className="button button--quiet" onClick={onRemove}>
            Remove<span className="visually-hidden"> {name} from the participants</span>
          </button>
        </>
      ) : (
        <p>
          <strong>Role:</strong> {participantRoleLabels[person.role]}. <strong>Credited:</strong>{' '}
          {person.creditAs ? listedCreditLabels[person.creditAs] : 'not said yet'}
          {person.creditAs === 'display_name' && person.creditName.trim()
            ? ` (${person.creditName.trim()})`
            : ''}
          . <strong>Agreed to be quoted:</strong> {consentNames[person.quoteConsent]}.
        </p>
      )}
    </fieldset>
  );
}

function AddParticipant({
  onAdd,
}: {
  onAdd: (person: { name: string; role: ParticipantRole }) => void;
}) {
  const id = useId();
  const [name, setName] = useState('');
  const [role, setRole] = useState<ParticipantRole | ''>('');
  const submit = () => {
    const who = name.trim();
    if (!who) return { problem: 'Write the person’s name, as the group knows them.' };
    if (!role) return { problem: 'Choose the person’s role in the group.' };
    onAdd({ name: who.slice(0, MAX_NAME), role });
    setName('');
    setRole('');
    return { added: `Added ${who}. Say how they want to be credited below their name.` };
  };
  return (
    <AddForm
      legend="Add a participant"
      className="evidence__add"
      submitLabel="Add the participant"
      onSubmit={submit}
    >
      {(describedBy) => (
        <>
          <div className="field">
            <label className="field__label" htmlFor={id}>
              Name
            </label>
            <input
              id={id}
              className="field__input"
              value={name}
              maxLength={MAX_NAME}
              onChange={(e) => setName(e.target.value)}
              aria-describedby={describedBy}
            />
          </div>
          <SelectField
            label="Role in the group"
            value={role}
            placeholder="Choose a role"
            options={roleOptions}
            onChange={(r: ParticipantRole) => setRole(r)}
          />
        </>
      )}
    </AddForm>
  );
}

export const ParticipantList = Node.create({
  name: 'participantList',
  group: 'block',
  content: 'participantItem*',
  atom: true,
  selectable: true,
  draggable: false,
  isolating: true,
  parseHTML() {
    return [{ tag: 'section[data-participants]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['section', { ...HTMLAttributes, 'data-participants': '' }, 0];
  },
  addNodeView() {
    return ReactNodeViewRenderer(ParticipantsView);
  },
});

export const ParticipantItem = Node.create({
  name: 'participantItem',
  atom: true,
  selectable: false,
  addAttributes() {
    return Object.fromEntries([...participantFields, 'uid'].map((f) => [f, { default: '' }]));
  },
  parseHTML() {
    return [{ tag: 'div[data-participant]' }];
  },
  renderHTML({ HTMLAttributes }) {
    return ['div', { ...HTMLAttributes, 'data-participant': '' }];
  },
});
