import { afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { DocumentConnection } from './connectDocument.ts';
import {
  type LoopbackServer,
  presenceFrame,
  startLoopbackServer,
  updateFrame,
  waitFor,
} from './loopbackServer.ts';
import { type Incoming, TYPING_MS, YieldToTyping } from './yieldToTyping.ts';

describe('YieldToTyping', () => {
  const setup = () => {
    let now = 0;
    const delivered: string[][] = [];
    const later: (() => void)[] = [];
    const gate = new YieldToTyping(
      (batch) => delivered.push(batch.map((m) => (m as Incoming & { name: string }).name)),
      () => now,
      (task) => later.push(task),
    );
    const message = (name: string, sync = true) => ({ name, sync, apply: () => {} });
    return {
      gate,
      delivered,
      later,
      message,
      at: (t: number) => {
        now = t;
      },
    };
  };

  it('hands each message over at once while the person is not typing', () => {
    const { gate, delivered, later, message, at } = setup();
    at(5_000);
    gate.receive(message('a'));
    gate.receive(message('b'));
    expect(delivered).toEqual([['a'], ['b']]);
    expect(later).toHaveLength(0);
  });

  it('holds messages while the person types and hands them over together after the frame', () => {
    const { gate, delivered, later, message, at } = setup();
    at(1_000);
    gate.noteInput();
    at(1_010);
    gate.receive(message('a'));
    gate.receive(message('caret', false));
    gate.receive(message('b'));
    expect(delivered).toEqual([]);
    expect(later).toHaveLength(1);
    later[0]?.();
    expect(delivered).toEqual([['a', 'caret', 'b']]);
  });

  it('keeps the order: once one is held, later ones wait with it even after typing stops', () => {
    const { gate, delivered, later, message, at } = setup();
    at(1_000);
    gate.noteInput();
    gate.receive(message('a'));
    at(1_000 + TYPING_MS + 1);
    gate.receive(message('b'));
    expect(delivered).toEqual([]);
    later[0]?.();
    expect(delivered).toEqual([['a', 'b']]);
    gate.receive(message('c'));
    expect(delivered).toEqual([['a', 'b'], ['c']]);
  });

  it('hands over what it holds when asked (the socket closed), and nothing once stopped', () => {
    const { gate, delivered, message, at } = setup();
    at(1_000);
    gate.noteInput();
    gate.receive(message('a'));
    gate.flush();
    expect(delivered).toEqual([['a']]);
    gate.receive(message('b'));
    gate.stop();
    gate.receive(message('c'));
    gate.flush();
    expect(delivered).toEqual([['a']]);
  });
});

describe('a connection while its person types', () => {
  let server: LoopbackServer | null = null;
  let connection: DocumentConnection | null = null;
  afterEach(async () => {
    connection?.destroy();
    connection = null;
    await server?.close();
    server = null;
  });

  /** Three people's edits and a caret, sent one after another. */
  const remoteMessages = () => {
    const frames: Uint8Array[] = [];
    const docs = ['one ', 'two ', 'three '].map((words) => {
      const d = new Y.Doc();
      d.getText('t').insert(0, words);
      return d;
    });
    for (const d of docs) frames.push(updateFrame(d));
    const awareness = new awarenessProtocol.Awareness(docs[0] ?? new Y.Doc());
    awareness.setLocalState({ user: { name: 'Someone' } });
    frames.splice(1, 0, presenceFrame(awareness));
    return frames;
  };

  const receive = async (typing: boolean) => {
    const keys = new EventTarget();
    let send: (() => void) | null = null;
    const frames = remoteMessages();
    server = await startLoopbackServer((ws) => {
      send = () => {
        for (const frame of frames) ws.send(frame);
      };
    });
    connection = server.connect('doc', { inputTarget: keys });
    const { doc, provider } = connection;
    await waitFor(() => send !== null && provider.wsconnected);
    const updates: unknown[] = [];
    doc.on('update', (_u: Uint8Array, origin: unknown) => updates.push(origin));
    let listened = 0;
    connection.beforeRemoteMessage(() => {
      listened++;
    });
    if (typing) keys.dispatchEvent(new Event('keydown'));
    (send as (() => void) | null)?.();
    await waitFor(() => doc.getText('t').length === 'one two three '.length);
    await waitFor(() => provider.awareness.getStates().size >= 2);
    return { doc, provider, updates, listened };
  };

  it('applies others’ edits held during typing in one transaction, reading input once', async () => {
    const { doc, provider, updates, listened } = await receive(true);
    expect(doc.getText('t').length).toBe('one two three '.length);
    // The caret between the first and second edit splits them: [one] caret [two three].
    expect(updates).toEqual([provider, provider]);
    expect(listened).toBe(1);
    expect(provider.awareness.getStates().size).toBe(2);
  });

  it('applies them one by one when the person is not typing', async () => {
    const { updates, listened, provider } = await receive(false);
    expect(updates).toEqual([provider, provider, provider]);
    expect(listened).toBe(4);
  });
});
