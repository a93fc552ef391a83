/**
 * The wire protocol between Chorus clients and the sync server.
 *
 * Types 0-3 are the standard y-websocket messages. Chorus adds one message type (100)
 * that only Chorus clients send; the server answers it only to connections that sent it,
 * so a stock y-websocket client never receives a type it does not know.
 */
export const PROTOCOL_VERSION = 1;

export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  chorus: 100,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Sub-types of y-protocols' sync message. */
export const SyncType = {
  step1: 0,
  step2: 1,
  update: 2,
} as const;

/** Sub-types carried inside a `MessageType.chorus` frame. */
export const ChorusMessage = {
  /** client -> server: `[100, 0, protocolVersion]`, asks for save confirmations. */
  hello: 0,
  /**
   * server -> client: `[100, 1, count]`: the first `count` document-changing frames
   * (sync step 2 and update) this connection sent are committed to the journal.
   */
  saved: 1,
  /**
   * server -> client: `[100, 2, json]` with `{owners: [[clientId, accountId]], carried:
   * [[clientId, clock, len, accountId, originalAt]]}`: who owns new Yjs client ids, and text whose
   * credit was carried over, so the author view stays live.
   */
  attribution: 2,
  /**
   * server -> client: `[100, 3, json]` with `{topic: 'comments'}` or `{topic: 'status'}`:
   * something kept beside the document (its comments, its status) changed; fetch it again
   * over HTTP. The notice says only what changed, never how.
   */
  notice: 3,
} as const;

/** What a notice says changed. */
export const noticeTopics = ['comments', 'status', 'evaluation'] as const;
export type NoticeTopic = (typeof noticeTopics)[number];
/**
 * The notices a document's sockets receive. A procurement evaluation's (`evaluation`) go
 * only to the scoring page's event stream, which only its panel and owners may follow: not
 * everyone who may open the document may learn when its scoring changes.
 */
export const socketNoticeTopics: readonly NoticeTopic[] = ['comments', 'status'];
