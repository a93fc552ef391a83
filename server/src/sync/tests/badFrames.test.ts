import { CloseCode, EDITOR_FRAGMENT } from '@chorus/shared';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { buildDocument, buildUser, type TestUser } from '../../test/factories.ts';
import {
  appendParagraph,
  connectClient,
  eventually,
  type TestClient,
  waitSynced,
} from '../../test/syncClient.ts';
import { startTestServer, TEST_ORIGIN, type TestServer } from '../../test/testServer.ts';

const MAX_FRAME = 64 * 1024;

/** Opens a raw socket, sends one frame once the server has spoken, resolves with the close. */
function sendRaw(
  url: string,
  cookie: string,
  frame: Buffer | string,
): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { cookie, origin: TEST_ORIGIN } });
    let sent = false;
    ws.on('message', () => {
      if (sent) return;
      sent = true;
      ws.send(frame, { binary: typeof frame !== 'string' });
    });
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    ws.on('error', () => {});
    setTimeout(() => reject(new Error('connection was not closed')), 5000).unref();
  });
}

describe('bad frames', () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  let documentId: string;
  let url: string;
  let a: TestClient;
  let b: TestClient;

  beforeAll(async () => {
    server = await startTestServer({ CHORUS_MAX_FRAME_BYTES: String(MAX_FRAME) });
    ann = await buildUser(server.url);
    bob = await buildUser(server.url);
    ({ documentId } = await buildDocument(server.url, ann, [bob]));
    url = `${server.url.replace('http', 'ws')}/sync/${documentId}`;
    a = connectClient(server.url, documentId, ann.cookie);
    b = connectClient(server.url, documentId, bob.cookie);
    await Promise.all([waitSynced(a), waitSynced(b)]);
  });
  afterAll(async () => {
    a.destroy();
    b.destroy();
    await server.stop();
  });

  const cases: [string, Buffer | string, number][] = [
    ['random bytes', Buffer.from([0xff, 0xfe, 0x13, 0x37, 0x00, 0x42, 0x99]), CloseCode.badMessage],
    // sync update claiming 50 bytes of payload but carrying 3
    ['a truncated update', Buffer.from([0, 2, 50, 1, 2, 3]), CloseCode.badMessage],
    ['an empty frame', Buffer.alloc(0), CloseCode.badMessage],
    ['a text frame', 'hello', CloseCode.badMessage],
    ['an unknown message type', Buffer.from([42, 1, 2]), CloseCode.badMessage],
    [
      'an update that is not a Yjs update',
      Buffer.from([0, 2, 4, 0xff, 0xff, 0xff, 0xff]),
      CloseCode.badMessage,
    ],
    ['a frame over the size limit', Buffer.alloc(MAX_FRAME + 1024, 1), CloseCode.frameTooLarge],
    [
      'an over-long integer',
      Buffer.from([0, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
      CloseCode.badMessage,
    ],
  ];

  for (const [what, frame, expected] of cases) {
    it(`${what} closes only that connection, and others keep syncing`, async () => {
      const closed = await sendRaw(url, ann.cookie, frame);
      expect(closed.code).toBe(expected);
      const marker = `still working after ${what}`;
      appendParagraph(a.doc, marker);
      await eventually(() => expect(b.text()).toContain(marker));
      expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true);
    });
  }

  /** A sync update frame carrying `update`, as a y-websocket client sends it. */
  const updateFrame = (update: Uint8Array) => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0); // sync
    encoding.writeVarUint(e, 2); // update
    encoding.writeVarUint8Array(e, update);
    return Buffer.from(encoding.toUint8Array(e));
  };

  it("refuses an update with content outside the editor's schema whole: not stored, not relayed", async () => {
    // A real paragraph and a script element in one update: none of it may land.
    const forged = new Y.Doc();
    const p = new Y.XmlElement('paragraph');
    const t = new Y.XmlText();
    t.insert(0, 'smuggled along');
    p.insert(0, [t]);
    forged.getXmlFragment(EDITOR_FRAGMENT).insert(0, [p, new Y.XmlElement('script')]);
    const closed = await sendRaw(url, ann.cookie, updateFrame(Y.encodeStateAsUpdate(forged)));
    expect(closed.code).toBe(CloseCode.badMessage);
    expect(closed.reason).toContain('element "script" is not in the editor\'s schema');

    const marker = 'after the refused update';
    appendParagraph(a.doc, marker);
    await eventually(() => expect(b.text()).toContain(marker));
    const fresh = connectClient(server.url, documentId, bob.cookie);
    try {
      await waitSynced(fresh);
      await eventually(() => expect(fresh.text()).toContain(marker));
      for (const client of [b, fresh]) expect(client.text()).not.toContain('smuggled');
    } finally {
      fresh.destroy();
    }
  });

  it('refuses a value slipped in beside a paragraph, which named element checks cannot see', async () => {
    // A client holding the document inserts a plain string next to its first block: the
    // item names its neighbour, not its parent. Stored, it made every page's binding throw.
    const sneaky = connectClient(server.url, documentId, ann.cookie);
    await waitSynced(sneaky);
    const before = Y.encodeStateVector(sneaky.doc);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(sneaky.doc));
    sneaky.destroy();
    copy.getXmlFragment(EDITOR_FRAGMENT).insert(1, ['junk' as unknown as Y.XmlElement]);
    const closed = await sendRaw(url, ann.cookie, updateFrame(Y.encodeStateAsUpdate(copy, before)));
    expect(closed.code).toBe(CloseCode.badMessage);
    expect(closed.reason).toContain('where the editor cannot show it');
    const marker = 'after the misplaced value';
    appendParagraph(a.doc, marker);
    await eventually(() => expect(b.text()).toContain(marker));
    expect(
      b.doc
        .getXmlFragment(EDITOR_FRAGMENT)
        .toArray()
        .every((n) => n instanceof Y.XmlElement),
    ).toBe(true);
  });

  it('logs each bad frame with the account and a hash, never the content', () => {
    const bad = server.logger.entries.filter((e) => e.event === 'sync.bad_message');
    expect(bad.length).toBeGreaterThanOrEqual(6);
    expect(bad.every((e) => e.fields.accountId === ann.id)).toBe(true);
    expect(bad.some((e) => typeof e.fields.hash === 'string')).toBe(true);
  });
});
