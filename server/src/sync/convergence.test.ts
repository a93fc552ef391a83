import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SimClient, settleAll } from '../test/simClient.ts';
import { editorIdentity, inMemorySyncServer, seedDocument } from '../test/syncHarness.ts';

/** Runs in the default suite; `pnpm test:fuzz` raises it. */
const RUNS = Number(process.env.CHORUS_PROPERTY_RUNS ?? 40);

type Op =
  | { kind: 'insert'; client: number; at: number; text: string }
  | { kind: 'delete'; client: number; at: number; len: number }
  | { kind: 'deliver'; client: number; steps: number }
  | { kind: 'toggle'; client: number };

const op = (clients: number): fc.Arbitrary<Op> =>
  fc.oneof(
    fc.record({
      kind: fc.constant('insert' as const),
      client: fc.nat(clients - 1),
      at: fc.nat(50),
      text: fc.string({ minLength: 1, maxLength: 6 }),
    }),
    fc.record({
      kind: fc.constant('delete' as const),
      client: fc.nat(clients - 1),
      at: fc.nat(50),
      len: fc.integer({ min: 1, max: 5 }),
    }),
    fc.record({
      kind: fc.constant('deliver' as const),
      client: fc.nat(clients - 1),
      steps: fc.integer({ min: 1, max: 8 }),
    }),
    fc.record({ kind: fc.constant('toggle' as const), client: fc.nat(clients - 1) }),
  );

describe('convergence under random order, delays and disconnects', () => {
  it(
    'all clients and the stored document end identical',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(op(3), { minLength: 5, maxLength: 60 }), async (ops) => {
          const { storage, server } = inMemorySyncServer({
            maxDocumentBytes: 1 << 24,
            maxBufferedBytes: 1 << 24,
            snapshotEvery: 7,
            maxQueuedFrames: 10_000,
          });
          await seedDocument(storage, 'd', 'seed');
          const clients = [0, 1, 2].map((n) => new SimClient(server, editorIdentity(`u${n}`), 'd'));
          for (const c of clients) c.connect();
          await new Promise((r) => setTimeout(r, 1));
          for (const o of ops) {
            const c = clients[o.client];
            if (!c) continue;
            const text = c.doc.getText('t');
            if (o.kind === 'insert') text.insert(Math.min(o.at, text.length), o.text);
            else if (o.kind === 'delete' && text.length > 0) {
              const at = Math.min(o.at, text.length - 1);
              text.delete(at, Math.min(o.len, text.length - at));
            } else if (o.kind === 'deliver') for (let i = 0; i < o.steps; i++) c.step();
            else if (o.kind === 'toggle') {
              if (c.connected) c.disconnect();
              else c.connect();
            }
            await new Promise((r) => setImmediate(r));
          }
          for (const c of clients) if (!c.connected) c.connect();
          await new Promise((r) => setTimeout(r, 1));
          await settleAll(server, clients);
          const texts = clients.map((c) => c.doc.getText('t').toString());
          expect(clients.map((c) => c.closedWith)).toEqual([null, null, null]);
          expect(new Set(texts).size).toBe(1);
          // The journal alone (as after a restart) gives the same document.
          await server.shutdown();
          const loaded = await storage.journal.load('d');
          const stored = new Y.Doc();
          if (loaded.snapshot) Y.applyUpdate(stored, loaded.snapshot.state);
          for (const r of loaded.rows) Y.applyUpdate(stored, r.update);
          expect(stored.getText('t').toString()).toBe(texts[0]);
          await storage.close();
        }),
        { numRuns: RUNS },
      );
    },
    RUNS * 300 + 60_000,
  );
});
