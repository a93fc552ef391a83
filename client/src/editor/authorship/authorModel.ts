import { AuthorshipIndex } from '@chorus/shared';
import type * as Y from 'yjs';
import type { AttributionMessage } from '../../sync/connectDocument.ts';
import type { AuthorPerson, AuthorshipData } from './authorshipApi.ts';

const DAY_MS = 86_400_000;

/** Who wrote one character, for the caret line and hover. */
export interface Credit {
  authorId: string | null;
  /** Undefined until the server says who owns a new client id. */
  person: AuthorPerson | null | undefined;
  /** Start of the day (UTC) the text was first written; null for text written just now. */
  day: number | null;
}

/**
 * Everything the author view knows: the shared AuthorshipIndex (the same class the server
 * uses), the people it may credit, and a stable slot per person for the underline style.
 * Mutable on purpose: live increments change it in place, then the view redraws.
 */
export class AuthorModel {
  index = new AuthorshipIndex();
  people = new Map<string, AuthorPerson>();
  /** Person -> slot, in order of first appearance, so styles do not shuffle as people join. */
  readonly slots = new Map<string, number>();
  /** People with text in the document at the last redraw, for the legend. */
  present = new Set<string>();
  /** Client ids seen in the text with no known owner yet (someone new typed). */
  readonly unknownClients = new Set<number>();
  /** Clients with carried credit: only their characters need a lookup each. */
  carriedClients = new Set<number>();
  /** Called after a redraw that met unknown client ids: the owner fetches data again. */
  onUnknown: (() => void) | null = null;
  #listeners = new Set<() => void>();
  #version = 0;

  constructor(readonly fragment: Y.XmlFragment) {}

  /** Replaces everything with a fresh answer from the server. */
  load(data: AuthorshipData): void {
    const index = new AuthorshipIndex();
    for (const [client, account] of data.owners) index.owners.set(client, account);
    index.addCarriedTuples(data.carried);
    index.addDayBreaks(data.days);
    this.index = index;
    this.people = new Map(Object.entries(data.people));
    this.carriedClients = new Set(data.carried.map(([client]) => client));
    for (const [, account] of data.owners) if (account) this.slotOf(account);
    this.unknownClients.clear();
    this.changed();
  }

  /** A live increment from the sync connection: new owners and carried credit. */
  apply(message: AttributionMessage): void {
    for (const [client, account] of message.owners) {
      this.index.owners.set(client, account);
      this.unknownClients.delete(client);
      if (account) this.slotOf(account);
    }
    if (message.carried.length > 0) {
      this.index.addCarriedTuples(message.carried);
      for (const [client] of message.carried) this.carriedClients.add(client);
    }
    this.changed();
  }

  slotOf(accountId: string): number {
    let slot = this.slots.get(accountId);
    if (slot === undefined) {
      slot = this.slots.size;
      this.slots.set(accountId, slot);
    }
    return slot;
  }

  /** Day (UTC) a character was written; null when the server has no time for it yet. */
  dayOf(client: number, clock: number): number | null {
    const at = this.index.writtenAt(client, clock);
    return at === undefined ? null : Math.floor(at / DAY_MS) * DAY_MS;
  }

  creditOf(client: number, clock: number): Credit {
    const authorId = this.index.authorOf(client, clock);
    if (authorId === undefined) return { authorId: null, person: undefined, day: null };
    return {
      authorId,
      person: authorId === null ? null : (this.people.get(authorId) ?? undefined),
      day: this.dayOf(client, clock),
    };
  }

  setPresent(present: Set<string>): void {
    const same =
      present.size === this.present.size && [...present].every((id) => this.present.has(id));
    if (same) return;
    this.present = present;
    this.changed();
  }

  /** For useSyncExternalStore: a number that changes whenever the legend may change. */
  version = (): number => this.#version;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  changed(): void {
    this.#version++;
    for (const listener of this.#listeners) listener();
  }
}

/** "Written by A patient (Patient or service user) on 25 Nov 2026", in plain words. */
export function describeCredit(credit: Credit, formatDay: (ms: number) => string): string {
  if (credit.person === undefined) return 'Written by someone who has just joined.';
  if (credit.person === null) return 'From the document template, not written by a member.';
  const when = credit.day === null ? 'just now' : `on ${formatDay(credit.day)}`;
  return `Written by ${credit.person.name} (${credit.person.roleLabel}) ${when}.`;
}
