/** A run of Yjs items written at one time (the ledger's insert rows). */
export interface InsertRange {
  clientId: number;
  clock: number;
  len: number;
  at: number;
}

/** A carried range on the wire: `[clientId, clock, len, authorId, originalAt]`. */
export type CarriedTuple = [number, number, number, string | null, number];

/** Text reinserted in one transaction, credited to whoever wrote it first. */
export interface CarriedRange {
  clientId: number;
  clock: number;
  len: number;
  authorId: string | null;
  originalAt: number;
}

interface Range {
  clock: number;
  len: number;
}

/** Finds the range covering `clock` in a clock-sorted list, by binary search. */
function find<R extends Range>(list: R[] | undefined, clock: number): R | undefined {
  if (!list) return undefined;
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = list[mid];
    if (!r) break;
    if (clock < r.clock) hi = mid - 1;
    else if (clock >= r.clock + r.len) lo = mid + 1;
    else return r;
  }
  return undefined;
}

function insertSorted<R extends Range>(map: Map<number, R[]>, clientId: number, range: R): void {
  const list = map.get(clientId) ?? [];
  let i = list.length;
  while (i > 0 && (list[i - 1]?.clock ?? 0) > range.clock) i--;
  list.splice(i, 0, range);
  map.set(clientId, list);
}

/**
 * Who wrote each Yjs item and when: the account owning its client id, unless the text
 * was carried over from an earlier author. Built from the ledger; kept up to date live.
 * Pure (no Yjs import), so the server's ledger and the browser's author view share it.
 */
export class AuthorshipIndex {
  readonly owners = new Map<number, string | null>();
  readonly #carried = new Map<
    number,
    (Range & { authorId: string | null; originalAt: number })[]
  >();
  readonly #inserts = new Map<number, (Range & { at: number })[]>();

  static from(ledger: {
    owners: Map<number, string | null>;
    inserts: readonly InsertRange[];
    carried: readonly CarriedRange[];
  }): AuthorshipIndex {
    const index = new AuthorshipIndex();
    for (const [client, account] of ledger.owners) index.owners.set(client, account);
    index.add(ledger);
    return index;
  }

  add(entries: { inserts: readonly InsertRange[]; carried: readonly CarriedRange[] }): void {
    for (const e of entries.inserts) {
      insertSorted(this.#inserts, e.clientId, { clock: e.clock, len: e.len, at: e.at });
    }
    for (const e of entries.carried) {
      insertSorted(this.#carried, e.clientId, {
        clock: e.clock,
        len: e.len,
        authorId: e.authorId,
        originalAt: e.originalAt,
      });
    }
  }

  /** The author of one character; null for the server's template, undefined if unknown. */
  authorOf(clientId: number, clock: number): string | null | undefined {
    const carried = find(this.#carried.get(clientId), clock);
    if (carried) return carried.authorId;
    return this.owners.get(clientId);
  }

  /** When a character was first written (the original time for carried text). */
  writtenAt(clientId: number, clock: number): number | undefined {
    const carried = find(this.#carried.get(clientId), clock);
    if (carried) return carried.originalAt;
    return find(this.#inserts.get(clientId), clock)?.at;
  }

  /** Adds carried ranges received as `[clientId, clock, len, authorId, originalAt]`. */
  addCarriedTuples(tuples: readonly CarriedTuple[]): void {
    this.add({
      inserts: [],
      carried: tuples.map(([clientId, clock, len, authorId, originalAt]) => ({
        clientId,
        clock,
        len,
        authorId,
        originalAt,
      })),
    });
  }

  /** Adds day breaks received as `{clientId: [[clock, dayMs], ...]}` (from the server). */
  addDayBreaks(days: Record<string, [number, number][]>): void {
    const inserts: InsertRange[] = [];
    for (const [client, breaks] of Object.entries(days)) {
      breaks.forEach(([clock, day], i) => {
        const next = breaks[i + 1];
        inserts.push({
          clientId: Number(client),
          clock,
          len: (next ? next[0] : Number.MAX_SAFE_INTEGER) - clock,
          at: day,
        });
      });
    }
    this.add({ inserts, carried: [] });
  }

  /** Carried ranges, for sending to clients. */
  carriedRanges(): CarriedTuple[] {
    const out: CarriedTuple[] = [];
    for (const [client, list] of this.#carried) {
      for (const r of list) out.push([client, r.clock, r.len, r.authorId, r.originalAt]);
    }
    return out;
  }

  /** Per client, the clock at which each day of writing starts: enough for "written on". */
  dayBreaks(): Record<number, [number, number][]> {
    const out: Record<number, [number, number][]> = {};
    for (const [client, list] of this.#inserts) {
      const breaks: [number, number][] = [];
      let lastDay = -1;
      for (const r of list) {
        const day = Math.floor(r.at / 86_400_000) * 86_400_000;
        if (day !== lastDay) {
          breaks.push([r.clock, day]);
          lastDay = day;
        }
      }
      out[client] = breaks;
    }
    return out;
  }
}
