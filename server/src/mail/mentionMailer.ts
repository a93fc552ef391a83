import { randomUUID } from 'node:crypto';
import type { MailConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import { checkDocumentAccess } from '../services/access.ts';
import { peopleOf } from '../services/people.ts';
import type { MentionEmailRecord, Storage } from '../storage/types.ts';
import { composeMentionEmail, type MentionToTell } from './mentionEmail.ts';
import type { MailTransport } from './transport.ts';

/** People whose emails one look at the outbox claims; the rest wait for the next look. */
const PEOPLE_PER_TICK = 20;

/**
 * Puts the mentions of `people` by a comment in the outbox, due after the configured delay
 * (nothing when this server sends no email). The author is never emailed about their own
 * comment. Whether to send is decided when it falls due, not now.
 */
export async function scheduleMentionEmails(
  storage: Storage,
  mail: MailConfig | null,
  comment: { id: string; documentId: string; authorId: string },
  people: Iterable<string>,
  now: number,
): Promise<void> {
  if (!mail) return;
  const mentions = [...new Set(people)]
    .filter((id) => id !== comment.authorId)
    .map((userId) => ({ userId, commentId: comment.id, documentId: comment.documentId }));
  if (mentions.length > 0) await storage.mentionEmails.schedule(mentions, now + mail.delayMs);
}

/** Why a mention due to be emailed was not: it is logged, never the comment itself. */
type Passed =
  | 'read'
  | 'gone'
  | 'resolved'
  | 'no_access'
  | 'email_off'
  | 'no_account'
  | 'unconfirmed';

/**
 * How often waiting mentions of unconfirmed addresses are looked at (see `sendDue`): once a
 * minute, or a tenth of the wait if that is shorter (tests set waits of a second).
 */
const UNCONFIRMED_SWEEP_MS = 60_000;

/**
 * Sends the mention emails that fall due, from the outbox in the database. Every process
 * runs one; claims (a conditional update) keep two from sending the same email. Each email
 * is decided when sent: a mention read in Chorus meanwhile, deleted, in a resolved thread,
 * in a document the person may no longer read, or of someone who turned these emails off,
 * is passed over. Only confirmed addresses are emailed: the mentions of someone who has not
 * confirmed theirs are not claimed, and wait (still checked when sent) until they do, for
 * `unconfirmedWaitMs` at most; then they are passed over.
 */
export class MentionMailer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private sweptAt = Number.NEGATIVE_INFINITY;
  /** This process's claims, so a restart's new claims are its own. */
  private readonly token = randomUUID();

  constructor(
    private readonly storage: Storage,
    private readonly config: MailConfig,
    private readonly transport: MailTransport,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    const loop = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        void this.tick().finally(loop);
      }, this.config.pollMs);
      this.timer.unref();
    };
    loop();
  }

  /**
   * Stops looking; an email being sent is finished (or its claim left to run out). The
   * transport is the server's, closed by it.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Looks at the outbox once and sends what is due; one look at a time. */
  tick(): Promise<void> {
    this.running ??= this.sendDue()
      .catch((err: unknown) => this.logger.log('error', 'mail.tick_failed', { error: String(err) }))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /**
   * Claims one person's due mentions at a time, just before sending them: a claim's lease
   * then covers one email, so a slow mail server cannot keep later people's emails past
   * their leases (another process would claim and send them again).
   */
  private async sendDue(): Promise<void> {
    const started = this.now();
    const sweepEvery = Math.min(UNCONFIRMED_SWEEP_MS, this.config.unconfirmedWaitMs / 10);
    if (started - this.sweptAt >= sweepEvery) {
      this.sweptAt = started;
      const dropped = await this.storage.mentionEmails.dropUnconfirmed(
        started - this.config.unconfirmedWaitMs,
        started,
      );
      if (dropped > 0) {
        this.logger.log('info', 'mail.mentions_passed_over', {
          reasons: ['unconfirmed'],
          count: dropped,
        });
      }
    }
    for (let n = 0; n < PEOPLE_PER_TICK && !this.stopped; n++) {
      const now = this.now();
      const claimed = await this.storage.mentionEmails.claimDue(
        now,
        { token: this.token, until: now + this.config.leaseMs },
        1,
      );
      const userId = claimed[0]?.userId;
      if (userId === undefined) return;
      await this.deliver(
        userId,
        claimed.filter((row) => row.userId === userId),
      );
    }
  }

  private async deliver(userId: string, rows: MentionEmailRecord[]): Promise<void> {
    const { storage } = this;
    const passed = new Map<string, Passed>();
    const told: (MentionToTell & { commentId: string })[] = [];
    const user = await storage.users.findById(userId);
    const off =
      user && !user.deletedAt ? !(await storage.preferences.get(userId)).emailMentions : false;
    const read = await storage.mentionReads.readOf(
      userId,
      rows.map((r) => r.commentId),
    );
    for (const row of rows) {
      const why: Passed | MentionToTell =
        !user || user.deletedAt
          ? 'no_account'
          : // Claims take only confirmed addresses; this holds whatever changed since.
            user.emailConfirmedAt == null
            ? 'unconfirmed'
            : off
              ? 'email_off'
              : read.has(row.commentId)
                ? 'read'
                : await this.mentionNow(userId, row);
      if (typeof why === 'string') passed.set(row.commentId, why);
      else told.push({ ...why, commentId: row.commentId });
    }
    const at = this.now();
    if (passed.size > 0) {
      await storage.mentionEmails.settle(userId, [...passed.keys()], this.token, {
        state: 'dropped',
        at,
      });
      this.logger.log('info', 'mail.mentions_passed_over', {
        userId,
        reasons: [...new Set(passed.values())],
        count: passed.size,
      });
    }
    if (!user || told.length === 0) return;
    const ids = told.map((t) => t.commentId);
    const email = composeMentionEmail(user.name, told, this.config.publicUrl);
    try {
      await this.transport.send({ to: user.email, ...email });
    } catch (err) {
      // The email's tries are those of the mentions in it (the most tried, if they differ).
      const attempts = Math.max(
        ...rows.filter((r) => ids.includes(r.commentId)).map((r) => r.attempts),
      );
      const error = err instanceof Error ? err.message : String(err);
      if (attempts >= this.config.maxAttempts) {
        await storage.mentionEmails.settle(userId, ids, this.token, { state: 'failed', at });
        this.logger.log('error', 'mail.gave_up', { userId, mentions: ids.length, attempts, error });
        return;
      }
      const retryAt = this.now() + this.config.retryBaseMs * 2 ** (attempts - 1);
      await storage.mentionEmails.settle(userId, ids, this.token, { state: 'pending', retryAt });
      this.logger.log('warn', 'mail.send_failed', { userId, attempts, retryAt, error });
      return;
    }
    // Sent: if the claim ran out meanwhile and another process took it, both may send (at
    // most once per claim that ran out); the lease is minutes and the timeouts seconds.
    await storage.mentionEmails.settle(userId, ids, this.token, { state: 'sent', at: this.now() });
    this.logger.log('info', 'mail.mentions_sent', { userId, mentions: ids.length });
  }

  /** The mention as it stands now, or why it is no longer one to email about. */
  private async mentionNow(
    userId: string,
    row: MentionEmailRecord,
  ): Promise<Passed | MentionToTell> {
    const { storage } = this;
    const comment = await storage.comments.getComment(row.documentId, row.commentId);
    // An edit may have taken the mention out.
    if (!comment || comment.deletedAt !== null || !comment.mentions.includes(userId)) return 'gone';
    const thread = await storage.comments.getThread(row.documentId, comment.threadId);
    if (!thread) return 'gone';
    if (thread.resolvedAt !== null) return 'resolved';
    const access = await checkDocumentAccess(storage, userId, row.documentId, 'document.view');
    if (!access.ok) return 'no_access';
    const document = await storage.documents.get(row.documentId);
    const workspace = document ? await storage.workspaces.get(document.workspaceId) : null;
    if (!document || !workspace) return 'gone';
    // Credited as the author chose in that workspace, as the comment shows them.
    const people = await peopleOf(
      storage,
      workspace.id,
      [comment.authorId],
      new Map([[comment.authorId, comment.participantRole]]),
    );
    return {
      byName: people.get(comment.authorId)?.name ?? 'A former member',
      documentTitle: document.title,
      workspaceName: workspace.name,
      documentId: document.id,
      threadId: thread.id,
    };
  }
}
