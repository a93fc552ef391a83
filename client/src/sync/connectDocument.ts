import {
  type CarriedTuple,
  ChorusMessage,
  describeCloseCode,
  MessageType,
  type NoticeTopic,
  noticeTopics,
  PROTOCOL_VERSION,
  permanentCloseCodes,
  socketNoticeTopics,
} from '@chorus/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { IndexeddbPersistence } from 'y-indexeddb';
import * as awarenessProtocol from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { afterPaint } from './afterPaint.ts';
import { reconnectDelay } from './backoff.ts';
import { offlineDatabaseName } from './offlineStore.ts';
import { type SaveState, SaveTracker } from './saveTracker.ts';

/** Live authorship increments pushed by the server (`[100, 2, json]`). */
export interface AttributionMessage {
  owners: [number, string | null][];
  carried: CarriedTuple[];
}

export interface DocumentConnection {
  doc: Y.Doc;
  provider: WebsocketProvider;
  tracker: SaveTracker;
  /** Listens for new client id owners and carried credit, for the live author view. */
  onAttribution(listener: (message: AttributionMessage) => void): () => void;
  /**
   * Runs `listener` before each sync or awareness message from the server is applied
   * (the editor reads input the browser has not reported yet, see `readPendingInput`).
   */
  beforeRemoteMessage(listener: () => void): () => void;
  /**
   * Listens for "something kept beside the document changed" (its comments), from anyone,
   * and for each new sync with the server (notices sent while offline were missed).
   */
  onNotice(listener: (topic: NoticeTopic) => void): () => void;
  destroy(): void;
}

function helloFrame(): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.chorus);
  encoding.writeVarUint(e, ChorusMessage.hello);
  encoding.writeVarUint(e, PROTOCOL_VERSION);
  return encoding.toUint8Array(e);
}

/**
 * A WebSocket that tells the server we want save confirmations and counts what the
 * unmodified y-websocket provider sends, so confirmations can be matched to edits.
 */
function socketClassFor(tracker: SaveTracker, Base: typeof WebSocket): typeof WebSocket {
  return class ChorusSocket extends Base {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('open', () => {
        tracker.noteConnection(true);
        super.send(helloFrame());
      });
    }
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      tracker.noteSent(data);
      super.send(data as ArrayBufferView<ArrayBuffer>);
    }
  };
}

