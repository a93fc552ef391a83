import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, idSchema } from '@chorus/shared';
import { WebSocketServer } from 'ws';
import { cookieFromHeader, sessionCookieName } from '../auth/cookie.ts';
import type { SessionEndReason } from '../auth/sessions.ts';
import type { Logger } from '../logger.ts';
import type { AccessChange } from '../services/accessEvents.ts';
import type { Services } from '../services/index.ts';
import type { SessionRecord } from '../storage/types.ts';
import { resolveIdentity } from './identity.ts';
import { ConnectionCaps } from './limits.ts';
import type { SyncServer } from './syncServer.ts';
import type { PeerIdentity } from './types.ts';

export const SYNC_PATH_PREFIX = '/sync/';

/**
 * What changed while an upgrade was being checked. Its session and access are read before
 * the connection exists, and the sync server can only close or re-check connections it
 * has: a sign-out or a removal from the workspace in between would otherwise be missed,
 * and the connection would live on with what it had. Heard from before the session is
 * read until the connection is handed over, then applied to it.
 */
class HeardWhileChecking {
  readonly #ended = new Map<string, SessionEndReason>();
  readonly #changes: AccessChange[] = [];
  readonly #stops: (() => void)[];

  constructor(
    private readonly services: Services,
    private readonly sync: SyncServer,
  ) {
    this.#stops = [
      services.sessions.onEnd((ids, reason) => {
        for (const id of ids) this.#ended.set(id, reason);
      }),
      services.accessEvents.onChange((change) => this.#changes.push(change)),
    ];
  }

  stop(): void {
    for (const stop of this.#stops.splice(0)) stop();
  }

  /** Why the session ended while the upgrade was checked (the close reason), if it did. */
  sessionEnded(sessionId: string): string | null {
    const reason = this.#ended.get(sessionId);
    if (!reason) return null;
    return reason === 'expired' ? 'session expired' : 'session ended';
  }

  /** Re-checks the new connection if its access changed while it was checked. */
  applyTo(identity: PeerIdentity, documentId: string): void {
    const { sync } = this;
    const affected = this.#changes.some(
      (c) =>
        c.workspaceId === identity.workspaceId &&
        (c.userId === undefined || c.userId === identity.userId) &&
        (c.documentId === undefined || c.documentId === documentId),
    );
    if (!affected) return;
    // Synchronously holds the connection back from its document until re-checked.
    void sync
      .recheckAccess(
        { workspaceId: identity.workspaceId, userId: identity.userId, documentId },
        (userId, sessionId, id) => resolveIdentity(this.services.storage, userId, sessionId, id),
      )
      .catch(() => {
        // recheckAccess closes a connection it cannot re-check and logs why.
      });
  }
}

