import path from 'node:path';
import { z } from 'zod';

const int = (name: string, fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a whole number.` })
    .int(`${name} must be a whole number.`)
    .min(min, `${name} must be at least ${min}.`)
    .max(max, `${name} must be at most ${max}.`)
    .default(fallback);

const MiB = 1024 * 1024;

/** How often open WebSockets' sessions are checked for expiry (see Config.sessionCheckMs). */
const SESSION_CHECK_MS = 30_000;

/** Every setting comes from an environment variable; this is the one place they are read. */
export const configSchema = z.object({
  PORT: int('PORT', 3000, 0, 65535),
  HOST: z.string().min(1).default('127.0.0.1'),
  CHORUS_DATA_DIR: z.string().min(1).default('.data'),
  CHORUS_ORIGIN: z
    .url({ error: 'CHORUS_ORIGIN must be a URL like https://chorus.example.org (no path).' })
    .optional(),
  CHORUS_DATABASE_URL: z
    .url({
      protocol: /^postgres(ql)?$/,
      error:
        'CHORUS_DATABASE_URL must be a PostgreSQL URL like postgres://chorus:password@db.example.org:5432/chorus (leave it unset to use SQLite in CHORUS_DATA_DIR).',
    })
    .optional(),
  CHORUS_REDIS_URL: z
    .url({
      protocol: /^rediss?$/,
      error: 'CHORUS_REDIS_URL must be a Redis URL like redis://redis.example.org:6379.',
    })
    .optional(),
  CHORUS_SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  CHORUS_JOURNAL_THREAD: z
    .enum(['main', 'writer'], {
      error:
        'CHORUS_JOURNAL_THREAD must be main (commit on the event loop) or writer (on a thread of its own).',
    })
    .default('main'),
  CHORUS_MAX_FRAME_BYTES: int('CHORUS_MAX_FRAME_BYTES', 8 * MiB, 1024, 512 * MiB),
  CHORUS_MAX_DOCUMENT_BYTES: int('CHORUS_MAX_DOCUMENT_BYTES', 64 * MiB, 1024, 2048 * MiB),
  CHORUS_MAX_BUFFERED_BYTES: int('CHORUS_MAX_BUFFERED_BYTES', 16 * MiB, 1024, 1024 * MiB),
  CHORUS_MAX_BUFFERED_TOTAL_BYTES: int(
    'CHORUS_MAX_BUFFERED_TOTAL_BYTES',
    256 * MiB,
    MiB,
    64 * 1024 * MiB,
  ),
  CHORUS_IDLE_UNLOAD_MS: int('CHORUS_IDLE_UNLOAD_MS', 30_000, 0, 24 * 3600_000),
  CHORUS_AUTO_VERSION_MS: int('CHORUS_AUTO_VERSION_MS', 5 * 60_000, 0, 24 * 3600_000),
  CHORUS_SNAPSHOT_EVERY: int('CHORUS_SNAPSHOT_EVERY', 500, 1, 1_000_000),
  CHORUS_MAX_CONNECTIONS_PER_ACCOUNT: int('CHORUS_MAX_CONNECTIONS_PER_ACCOUNT', 20, 1, 100_000),
  CHORUS_MAX_CONNECTIONS_PER_IP: int('CHORUS_MAX_CONNECTIONS_PER_IP', 500, 1, 1_000_000),
  CHORUS_MAX_MESSAGES_PER_SECOND: int('CHORUS_MAX_MESSAGES_PER_SECOND', 200, 1, 1_000_000),
  CHORUS_MAX_BYTES_PER_SECOND: int('CHORUS_MAX_BYTES_PER_SECOND', 2 * MiB, 1024, 1024 * MiB),
  CHORUS_SESSION_IDLE_HOURS: int('CHORUS_SESSION_IDLE_HOURS', 24 * 7, 1, 24 * 365),
  CHORUS_SESSION_MAX_HOURS: int('CHORUS_SESSION_MAX_HOURS', 24 * 30, 1, 24 * 365),
  CHORUS_SIGNIN_MAX_FAILURES: int('CHORUS_SIGNIN_MAX_FAILURES', 5, 1, 1000),
  CHORUS_SIGNIN_WINDOW_MS: int('CHORUS_SIGNIN_WINDOW_MS', 15 * 60_000, 1000, 24 * 3600_000),
  // Each sign-up may email an address that is not the signer's: one client may make only
  // this many accounts in the window (several people of one hospital may share its IP).
  // Generous: a hospital or council site may sign a whole workshop up from one address.
  CHORUS_SIGNUP_MAX_PER_IP: int('CHORUS_SIGNUP_MAX_PER_IP', 200, 1, 1_000_000),
  CHORUS_SIGNUP_WINDOW_MS: int('CHORUS_SIGNUP_WINDOW_MS', 3600_000, 1000, 24 * 3600_000),
  CHORUS_STATIC_DIR: z.string().optional(),
  CHORUS_SMTP_URL: z
    .url({
      protocol: /^smtps?$/,
      error:
        'CHORUS_SMTP_URL must be an SMTP URL like smtps://user:password@smtp.example.org:465 or smtp://smtp.example.org:587 (percent-encode special characters in the user and password; leave it unset to send no email).',
    })
    .optional(),
  CHORUS_MAIL_FROM: z
    .string()
    .refine((v) => mailbox(v) !== null, {
      error:
        'CHORUS_MAIL_FROM must be an email address like chorus@example.org, or a name and address like Chorus <chorus@example.org>.',
    })
    .optional(),
  CHORUS_MENTION_EMAIL_DELAY_MS: int('CHORUS_MENTION_EMAIL_DELAY_MS', 120_000, 0, 24 * 3600_000),
});

/**
 * An address, or a name and an address in angle brackets; null if it is neither. Names with
 * quotes, line breaks or angle brackets are refused so nothing can be added to a header.
 */
export function mailbox(value: string): { name: string | null; address: string } | null {
  const named = /^([^"<>\r\n]+?)\s*<([^<>\s]+)>$/.exec(value.trim());
  const address = named ? named[2] : value.trim();
  if (address === undefined || !z.email().safeParse(address).success) return null;
  return { name: named?.[1]?.trim() ?? null, address };
}

/**
 * How emails (mentions, address confirmations) are sent; null when CHORUS_SMTP_URL is unset
 * (no email at all).
 */
export interface MailConfig {
  /** Holds the SMTP password: never logged. */
  smtpUrl: string;
  from: string;
  /** The base of links in emails, with no trailing slash. */
  publicUrl: string;
  /** How long after a mention its email waits, so it is not sent if read in Chorus meanwhile. */
  delayMs: number;
  /** How often the outbox is looked at for emails due. Tests set it shorter. */
  pollMs: number;
  /** The wait before the first retry when the mail server fails; it doubles each time. */
  retryBaseMs: number;
  /** Tries before an email is given up (and the failure logged). */
  maxAttempts: number;
  /**
   * How long a process that claimed an email has to send it; past this another process (or
   * this one after a restart) may claim it again.
   */
  leaseMs: number;
  /** How long a link in a confirmation email works. */
  confirmationTtlMs: number;
  /**
   * How many confirmation emails one account may be sent: each goes to an address that may
   * not be the person's, so a few, however often they ask.
   */
  confirmationLimits: readonly { windowMs: number; max: number }[];
  /**
   * How long the mentions of someone whose address is not confirmed wait for them to
   * confirm it before they are passed over (see MentionMailer).
   */
  unconfirmedWaitMs: number;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** The exact origin people use in their browser; also the WebSocket Origin allow-list. */
  origin: string;
  secureCookies: boolean;
  /** PostgreSQL to store everything in; null: SQLite in `dataDir` (the embedded default). */
  databaseUrl: string | null;
  /**
   * Redis joining this process to others that share the PostgreSQL database (null: this
   * process is the only one).
   */
  redisUrl: string | null;
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /**
   * Where journal commits run. `main` (the default) commits on the event loop: on a local
   * disk an fsync takes a fraction of a millisecond, less than handing each batch to another
   * thread and waking it costs (see the README's Performance section). `writer` commits on
   * a thread of its own, for disks whose fsync takes milliseconds.
   */
  journalThread: 'writer' | 'main';
  maxFrameBytes: number;
  maxDocumentBytes: number;
  maxBufferedBytes: number;
  maxBufferedTotalBytes: number;
  maxConnectionsPerAccount: number;
  maxConnectionsPerIp: number;
  maxMessagesPerSecond: number;
  maxBytesPerSecond: number;
  idleUnloadMs: number;
  snapshotEvery: number;
  autoVersionMs: number;
  sessionIdleMs: number;
  sessionMaxMs: number;
  /**
   * How often the sessions of open WebSockets are checked for expiry, so a socket closes
   * at most this long after its session ends. Fixed at 30 s; only tests change it
   * (`withTestSessionTimings`).
   */
  sessionCheckMs: number;
  signInMaxFailures: number;
  signInWindowMs: number;
  /** Sign-ups allowed from one IP address within `signUpWindowMs`. */
  signUpMaxPerIp: number;
  signUpWindowMs: number;
  staticDir: string | null;
  mail: MailConfig | null;
}

/** Thrown for a bad environment; its message names the variable and how to fix it. */
export class ConfigError extends Error {}

/** Parses configuration from an environment; throws ConfigError with every problem listed. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `- ${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`Chorus cannot start: fix these settings.\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  if (e.CHORUS_REDIS_URL && !e.CHORUS_DATABASE_URL) {
    throw new ConfigError(
      'Chorus cannot start: CHORUS_REDIS_URL joins several Chorus processes, and they must share one PostgreSQL database. Set CHORUS_DATABASE_URL too, or unset CHORUS_REDIS_URL to run one process on SQLite.',
    );
  }
  const origin = e.CHORUS_ORIGIN
    ? new URL(e.CHORUS_ORIGIN).origin
    : `http://localhost:${e.PORT === 0 ? 3000 : e.PORT}`;
  const url = new URL(origin);
  const isLocalHttp =
    url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !isLocalHttp) {
    throw new ConfigError(
      `Chorus cannot start: CHORUS_ORIGIN is ${origin}. Use https:// (plain http is only allowed for localhost).`,
    );
  }
  return {
    mail: mailConfigOf(e, origin),
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.CHORUS_DATA_DIR),
    origin,
    secureCookies: url.protocol === 'https:',
    databaseUrl: e.CHORUS_DATABASE_URL ?? null,
    redisUrl: e.CHORUS_REDIS_URL ?? null,
    sqliteSynchronous: e.CHORUS_SQLITE_SYNCHRONOUS,
    journalThread: e.CHORUS_JOURNAL_THREAD,
    maxFrameBytes: e.CHORUS_MAX_FRAME_BYTES,
    maxDocumentBytes: e.CHORUS_MAX_DOCUMENT_BYTES,
    maxBufferedBytes: e.CHORUS_MAX_BUFFERED_BYTES,
    maxBufferedTotalBytes: e.CHORUS_MAX_BUFFERED_TOTAL_BYTES,
    maxConnectionsPerAccount: e.CHORUS_MAX_CONNECTIONS_PER_ACCOUNT,
    maxConnectionsPerIp: e.CHORUS_MAX_CONNECTIONS_PER_IP,
    maxMessagesPerSecond: e.CHORUS_MAX_MESSAGES_PER_SECOND,
    maxBytesPerSecond: e.CHORUS_MAX_BYTES_PER_SECOND,
    idleUnloadMs: e.CHORUS_IDLE_UNLOAD_MS,
    snapshotEvery: e.CHORUS_SNAPSHOT_EVERY,
    autoVersionMs: e.CHORUS_AUTO_VERSION_MS,
    sessionIdleMs: e.CHORUS_SESSION_IDLE_HOURS * 3600_000,
    sessionMaxMs: e.CHORUS_SESSION_MAX_HOURS * 3600_000,
    sessionCheckMs: SESSION_CHECK_MS,
    signInMaxFailures: e.CHORUS_SIGNIN_MAX_FAILURES,
    signInWindowMs: e.CHORUS_SIGNIN_WINDOW_MS,
    signUpMaxPerIp: e.CHORUS_SIGNUP_MAX_PER_IP,
    signUpWindowMs: e.CHORUS_SIGNUP_WINDOW_MS,
    staticDir: e.CHORUS_STATIC_DIR ?? null,
  };
}

