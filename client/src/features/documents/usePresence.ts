import { useEffect, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type { WebsocketProvider } from 'y-websocket';

export interface PresentPerson {
  clientId: number;
  name: string;
  /** The participant role label, e.g. "Patient or service user"; empty if unknown. */
  role: string;
  color: string;
  isYou: boolean;
}

export function readPeople(awareness: Awareness): PresentPerson[] {
  const people: PresentPerson[] = [];
  for (const [clientId, state] of awareness.getStates()) {
    const user: unknown = state.user;
    if (typeof user !== 'object' || user === null) continue;
    const name = 'name' in user && typeof user.name === 'string' ? user.name : null;
    const role = 'role' in user && typeof user.role === 'string' ? user.role : '';
    const color = 'color' in user && typeof user.color === 'string' ? user.color : '#374151';
    if (!name) continue;
    people.push({ clientId, name, role, color, isYou: clientId === awareness.clientID });
  }
  // You first, then everyone else by name, so the list does not jump around.
  return people.sort((a, b) => Number(b.isYou) - Number(a.isYou) || a.name.localeCompare(b.name));
}

/** Whether two lists name the same people in the same order, alike in every field shown. */
export function samePeople(a: readonly PresentPerson[], b: readonly PresentPerson[]): boolean {
  return (
    a.length === b.length &&
    a.every((p, i) => {
      const q = b[i];
      return (
        q !== undefined &&
        p.clientId === q.clientId &&
        p.name === q.name &&
        p.role === q.role &&
        p.color === q.color &&
        p.isYou === q.isYou
      );
    })
  );
}

/**
 * Who is connected to the document, from the awareness states the server vouches for.
 * Awareness changes with every caret move (ours on each keystroke, and everyone else's),
 * but the list only when someone comes, goes or is renamed: the page re-renders then only.
 */
export function usePresence(provider: WebsocketProvider | null): PresentPerson[] {
  const [people, setPeople] = useState<PresentPerson[]>([]);
  useEffect(() => {
    if (!provider) {
      setPeople([]);
      return;
    }
    let shown: PresentPerson[] = [];
    const update = () => {
      const next = readPeople(provider.awareness);
      if (samePeople(shown, next)) return;
      shown = next;
      setPeople(next);
    };
    setPeople([]);
    update();
    provider.awareness.on('change', update);
    return () => provider.awareness.off('change', update);
  }, [provider]);
  return people;
}
