/**
 * WebSocket close codes used by the sync server, shared so the client can explain them.
 * 4000-4999 is the range RFC 6455 leaves to applications. Following the y-websocket
 * provider's convention, 4400-4499 means "reconnecting cannot help" (it stops retrying)
 * and 4500-4599 means "try again later".
 */
export const CloseCode = {
  /** Normal close by either side. */
  normal: 1000,
  /** A frame exceeded the maximum frame size (set by the `ws` library itself). */
  frameTooLarge: 1009,
  /** The server could not save; nothing unsaved was shared. Reconnect and resend. */
  storageFailed: 1011,
  /** The server is shutting down or restarting; reconnect shortly. */
  serviceRestart: 1012,
  /** A frame could not be decoded, or had an unknown type, or was a text frame. */
  badMessage: 4400,
  /** The session ended (signed out, expired); sign in again. */
  unauthenticated: 4401,
  /** The person may no longer open this document. */
  forbidden: 4403,
  /** An update carried content under a Yjs client id that belongs to another account. */
  clientIdTaken: 4409,
  /** The document would exceed the maximum document size. */
  documentTooLarge: 4413,
  /** Too many messages or bytes in a short time. */
  rateLimited: 4529,
  /** The client did not read fast enough; its send buffer passed the limit. */
  slowReader: 4508,
  /** The document could not be loaded from storage; nothing was sent or changed. */
  loadFailed: 4500,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Codes after which reconnecting cannot help until the person acts. */
export const permanentCloseCodes: ReadonlySet<number> = new Set([
  CloseCode.unauthenticated,
  CloseCode.forbidden,
  CloseCode.documentTooLarge,
  CloseCode.clientIdTaken,
  CloseCode.badMessage,
  CloseCode.frameTooLarge,
]);

/** Plain-English explanation of a close code for the person at the keyboard. */
export function describeCloseCode(code: number): string {
  switch (code) {
    case CloseCode.storageFailed:
      return 'The server could not save just now. Your changes are kept here and will be sent again.';
    case CloseCode.serviceRestart:
      return 'The server is restarting. Your changes are kept and will be sent when it is back.';
    case CloseCode.badMessage:
      return 'The connection sent something the server could not read. Reload the page to reconnect.';
    case CloseCode.frameTooLarge:
      return 'A change was too large to send in one piece. Reload the page; try pasting smaller parts.';
    case CloseCode.unauthenticated:
      return 'Your session has ended. Sign in again to keep editing.';
    case CloseCode.forbidden:
      return 'Your access to this document changed. Reload the page to see what you can do now.';
    case CloseCode.clientIdTaken:
      return 'This editor was refused because it claimed to be someone else. Reload the page.';
    case CloseCode.documentTooLarge:
      return 'This document has reached its maximum size. Split it into smaller documents.';
    case CloseCode.rateLimited:
      return 'Too many changes were sent too quickly. Reconnecting shortly.';
    case CloseCode.slowReader:
      return 'The connection was too slow to keep up. Reconnecting.';
    case CloseCode.loadFailed:
      return 'The document could not be loaded. Nothing was changed. Try again in a moment.';
    default:
      return 'The connection closed. Reconnecting.';
  }
}
