import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

/**
 * A remote person typing, as their own browser would look to the server: a stock
 * y-websocket provider signed in with their session cookie, typing one character every
 * `everyMs` at the end of the paragraph that starts with `marker`. It runs in the test
 * process rather than in another Chromium page, because a remote person's browser runs on
 * their own computer, not on the cores of the one being measured.
 */
export function remoteTypist(options: {
  origin: string;
  documentId: string;
  cookie: string;
  marker: string;
  text: string;
  everyMs: number;
}): { stop: () => Promise<number> } {
  const headers = { cookie: options.cookie, origin: options.origin };
  class SignedIn extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(
    `${options.origin.replace(/^http/, 'ws')}/sync`,
    options.documentId,
    doc,
    { WebSocketPolyfill: SignedIn as unknown as typeof globalThis.WebSocket, disableBc: true },
  );
  let typed = 0;
  let timer: ReturnType<typeof setInterval> | null = null;
  const target = (): Y.XmlText | null => {
    for (const block of doc.getXmlFragment('default').toArray()) {
      const text = block instanceof Y.XmlElement ? block.get(0) : null;
      if (text instanceof Y.XmlText && text.toString().startsWith(options.marker)) return text;
    }
    return null;
  };
  provider.on('sync', (synced: boolean) => {
    if (!synced || timer) return;
    timer = setInterval(() => {
      const text = target();
      if (!text) return;
      text.insert(text.length, options.text[typed % options.text.length] ?? ' ');
      typed++;
    }, options.everyMs);
  });
  return {
    async stop() {
      if (timer) clearInterval(timer);
      provider.destroy();
      doc.destroy();
      return typed;
    },
  };
}
