import { CloseCode } from '@chorus/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Storage } from '../storage/types.ts';
import { FakeConnection } from '../test/fakeConnection.ts';
import { eventually } from '../test/syncClient.ts';
import { editorIdentity, inMemorySyncServer, seedDocument } from '../test/syncHarness.ts';
import { encodeSyncStep1, encodeUpdate } from './protocol.ts';

/** What `server.ts` gives the sync server: frames one connection may queue while loading. */
const MAX_QUEUED_FRAMES = 256;
const DOC = 'queued-doc';

/** Holds every `journal.load` until `release()`, so the document stays loading. */
function holdLoads(storage: Storage): { release(): void; started(): number } {
  const realLoad = storage.journal.load.bind(storage.journal);
  let waiting: (() => void)[] = [];
  let started = 0;
  let released = false;
  storage.journal.load = async (documentId, options) => {
    started++;
    if (!released) await new Promise<void>((answer) => waiting.push(answer));
    return realLoad(documentId, options);
  };
  return {
    release() {
      released = true;
      for (const answer of waiting) answer();
      waiting = [];
    },
    started: () => started,
  };
}

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

/** `count` small successive edits of one Y.Doc, each depending on the one before. */
function edits(clientID: number, word: string, count: number): Uint8Array[] {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const before = Y.encodeStateVector(doc);
    doc.getText('t').insert(0, `${word} `);
    out.push(encodeUpdate(Y.encodeStateAsUpdate(doc, before)));
  }
  return out;
}

async function storedText(storage: Storage): Promise<string> {
  const loaded = await storage.journal.load(DOC);
  const doc = new Y.Doc();
  if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot.state);
  for (const row of loaded.rows) Y.applyUpdate(doc, row.update);
  return doc.getText('t').toString();
}

describe('the queue of a connection whose document is still loading', () => {
  it(`accepts ${MAX_QUEUED_FRAMES} frames, closes on the next with "rate limited", and applies none of them`, async () => {
    const { storage, server } = inMemorySyncServer({ maxQueuedFrames: MAX_QUEUED_FRAMES });
    await seedDocument(storage, DOC, 'seed');
    const load = holdLoads(storage);

    const floodConn = new FakeConnection();
    const flood = server.connect(floodConn, editorIdentity('u-eve'), DOC);
    const frames = [
      encodeSyncStep1(new Uint8Array([0])),
      ...edits(9001, 'flood', MAX_QUEUED_FRAMES),
    ];
    for (const frame of frames.slice(0, MAX_QUEUED_FRAMES)) flood.receive(frame);
    await tick();
    expect(load.started()).toBe(1); // the document is loading, not loaded
    expect(floodConn.closedWith).toBeNull();

    flood.receive(frames[MAX_QUEUED_FRAMES] as Uint8Array);
    expect(floodConn.closedWith).toEqual({
      code: CloseCode.rateLimited,
      reason: 'too many messages before the document loaded',
    });
    // Nothing was answered before the load, and nothing after the close.
    expect(floodConn.frames).toHaveLength(0);

    load.release();
    await eventually(() => expect(server.rooms.get(DOC)?.state).toBe('ready'));
    await server.flushed();
    expect(floodConn.frames).toHaveLength(0);
    expect(server.rooms.get(DOC)?.peers.size ?? 0).toBe(0);
    expect(await storage.journal.countRows(DOC)).toBe(1);
    expect(await storedText(storage)).toBe('seed');
  });

  it('does not affect other connections to the same document once it has loaded', async () => {
    const { storage, server } = inMemorySyncServer({ maxQueuedFrames: MAX_QUEUED_FRAMES });
    await seedDocument(storage, DOC, 'seed');
    const load = holdLoads(storage);

    // An honest connection arrives while the document loads and queues a few frames.
    const annConn = new FakeConnection();
    const ann = server.connect(annConn, editorIdentity('u-ann'), DOC);
    ann.receive(new Uint8Array([100, 0, 1])); // Chorus hello: ask for save confirmations
    ann.receive(encodeSyncStep1(new Uint8Array([0])));
    for (const frame of edits(42, 'honest', 3)) ann.receive(frame);

    // Another connection to the same document floods its queue and is closed.
    const floodConn = new FakeConnection();
    const flood = server.connect(floodConn, editorIdentity('u-eve'), DOC);
    for (const frame of edits(9001, 'flood', MAX_QUEUED_FRAMES + 50)) {
      flood.receive(frame);
      if (floodConn.closedWith) break;
    }
    expect(floodConn.closedWith?.code).toBe(CloseCode.rateLimited);
    expect(annConn.closedWith).toBeNull();
    expect(annConn.frames).toHaveLength(0);

    load.release();
    await eventually(() => expect(server.rooms.get(DOC)?.state).toBe('ready'));
    await server.flushed();
    // Ann is served: the document, her own edits applied, stored and confirmed.
    await eventually(() => expect(annConn.savedCounts().at(-1)).toBe(3));
    expect(annConn.closedWith).toBeNull();
    expect(annConn.docFromFrames().getText('t').toString()).toContain('seed');
    expect(await storedText(storage)).toBe('honest honest honest seed');

    // A newcomer after the load gets the honest document and none of the flood.
    const lateConn = new FakeConnection();
    const late = server.connect(lateConn, editorIdentity('u-bob'), DOC);
    late.receive(encodeSyncStep1(new Uint8Array([0])));
    await eventually(() =>
      expect(lateConn.docFromFrames().getText('t').toString()).toBe('honest honest honest seed'),
    );
    expect(lateConn.closedWith).toBeNull();
    expect(server.rooms.get(DOC)?.peers.size).toBe(2);
  });
});
