import { expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { readPeople, samePeople } from './usePresence.ts';

it('reads you first, then others by name, and sees no change when only a caret moves', () => {
  const awareness = new Awareness(new Y.Doc());
  awareness.setLocalState({ user: { name: 'Zoe Patient', role: 'Patient', color: '#123456' } });
  const other = new Awareness(new Y.Doc());
  other.setLocalState({ user: { name: 'Al Clinician', color: '#654321' }, cursor: null });
  const apply = () => {
    const state = other.getLocalState();
    awareness.states.set(other.clientID, state ?? {});
  };
  apply();
  const before = readPeople(awareness);
  expect(before.map((p) => [p.name, p.isYou])).toEqual([
    ['Zoe Patient', true],
    ['Al Clinician', false],
  ]);
  // Carets move with every keystroke: the list of people is the same.
  awareness.setLocalStateField('cursor', { anchor: 3, head: 3 });
  other.setLocalStateField('cursor', { anchor: 9, head: 9 });
  apply();
  expect(samePeople(before, readPeople(awareness))).toBe(true);
  // A new name, or someone leaving, is a change.
  other.setLocalStateField('user', { name: 'Dr Al Clinician', color: '#654321' });
  apply();
  expect(samePeople(before, readPeople(awareness))).toBe(false);
  awareness.states.delete(other.clientID);
  expect(samePeople(before, readPeople(awareness))).toBe(false);
});