/**
 * Links in emails start with CHORUS_ORIGIN, the address people open Chorus at; it must be
 * set explicitly for email, since its default (localhost) would make every link dead.
 */
function mailConfigOf(e: z.infer<typeof configSchema>, origin: string): MailConfig | null {
  if (!e.CHORUS_SMTP_URL) return null;
  const missing = [
    e.CHORUS_MAIL_FROM
      ? null
      : '- CHORUS_MAIL_FROM: set the address emails come from, like Chorus <chorus@example.org>.',
    e.CHORUS_ORIGIN
      ? null
      : '- CHORUS_ORIGIN: set the address people open Chorus at, like https://chorus.example.org, so links in emails work.',
  ].filter((m) => m !== null);
  if (!e.CHORUS_MAIL_FROM || !e.CHORUS_ORIGIN) {
    throw new ConfigError(
      `Chorus cannot start: CHORUS_SMTP_URL is set, so Chorus sends email, and needs these too (or unset CHORUS_SMTP_URL to send none).\n${missing.join('\n')}`,
    );
  }
  return {
    smtpUrl: e.CHORUS_SMTP_URL,
    from: e.CHORUS_MAIL_FROM,
    publicUrl: origin,
    delayMs: e.CHORUS_MENTION_EMAIL_DELAY_MS,
    pollMs: 5_000,
    retryBaseMs: 30_000,
    maxAttempts: 8,
    leaseMs: 5 * 60_000,
    confirmationTtlMs: 24 * 3600_000,
    confirmationLimits: [
      { windowMs: 60_000, max: 1 },
      { windowMs: 3600_000, max: 5 },
      { windowMs: 24 * 3600_000, max: 10 },
    ],
    unconfirmedWaitMs: 7 * 24 * 3600_000,
  };
}

