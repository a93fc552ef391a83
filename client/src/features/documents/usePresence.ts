import { useEffect, useState } from 'react';
import type { WebsocketProvider } from 'y-websocket';

export interface PresentPerson {
  clientId: number;
  name: string;
  /** The participant role label, e.g. "Patient or service user"; empty if unknown. */
  role: string;
  color: string;
  isYou: boolean;
}

function readPeople(provider: WebsocketProvider): PresentPerson[] {
  const { awareness } = provider;
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

/** Who is connected to the document, from the awareness states the server vouches for. */
export function usePresence(provider: WebsocketProvider | null): PresentPerson[] {
  const [people, setPeople] = useState<PresentPerson[]>([]);
  useEffect(() => {
    if (!provider) {
      setPeople([]);
      return;
    }
    const update = () => setPeople(readPeople(provider));
    update();
    provider.awareness.on('change', update);
    return () => provider.awareness.off('change', update);
  }, [provider]);
  return people;
}
