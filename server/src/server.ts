import type { Server } from 'node:http';
import { CloseCode, closedTextProblem, ErrorId, editorContent } from '@chorus/shared';
import { serve } from '@hono/node-server';
import type { WebSocket } from 'ws';
import { createApp } from './app.ts';
import { SessionExpiryWatch } from './auth/sessionExpiry.ts';
import type { SessionEndReason } from './auth/sessions.ts';
import { Cluster } from './cluster/cluster.ts';
import { RedisThrottle } from './cluster/redisThrottle.ts';
import { type Config, ConfigError } from './config.ts';
import { AppError } from './errors.ts';
import type { Logger } from './logger.ts';
import { MentionMailer } from './mail/mentionMailer.ts';
import { ACCEPTING_GRACE_MS, settleLeftPending } from './services/acceptances.ts';
import type { AccessChange } from './services/accessEvents.ts';
import { DocumentNotices } from './services/documentNotices.ts';
import { createServices, type LiveDocuments, type Services } from './services/index.ts';
import { refuseIfTextLocked } from './services/lifecycle.ts';
import { PersonNotices } from './services/personNotices.ts';
import { saveVersion } from './services/versions.ts';
import { DocumentLocked } from './storage/errors.ts';
import { openStorage } from './storage/open.ts';
import type { Storage } from './storage/types.ts';
import { resolveIdentity } from './sync/identity.ts';
import { SyncServer } from './sync/syncServer.ts';
import { attachSyncUpgrade } from './sync/upgrade.ts';
import { contentRules } from './sync/validateUpdate.ts';

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  sync: SyncServer;
  storage: Storage;
  /** Sends mention emails from the outbox; null when no mail server is configured. */
  mailer: MentionMailer | null;
  stop(): Promise<void>;
}

/** How long shutdown waits for clients to answer the "server restarting" close frame. */
const CLOSE_GRACE_MS = 1000;

/**
 * Waits until every socket has finished its closing handshake, or `ms` has passed.
 * Terminating a socket at once would drop a close frame still queued behind other data
 * (a busy writer's save confirmations), and its client would see 1006 instead of 1012.
 */