function refuse(socket: Duplex, status: number, text: string, message: string): void {
  const body = JSON.stringify({ error: { message } });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * Accepts WebSocket upgrades on `/sync/<documentId>`: checks the Origin against the exact
 * site origin, authenticates the session cookie and checks access to the document, all
 * before upgrading. Nothing about a document is sent to a refused request.
 */
export function attachSyncUpgrade(
  server: Server,
  services: Services,
  sync: SyncServer,
  logger: Logger,
  /** Told of each connection's session as it joins (the expiry watch's early notice). */
  onSessionJoined: (session: SessionRecord) => void = () => {},
): WebSocketServer {
  const { config } = services;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.maxFrameBytes,
    perMessageDeflate: false,
  });

  const perAccount = new ConnectionCaps(config.maxConnectionsPerAccount);
  const perIp = new ConnectionCaps(config.maxConnectionsPerIp);

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    void handleUpgrade(req, socket, head).catch((err: unknown) => {
      logger.log('error', 'sync.upgrade_failed', { error: String(err) });
      refuse(socket, 500, 'Internal Server Error', 'The server could not open the connection.');
    });
  });

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(SYNC_PATH_PREFIX)) {
      refuse(socket, 404, 'Not Found', 'WebSocket connections go to /sync/<documentId>.');
      return;
    }
    if (req.headers.origin !== config.origin) {
      logger.log('warn', 'sync.origin_refused', { origin: req.headers.origin ?? null });
      refuse(
        socket,
        403,
        'Forbidden',
        'This connection came from another site, so it was refused.',
      );
      return;
    }
    // Counted before any work, so a flood of upgrades costs little.
    const releaseIp = perIp.acquire(req.socket.remoteAddress ?? 'unknown');
    if (!releaseIp) {
      logger.log('warn', 'sync.too_many_connections', { ip: req.socket.remoteAddress ?? null });
      refuse(
        socket,
        429,
        'Too Many Requests',
        'Too many connections from this network. Close some tabs.',
      );
      return;
    }
    let handedOver = false;
    const heard = new HeardWhileChecking(services, sync);
    try {
      handedOver = await authenticateAndUpgrade(req, socket, head, url, releaseIp, heard);
    } finally {
      if (!handedOver) {
        releaseIp();
        heard.stop();
      }
    }
  }

  async function authenticateAndUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    url: URL,
    releaseIp: () => void,
    heard: HeardWhileChecking,
  ): Promise<boolean> {
    const token = cookieFromHeader(req.headers.cookie, sessionCookieName(config));
    const auth = await services.sessions.validate(token);
    if (!auth) {
      refuse(socket, 401, 'Unauthorized', 'You are not signed in. Sign in and reload the page.');
      return false;
    }
    const idResult = idSchema.safeParse(url.pathname.slice(SYNC_PATH_PREFIX.length));
    const identity = idResult.success
      ? await resolveIdentity(services.storage, auth.user.id, auth.session.id, idResult.data)
      : null;
    if (!identity || !idResult.success) {
      // Same answer whether the document is missing or not theirs.
      refuse(socket, 404, 'Not Found', 'This document does not exist, or you are not a member.');
      return false;
    }
    // The client may have gone while it was checked: its 'close' has fired already, so a
    // listener added now would never run (and never free its places).
    if (socket.destroyed || !socket.readable || !socket.writable) {
      socket.destroy();
      return false;
    }
    const releaseAccount = perAccount.acquire(auth.user.id);
    if (!releaseAccount) {
      logger.log('warn', 'sync.too_many_connections', { accountId: auth.user.id });
      refuse(
        socket,
        429,
        'Too Many Requests',
        'You have too many documents open. Close some tabs.',
      );
      return false;
    }
    // The socket closing (after use, or a failed handshake) frees both places.
    socket.once('close', () => {
      releaseAccount();
      releaseIp();
      heard.stop();
    });
    wss.handleUpgrade(req, socket, head, (ws) => {
      heard.stop();
      const ended = heard.sessionEnded(identity.sessionId);
      if (ended) {
        // Signed out or expired while it was checked: never joins, is sent nothing.
        ws.close(CloseCode.unauthenticated, ended);
        return;
      }
      const handle = sync.connect(
        {
          send: (frame) => ws.send(frame, { binary: true }),
          close: (code, reason) => ws.close(code, reason),
          get bufferedAmount() {
            return ws.bufferedAmount;
          },
          // The upgraded socket is the one `ws` writes to.
          cork: () => socket.cork(),
          uncork: () => socket.uncork(),
          terminate: () => ws.terminate(),
        },
        identity,
        idResult.data,
      );
      heard.applyTo(identity, idResult.data);
      onSessionJoined(auth.session);
      let alive = true;
      const ping = setInterval(() => {
        if (!alive) {
          ws.terminate();
          return;
        }
        alive = false;
        ws.ping();
      }, 30_000);
      ping.unref();
      ws.on('pong', () => {
        alive = true;
      });
      ws.on('message', (data, isBinary) => {
        alive = true;
        if (!isBinary) {
          handle.reject(CloseCode.badMessage, 'text frames are not accepted');
          return;
        }
        const buf = Array.isArray(data)
          ? Buffer.concat(data)
          : data instanceof ArrayBuffer
            ? Buffer.from(data)
            : data;
        handle.receive(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
      });
      ws.on('error', (err) => {
        logger.log('warn', 'sync.socket_error', { error: String(err) });
      });
      ws.on('close', () => {
        clearInterval(ping);
        handle.closed();
      });
    });
    return true;
  }

  return wss;
}
