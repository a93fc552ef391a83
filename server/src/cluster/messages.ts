import { type NoticeTopic, noticeTopics } from '@chorus/shared';
import { z } from 'zod';
import type { CommittedElsewhere } from '../sync/room.ts';

/**
 * What server processes tell each other over Redis. Each message is JSON, checked here
 * when it arrives like any other input: a message that does not parse is logged and
 * dropped, never applied. Binary Yjs updates travel as base64.
 */

const count = z.number().int().nonnegative();
const id = z.string().min(1).max(200);
const bytes = z.base64().transform((b64) => new Uint8Array(Buffer.from(b64, 'base64')));

export const documentMessageSchema = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('committed'),
    from: id,
    // Whose edit each row is (null: the server's own), for a correction credited to them.
    rows: z.array(z.object({ seq: count, update: bytes, accountId: id.nullable().optional() })),
    owners: z.array(z.tuple([count, id.nullable()])),
    inserts: z.array(z.tuple([count, count, count, count])),
    carried: z.array(z.tuple([count, count, count, id.nullable(), count])),
  }),
  // Too large to announce whole (an offline backlog): the others read it from the journal.
  z.object({ t: z.literal('committedLarge'), from: id }),
  z.object({ t: z.literal('presence'), from: id, update: bytes }),
  z.object({ t: z.literal('presenceWanted'), from: id }),
  // Something kept beside the document (its comments) changed: tell the people here.
  z.object({ t: z.literal('notice'), from: id, topic: z.enum(noticeTopics) }),
]);
export type DocumentMessage = z.output<typeof documentMessageSchema>;

/** Something changed for one person (their mentions): their notification streams look again. */
export const personMessageSchema = z.object({ t: z.literal('notice'), from: id });

export const controlMessageSchema = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('access'),
    from: id,
    change: z.object({
      workspaceId: id,
      userId: id.optional(),
      documentId: id.optional(),
      textOnly: z.boolean().optional(),
    }),
  }),
  z.object({
    t: z.literal('sessionsEnded'),
    from: id,
    sessionIds: z.array(id),
    reason: z.enum(['ended', 'expired']),
  }),
  z.object({ t: z.literal('discard'), from: id, documentId: id }),
]);
export type ControlMessage = z.output<typeof controlMessageSchema>;

const base64 = (b: Uint8Array) =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

export function encodeCommitted(from: string, c: CommittedElsewhere): string {
  return JSON.stringify({
    t: 'committed',
    from,
    rows: c.rows.map((r) => ({
      seq: r.seq,
      update: base64(r.update),
      accountId: r.accountId ?? null,
    })),
    owners: c.owners,
    inserts: c.inserts.map((e) => [e.clientId, e.clock, e.len, e.at]),
    carried: c.carried.map((e) => [e.clientId, e.clock, e.len, e.authorId, e.originalAt]),
  });
}

/** A message that carries nothing but what it is: `committedLarge` or `presenceWanted`. */
export function encodeSignal(t: 'committedLarge' | 'presenceWanted', from: string): string {
  return JSON.stringify({ t, from });
}

export function encodeNotice(from: string, topic: NoticeTopic): string {
  return JSON.stringify({ t: 'notice', from, topic });
}

export function encodePresence(from: string, update: Uint8Array): string {
  return JSON.stringify({ t: 'presence', from, update: base64(update) });
}

export function toCommittedElsewhere(
  m: Extract<DocumentMessage, { t: 'committed' }>,
): CommittedElsewhere {
  return {
    rows: m.rows,
    owners: m.owners,
    inserts: m.inserts.map(([clientId, clock, len, at]) => ({ clientId, clock, len, at })),
    carried: m.carried.map(([clientId, clock, len, authorId, originalAt]) => ({
      clientId,
      clock,
      len,
      authorId,
      originalAt,
    })),
  };
}

/** Parses a message from another process; the problem, if it is not one. */
export function parseMessage<T>(
  schema: z.ZodType<T>,
  raw: string,
): { ok: true; message: T } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, problem: parsed.error.issues[0]?.message ?? 'invalid message' };
  }
  return { ok: true, message: parsed.data };
}