/** The sync URL for the page's own origin (`ws://` or `wss://`). */
export function syncServerUrl(location: Location = window.location): string {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${location.host}/sync`;
}

/**
 * Connects a fresh Y.Doc to a document. A new Y.Doc per connection (and so per sign-in)
 * means two accounts on one computer never share a Yjs client id.
 */
export function connectDocument(
  documentId: string,
  options: {
    serverUrl?: string;
    WebSocketImpl?: typeof WebSocket;
    /** The signed-in account: edits are kept in this browser, per account, while offline. */
    offlineAccountId?: string;
  } = {},
): DocumentConnection {
  const doc = new Y.Doc();
  const tracker = new SaveTracker();
  // Kept on this device so an edit survives a closed tab while offline; wiped at sign-out.
  const offline =
    options.offlineAccountId && typeof indexedDB !== 'undefined'
      ? new IndexeddbPersistence(offlineDatabaseName(options.offlineAccountId, documentId), doc)
      : null;
  const offlineWrites = offline ? writeOfflineAfterPaint(offline, doc) : null;
  const provider = new WebsocketProvider(options.serverUrl ?? syncServerUrl(), documentId, doc, {
    WebSocketPolyfill: socketClassFor(tracker, options.WebSocketImpl ?? WebSocket),
    // Cross-tab relaying would bypass the server's checks and its save confirmations.
    disableBc: true,
    shouldReconnect: (event) => !permanentCloseCodes.has(event.code),
  });
  sendOnlyOwnPresence(provider);
  const attributionListeners = new Set<(message: AttributionMessage) => void>();
  const noticeListeners = new Set<(topic: NoticeTopic) => void>();
  provider.messageHandlers[MessageType.chorus] = (_encoder, decoder) => {
    const sub = decoding.readVarUint(decoder);
    if (sub === ChorusMessage.saved) tracker.noteAck(decoding.readVarUint(decoder));
    else if (sub === ChorusMessage.attribution) {
      try {
        const message = JSON.parse(decoding.readVarString(decoder)) as AttributionMessage;
        for (const listener of attributionListeners) listener(message);
      } catch {
        // A malformed increment only delays the author view until its next refresh.
      }
    } else if (sub === ChorusMessage.notice) {
      const topic = readNoticeTopic(decoding.readVarString(decoder));
      if (topic) for (const listener of noticeListeners) listener(topic);
    }
  };
  const beforeRemoteListeners = new Set<() => void>();
  for (const type of [MessageType.sync, MessageType.awareness]) {
    const handle = provider.messageHandlers[type];
    if (!handle) continue;
    provider.messageHandlers[type] = (...args) => {
      try {
        for (const listener of beforeRemoteListeners) listener();
      } catch (error) {
        // The server sends each edit once: a failing listener must not cost us the edit.
        console.error('before a remote message:', error);
      }
      handle(...args);
    };
  }
  const onUpdate = (_update: Uint8Array, origin: unknown) => {
    if (origin !== provider) tracker.noteLocalEdit();
  };
  doc.on('update', onUpdate);
  provider.on('status', ({ status }) => {
    if (status === 'disconnected') tracker.noteConnection(false);
  });
  provider.on('sync', (synced: boolean) => {
    tracker.noteSynced(synced);
    if (!synced) return;
    for (const listener of noticeListeners) for (const topic of socketNoticeTopics) listener(topic);
  });
  provider.on('closed', ({ code }) => tracker.noteClosed(describeCloseCode(code)));
  // Reconnect with exponential backoff and jitter. The provider's own backoff has no
  // jitter, so on a transient close we stop it (shouldConnect = false turns its scheduled
  // retry into a no-op) and schedule the next attempt ourselves. Permanent close codes are
  // left to the provider, which stops and emits 'closed'.
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  const cancelRetry = () => {
    if (retryTimer !== null) clearTimeout(retryTimer);
    retryTimer = null;
  };
  provider.on('connection-close', (event: CloseEvent | null) => {
    if (!provider.shouldConnect) return; // closed on purpose: offline, sign-out, destroy
    if (event && permanentCloseCodes.has(event.code)) return;
    provider.shouldConnect = false;
    failures++;
    cancelRetry();
    retryTimer = setTimeout(() => {
      retryTimer = null;
      provider.connect();
    }, reconnectDelay(failures));
  });
  provider.on('sync', (synced: boolean) => {
    if (synced) failures = 0;
  });
  // The browser knows before the socket does: a dead connection can take 30 s to notice.
  // Drop it at once when the network goes, and connect again when it comes back.
  let pausedByOffline = false;
  const onOffline = () => {
    if (!provider.shouldConnect && retryTimer === null) return;
    pausedByOffline = true;
    cancelRetry();
    provider.disconnect();
  };
  const onOnline = () => {
    if (!pausedByOffline) return;
    pausedByOffline = false;
    failures = 0;
    provider.connect();
  };
  if (typeof window !== 'undefined') {
    window.addEventListener('offline', onOffline);
    window.addEventListener('online', onOnline);
  }
  return {
    doc,
    provider,
    tracker,
    onAttribution(listener) {
      attributionListeners.add(listener);
      return () => attributionListeners.delete(listener);
    },
    beforeRemoteMessage(listener) {
      beforeRemoteListeners.add(listener);
      return () => beforeRemoteListeners.delete(listener);
    },
    onNotice(listener) {
      noticeListeners.add(listener);
      return () => noticeListeners.delete(listener);
    },
    destroy() {
      if (typeof window !== 'undefined') {
        window.removeEventListener('offline', onOffline);
        window.removeEventListener('online', onOnline);
      }
      doc.off('update', onUpdate);
      cancelRetry();
      provider.destroy();
      offlineWrites?.stop();
      void offline?.destroy();
      doc.destroy();
    },
  };
}

export type { SaveState };

/**
 * The stock provider sends every presence change it hears back to the server, other
 * people's included, so each caret move in a room of n people costs the server n messages
 * that it can only discard (it publishes a connection's own states only). This sends our
 * own state alone, when it changes, as the provider does on connecting.
 */
function sendOnlyOwnPresence(provider: WebsocketProvider): void {
  const { awareness } = provider;
  awareness.off('update', provider._awarenessUpdateHandler);
  const ownId = provider.doc.clientID;
  let queued = false;
  const send = () => {
    queued = false;
    const ws = provider.ws;
    if (!provider.wsconnected || !ws || ws.readyState !== ws.OPEN) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.awareness);
    encoding.writeVarUint8Array(
      encoder,
      awarenessProtocol.encodeAwarenessUpdate(awareness, [ownId]),
    );
    ws.send(encoding.toUint8Array(encoder));
  };
  provider._awarenessUpdateHandler = ({ added, updated, removed }: AwarenessChange) => {
    if (!added.includes(ownId) && !updated.includes(ownId) && !removed.includes(ownId)) return;
    // A caret moves with every keystroke: it goes out after the frame that shows the
    // keystroke, once per frame at most (the state sent is the latest).
    if (queued) return;
    queued = true;
    afterPaint(send);
  };
  // Registered under the provider's own name, so its destroy() removes it as before.
  awareness.on('update', provider._awarenessUpdateHandler);
}

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

/**
 * The copy of each edit kept on this device is written after the frame that shows the
 * edit, not inside the keystroke (an IndexedDB transaction per edit took 1.5 ms of it).
 * IndexedDB commits asynchronously anyway, so this widens the window in which a closed
 * tab could miss an edit by one frame; a page being hidden or closed writes at once.
 */
function writeOfflineAfterPaint(offline: IndexeddbPersistence, doc: Y.Doc): { stop(): void } {
  const store = offline._storeUpdate;
  doc.off('update', store);
  let queued: [Uint8Array, unknown][] = [];
  const flush = () => {
    const batch = queued;
    queued = [];
    for (const [update, origin] of batch) store(update, origin);
  };
  const onUpdate = (update: Uint8Array, origin: unknown) => {
    queued.push([update, origin]);
    if (queued.length === 1) afterPaint(flush);
  };
  const onHidden = () => {
    if (document.visibilityState === 'hidden') flush();
  };
  doc.on('update', onUpdate);
  if (typeof window !== 'undefined') {
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', onHidden);
  }
  return {
    stop() {
      flush();
      doc.off('update', onUpdate);
      if (typeof window !== 'undefined') {
        window.removeEventListener('pagehide', flush);
        document.removeEventListener('visibilitychange', onHidden);
      }
    },
  };
}

/** The topic of a notice frame, or null if it is not one this client knows. */
function readNoticeTopic(json: string): NoticeTopic | null {
  try {
    const parsed: unknown = JSON.parse(json);
    const topic =
      typeof parsed === 'object' && parsed !== null && 'topic' in parsed ? parsed.topic : null;
    return noticeTopics.find((t) => t === topic) ?? null;
  } catch {
    return null;
  }
}
