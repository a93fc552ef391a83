import { ChorusMessage, MessageType, PROTOCOL_VERSION } from '@chorus/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { encodeUpdate } from '../sync/protocol.ts';
import { TEST_ORIGIN } from './testServer.ts';

/** A `ws` WebSocket class that sends the given cookie and Origin on the upgrade. */
export function socketWith(cookie: string, origin: string = TEST_ORIGIN) {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie, origin } });
    }
  };
}

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Highest save confirmation count received on the current connection. */
  saved(): number;
  /** Document-changing frames sent on the current connection. */
  sent(): number;
  /** Which connection (1, 2, ...) the counters belong to. */
  generation(): number;
  /** Topics of the notices received (`ChorusMessage.notice`), in order. */
  notices(): string[];
  text(): string;
  destroy(): void;
}

/**
 * A real, unmodified y-websocket provider with its own Y.Doc. With `chorus: true` it also
 * says hello and counts frames, as the Chorus browser client does.
 */
export function connectClient(
  baseUrl: string,
  documentId: string,
  cookie: string,
  options: { chorus?: boolean; origin?: string; clientID?: number } = {},
): TestClient {
  const doc = new Y.Doc();
  if (options.clientID !== undefined) doc.clientID = options.clientID;
  let saved = 0;
  let sent = 0;
  let generation = 0;
  const Base = socketWith(cookie, options.origin);
  const chorus = options.chorus ?? false;
  class Counting extends Base {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      sent = 0;
      saved = 0;
      generation++;
      if (chorus) {
        this.on('open', () => {
          const e = encoding.createEncoder();
          encoding.writeVarUint(e, MessageType.chorus);
          encoding.writeVarUint(e, ChorusMessage.hello);
          encoding.writeVarUint(e, PROTOCOL_VERSION);
          super.send(encoding.toUint8Array(e));
        });
      }
    }
    override send(data: any, ...rest: any[]): void {
      const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
      if (bytes[0] === 0 && (bytes[1] === 1 || bytes[1] === 2)) sent++;
      (super.send as (...a: unknown[]) => void)(data, ...rest);
    }
  }
  const provider = new WebsocketProvider(
    `${baseUrl.replace(/^http/, 'ws')}/sync`,
    documentId,
    doc,
    {
      WebSocketPolyfill: Counting as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    },
  );
  const notices: string[] = [];
  provider.messageHandlers[MessageType.chorus] = (_e, decoder) => {
    const sub = decoding.readVarUint(decoder);
    if (sub === ChorusMessage.saved) saved = decoding.readVarUint(decoder);
    else if (sub === ChorusMessage.notice) {
      notices.push(JSON.parse(decoding.readVarString(decoder)).topic);
    }
  };
  return {
    doc,
    provider,
    saved: () => saved,
    sent: () => sent,
    generation: () => generation,
    notices: () => [...notices],
    text: () => docText(doc),
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Plain text of the editor fragment, one line per block. */
export function docText(doc: Y.Doc): string {
  return doc
    .getXmlFragment('default')
    .toArray()
    .map((node) => (node instanceof Y.XmlElement ? textOf(node) : node.toString()))
    .join('\n');
}

function textOf(el: Y.XmlElement): string {
  return el
    .toArray()
    .map((n) =>
      n instanceof Y.XmlText ? n.toString() : n instanceof Y.XmlElement ? textOf(n) : '',
    )
    .join('');
}

/** Appends a paragraph of text, as typing into the editor would. */
export function appendParagraph(doc: Y.Doc, text: string): void {
  const p = new Y.XmlElement('paragraph');
  const t = new Y.XmlText();
  t.insert(0, text);
  p.insert(0, [t]);
  const fragment = doc.getXmlFragment('default');
  fragment.insert(fragment.length, [p]);
}

/**
 * Polls until `check` passes or the bounded time runs out (then throws its last error). An
 * async check is awaited, so its failure counts as not passing yet.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
  stepMs = 20,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < end) {
    try {
      return await check();
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw lastError ?? new Error('condition not met in time');
}

export function waitSynced(client: TestClient, timeoutMs = 10_000): Promise<void> {
  return eventually(() => {
    if (!client.provider.synced) throw new Error('not synced yet');
  }, timeoutMs);
}

/**
 * Sends, as `cookie`'s account, an update that continues `victim`'s Yjs client id, over a
 * raw socket (a real client sharing an id would also confuse its own presence).
 */
export function sendForged(
  url: string,
  cookie: string,
  victim: Y.Doc,
  clientID: number,
): Promise<number> {
  const forged = new Y.Doc();
  Y.applyUpdate(forged, Y.encodeStateAsUpdate(victim));
  // Set after loading: Yjs picks a new id when it sees its own id in remote content.
  forged.clientID = clientID;
  const before = Y.encodeStateVector(forged);
  const p = new Y.XmlElement('paragraph');
  const t = new Y.XmlText();
  t.insert(0, 'words put in someone else’s mouth');
  p.insert(0, [t]);
  forged.getXmlFragment('default').insert(0, [p]);
  const update = Y.encodeStateAsUpdate(forged, before);
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: { cookie, origin: TEST_ORIGIN } });
    let sent = false;
    ws.on('message', () => {
      if (sent) return;
      sent = true;
      ws.send(encodeUpdate(update));
    });
    ws.on('close', (code) => resolve(code));
    setTimeout(() => ws.terminate(), 5000).unref();
    ws.on('error', () => {});
  });
}