/**
 * Session timings in milliseconds, for tests that watch a session expire within seconds.
 * Production sets hours (CHORUS_SESSION_IDLE_HOURS, CHORUS_SESSION_MAX_HOURS) and a fixed
 * check interval; no environment variable reaches these. Checked like the settings are.
 */
const testSessionTimingsSchema = z
  .object({
    idleMs: z
      .number()
      .int()
      .min(100)
      .max(24 * 365 * 3600_000),
    maxMs: z
      .number()
      .int()
      .min(100)
      .max(24 * 365 * 3600_000),
    checkMs: z.number().int().min(10).max(SESSION_CHECK_MS),
  })
  .strict()
  // The first check learns when a session ends (later ones wake on time for it), so it
  // must come before the end.
  .refine((t) => t.checkMs < Math.min(t.idleMs, t.maxMs), {
    message: 'checkMs must be shorter than idleMs and maxMs.',
    path: ['checkMs'],
  });

export type TestSessionTimings = z.input<typeof testSessionTimingsSchema>;

/** A copy of `config` with short session timings (tests only); throws ConfigError if invalid. */
export function withTestSessionTimings(config: Config, timings: TestSessionTimings): Config {
  const parsed = testSessionTimingsSchema.safeParse(timings);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `- ${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`Bad test session timings.\n${problems.join('\n')}`);
  }
  return {
    ...config,
    sessionIdleMs: parsed.data.idleMs,
    sessionMaxMs: parsed.data.maxMs,
    sessionCheckMs: parsed.data.checkMs,
  };
}