function closingHandshakes(sockets: Set<WebSocket>, ms: number): Promise<void> {
  const open = [...sockets].filter((ws) => ws.readyState !== ws.CLOSED);
  if (open.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    let left = open.length;
    const timer = setTimeout(resolve, ms);
    for (const ws of open) {
      ws.once('close', () => {
        if (--left === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  });
}

/**
 * The live documents as the HTTP routes see them: a notice reaches the document's sockets
 * and the pages that follow it without one; when several processes share the database, a
 * document erased here is forgotten by every process.
 */
function liveDocumentsOf(
  storage: Storage,
  sync: SyncServer,
  cluster: Cluster | null,
  notices: DocumentNotices,
): LiveDocuments {
  return {
    committedDocument: (documentId) => sync.committedDocument(documentId),
    // Every edit the server makes on someone's behalf, whichever route asks: a closed
    // document's text is refused here too, not only where a route checks it first.
    async applyServerEdit(documentId, ...rest) {
      await refuseIfTextLocked(storage, documentId);
      try {
        await sync.applyServerEdit(documentId, ...rest);
      } catch (err) {
        // Closed after the check above, before the edit's commit: the journal refused it.
        if (err instanceof DocumentLocked) throw new AppError(ErrorId.conflict, closedTextProblem);
        throw err;
      }
    },
    // The sync server announces notices to the other processes itself.
    notify(documentId, topic) {
      sync.notify(documentId, topic);
      notices.publish(documentId, topic);
    },
    async discard(documentId) {
      cluster?.discarded(documentId);
      await sync.discard(documentId);
    },
  };
}

/** Starts HTTP and the sync WebSocket on one port; `stop()` drains and closes cleanly. */
export async function startServer(
  config: Config,
  logger: Logger,
  given?: Storage,
): Promise<RunningServer> {
  const storage = given ?? (await openStorage(config, logger));
  let cluster: Cluster | null = null;
  if (config.redisUrl) {
    try {
      cluster = await Cluster.join(config.redisUrl, logger);
    } catch (err) {
      await storage.close();
      throw new ConfigError(
        `Chorus cannot start: Redis at ${new URL(config.redisUrl).host} (CHORUS_REDIS_URL) cannot be reached: ${err instanceof Error ? err.message : String(err)}. Check the URL and that Redis is running.`,
      );
    }
  }
  // Before any request: a suggestion a stopped process left being accepted reads as it is.
  await settleLeftPending(storage, cluster ? 'cluster' : 'alone', logger);
  // With other processes, one may stop while accepting at any time: what it left pending is
  // settled once none can still be writing it (never by a read: GET changes nothing).
  const acceptanceSweep = cluster
    ? setInterval(() => {
        settleLeftPending(storage, 'cluster', logger).catch((err: unknown) =>
          logger.log('error', 'suggestions.settle_failed', { error: String(err) }),
        );
      }, ACCEPTING_GRACE_MS)
    : null;
  acceptanceSweep?.unref();
  const services = createServices(config, storage, logger);
  if (cluster) {
    // Failed sign-ins count across processes, or N processes would allow N times the guesses.
    const redis = cluster.bus.commands;
    const { signInMaxFailures: max, signInWindowMs: window } = config;
    services.signInThrottle = {
      byIp: new RedisThrottle(redis, 'ip', max * 4, window, logger),
      byAccount: new RedisThrottle(redis, 'account', max, window, logger),
    };
    services.signUpThrottle = new RedisThrottle(
      redis,
      'signup',
      config.signUpMaxPerIp,
      config.signUpWindowMs,
      logger,
    );
  }
  const app = createApp(services);
  const sync = new SyncServer(
    storage.journal,
    {
      maxDocumentBytes: config.maxDocumentBytes,
      maxBufferedBytes: config.maxBufferedBytes,
      maxBufferedTotalBytes: config.maxBufferedTotalBytes,
      idleUnloadMs: config.idleUnloadMs,
      snapshotEvery: config.snapshotEvery,
      maxQueuedFrames: 256,
      rate: {
        messagesPerSecond: config.maxMessagesPerSecond,
        bytesPerSecond: config.maxBytesPerSecond,
        bytesBurst: Math.max(config.maxFrameBytes * 2, config.maxBytesPerSecond * 2),
      },
      autoVersionMs: config.autoVersionMs,
      content: contentRules(editorContent),
      saveAutoVersion: async (documentId, state) => {
        await saveVersion(storage, documentId, state, 'auto', null, null);
      },
    },
    logger,
    cluster?.documents ?? null,
  );
  const closeSessions = (ids: readonly string[], reason: SessionEndReason) =>
    sync.closeSessions(
      ids,
      CloseCode.unauthenticated,
      reason === 'expired' ? 'session expired' : 'session ended',
    );
  const recheckAccess = (change: AccessChange) => {
    void sync
      .recheckAccess(change, (userId, sessionId, documentId) =>
        resolveIdentity(storage, userId, sessionId, documentId),
      )
      .catch((err: unknown) => logger.log('error', 'sync.recheck_failed', { error: String(err) }));
  };
  // The journal found a document closed before this process's re-check: re-check now.
  sync.onClosedFound = (change) => recheckAccess({ ...change, textOnly: true });
  if (cluster) {
    services.notices = new DocumentNotices((documentId, listener) =>
      cluster.followNotices(documentId, listener),
    );
    services.people = new PersonNotices(cluster.people);
  }
  services.live = liveDocumentsOf(storage, sync, cluster, services.notices);
  if (cluster) services.clusterConnected = () => cluster.bus.connected;
  services.sessions.onEnd((ids, reason) => {
    closeSessions(ids, reason);
    cluster?.sessionsEnded(ids, reason);
  });
  services.accessEvents.onChange((change) => {
    recheckAccess(change);
    cluster?.accessChanged(change);
  });
  // What another process did that reaches connections here; never told on again.
  await cluster?.listen({
    accessChanged: (change) => {
      recheckAccess(change);
      services.accessEvents.changedElsewhere(change);
    },
    sessionsEnded: closeSessions,
    discard: (documentId) => void sync.discard(documentId),
  });
  // Sockets are authenticated at their upgrade; this ends the sessions of open ones when
  // they expire (see SessionExpiryWatch for what counts as use).
  const sessionExpiry = new SessionExpiryWatch(
    services.sessions,
    () => sync.openSessions(),
    config.sessionCheckMs,
    logger,
  );
  sessionExpiry.start();
  // Every process looks at the outbox; its claims keep two from sending one email. What was
  // due while no process ran is sent at the first look after start.
  const mailer =
    config.mail && services.mailTransport
      ? new MentionMailer(storage, config.mail, services.mailTransport, logger)
      : null;
  mailer?.start();
  // Announcements made while Redis was away are lost: read the edits from the journal, and
  // check every connection's access and session again (a change may not have reached us).
  cluster?.bus.onReconnect(() => {
    // Notices sent meanwhile were lost too: pages following a document fetch it again.
    services.notices.lookAgain();
    services.people.lookAgain();
    void sync.catchUp();
    for (const workspaceId of sync.openWorkspaces()) recheckAccess({ workspaceId });
    void sessionExpiry.recheckAll();
  });

  const { server, port } = await new Promise<{ server: Server; port: number }>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) =>
      resolve({ server: s as Server, port: info.port }),
    );
  });
  const wss = attachSyncUpgrade(server, services, sync, logger, (session) =>
    sessionExpiry.learn(session.id, services.sessions.standingOf(session)),
  );

  let stopped: Promise<void> | null = null;
  return {
    url: `http://${config.host}:${port}`,
    port,
    services,
    sync,
    storage,
    mailer,
    stop() {
      stopped ??= (async () => {
        server.close();
        if (acceptanceSweep) clearInterval(acceptanceSweep);
        // Open event streams end now, so their pages reconnect to another process.
        services.notices.close();
        services.people.close();
        await sessionExpiry.stop();
        await mailer?.stop();
        // Confirmation emails still being sent after a sign-up go out before the mail
        // server's connection closes.
        await services.emailConfirmations.settled();
        services.mailTransport?.close();
        await sync.shutdown();
        await closingHandshakes(wss.clients, CLOSE_GRACE_MS);
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.closeAllConnections();
        await cluster?.close();
        await storage.close();
      })();
      return stopped;
    },
  };
}
