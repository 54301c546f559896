import type { Db } from '../db/connection';
import type { Logger } from '../web/logger';
import { claimDueEmails, markFailed, markSent, pruneOutbox } from './outbox';
import type { MailTransport } from './transport';

export interface SenderOptions {
  /** How often the outbox is checked for due messages. */
  pollMs?: number;
  /** The first retry waits this long; each further one twice as long, up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** After this many failed attempts a message is given up on (and logged as such). */
  maxAttempts?: number;
  batchSize?: number;
  /** Rows delivered or given up on longer ago than this are deleted (OUTBOX_RETENTION_DAYS). */
  retentionMs?: number;
  /** At most this many rows are deleted per pass. */
  pruneBatch?: number;
  /** How often old rows are looked for; sooner while the last look found a full batch. */
  pruneEveryMs?: number;
}

const DEFAULTS: Required<SenderOptions> = {
  pollMs: 5_000,
  backoffMs: 30_000,
  maxBackoffMs: 3_600_000,
  maxAttempts: 8,
  batchSize: 10,
  retentionMs: 30 * 86_400_000,
  pruneBatch: 500,
  pruneEveryMs: 10 * 60_000,
};

/** An SMTP code or error name: never the server's text, which may quote the message or address. */
function errorCode(error: unknown): string {
  const e = error as { code?: unknown; responseCode?: unknown; name?: unknown } | null;
  const parts = [e?.code, e?.responseCode].filter((p) => typeof p === 'string' || typeof p === 'number');
  return parts.length > 0 ? parts.join(' ') : typeof e?.name === 'string' ? e.name : 'Error';
}

/**
 * Delivers the outbox in the background: started by the server, stopped on shutdown. Each pass
 * claims due rows (several instances may run one each), sends them, and reschedules failures with
 * exponential backoff.
 */
export class OutboxSender {
  private readonly options: Required<SenderOptions>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** When old rows were last looked for (0: never, so the first pass looks). */
  private lastPruneAt = 0;
  /** The last look deleted a full batch: there is more, so the next pass looks again. */
  private pruneBacklog = false;

  constructor(
    private readonly db: Db,
    private readonly transport: MailTransport,
    private readonly from: string,
    private readonly logger: Logger,
    options: SenderOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  start(): void {
    if (this.timer) return;
    this.logger.info(`email: sending through ${this.transport.description}`);
    this.timer = setInterval(() => void this.drainOnce(), this.options.pollMs);
  }

  /** Stops polling and waits for a pass in progress, so shutdown never cuts a send in half. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    this.transport.close();
  }

  /** One pass over the due messages; passes never overlap within an instance. */
  drainOnce(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    try {
      const due = await claimDueEmails(this.db, this.options.batchSize);
      for (const email of due) {
        const attempt = email.attempts + 1;
        try {
          await this.transport.send(this.from, email);
          await markSent(this.db, email.id);
          this.logger.info({ outboxId: email.id, attempt }, 'email sent');
        } catch (error) {
          const code = errorCode(error);
          if (attempt >= this.options.maxAttempts) {
            await markFailed(this.db, email.id, attempt, code, undefined);
            this.logger.error({ outboxId: email.id, attempt, error: code }, 'email given up after retries');
            continue;
          }
          const wait = Math.min(this.options.backoffMs * 2 ** (attempt - 1), this.options.maxBackoffMs);
          await markFailed(this.db, email.id, attempt, code, new Date(Date.now() + wait));
          this.logger.warn(
            { outboxId: email.id, attempt, error: code, retryInSeconds: Math.round(wait / 1000) },
            'email send failed; will retry',
          );
        }
      }
    } catch (error) {
      this.logger.error({ error: errorCode(error) }, 'email outbox pass failed');
    }
    await this.pruneIfDue();
  }

  /**
   * Deletes rows finished longer ago than the retention, at most `pruneBatch` per pass: without it the
   * outbox grows by a row per email forever. Several instances may prune at once; a row deleted twice
   * is simply not there the second time.
   */
  private async pruneIfDue(): Promise<void> {
    const now = Date.now();
    if (!this.pruneBacklog && now - this.lastPruneAt < this.options.pruneEveryMs) return;
    this.lastPruneAt = now;
    try {
      const deleted = await pruneOutbox(
        this.db,
        new Date(now - this.options.retentionMs),
        this.options.pruneBatch,
      );
      this.pruneBacklog = deleted >= this.options.pruneBatch;
      if (deleted > 0) this.logger.info({ deleted }, 'old outbox rows deleted');
    } catch (error) {
      this.pruneBacklog = false;
      this.logger.warn({ error: errorCode(error) }, 'could not delete old outbox rows');
    }
  }
}
