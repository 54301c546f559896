import type { Db } from '../db/connection';
import { appointmentDetails, CLOSED_STATUSES } from '../email/appointment-mail';
import type { Mailer } from '../email/mailer';
import { appointmentReminderEmail } from '../email/messages';
import { enqueueEmail } from '../email/outbox';
import type { Logger } from '../web/logger';

const DEFAULT_INTERVAL_MS = 60_000;

/**
 * Sends appointment reminders at the configured offsets (REMINDERS). Every instance may run one:
 * a reminder is claimed by inserting its (visit, offset) row, whose primary key lets exactly one
 * instance win, and the email is queued in the same transaction, so a claim never loses its email.
 */
export class ReminderScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly db: Db,
    private readonly mailer: Mailer,
    private readonly logger: Logger,
    private readonly intervalMs = DEFAULT_INTERVAL_MS,
  ) {}

  start(): void {
    if (this.timer || this.mailer.reminderOffsetsMinutes.length === 0) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    void this.runOnce();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass; returns how many reminders this instance queued. Passes never overlap here. */
  runOnce(now = new Date()): Promise<number> {
    this.running ??= this.pass(now)
      .catch((error: unknown) => {
        this.logger.error({ error: error instanceof Error ? error.name : 'Error' }, 'reminder pass failed');
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(now: Date): Promise<number> {
    const offsets = this.mailer.reminderOffsetsMinutes;
    if (offsets.length === 0) return 0;
    const nowSeconds = Math.floor(now.getTime() / 1000);
    // Only appointments VSee has, still ahead, within the largest offset, of patients who want reminders.
    const due = await this.db
      .selectFrom('visits')
      .innerJoin('accounts', 'accounts.id', 'visits.account_id')
      .selectAll('visits')
      .select(['accounts.email', 'accounts.first_name', 'accounts.time_zone', 'accounts.language'])
      .where('visits.kind', '=', 'appointment')
      .where('visits.vsee_visit_id', 'is not', null)
      .where('visits.status', 'not in', [...CLOSED_STATUSES, 'starting'])
      .where('visits.starts_at', '>', nowSeconds)
      .where('visits.starts_at', '<=', nowSeconds + Math.max(...offsets) * 60)
      .where('accounts.reminders_enabled', '=', 1)
      .execute();
    let queued = 0;
    for (const visit of due) {
      const start = Number(visit.starts_at);
      const dueOffsets = offsets.filter((minutes) => start - minutes * 60 <= nowSeconds);
      if (dueOffsets.length === 0) continue;
      const claimed = await this.db.transaction().execute(async (trx) => {
        const won: number[] = [];
        for (const minutes of dueOffsets) {
          const row = await trx
            .insertInto('reminder_claims')
            .values({ visit_id: visit.id, offset_minutes: minutes, claimed_at: now.toISOString() })
            .onConflict((oc) => oc.columns(['visit_id', 'offset_minutes']).doNothing())
            .returning('visit_id')
            .executeTakeFirst();
          if (row) won.push(minutes);
        }
        // Booked inside several offsets at once (e.g. 30 minutes ahead): one reminder, not two.
        if (won.length > 0) {
          // No request to take a language from: the account's choice, else DEFAULT_LANGUAGE.
          const words = this.mailer.languages.pick(visit.language);
          const message = appointmentReminderEmail(
            this.mailer.sender,
            words,
            visit.email,
            visit.first_name,
            appointmentDetails({ ...visit, starts_at: start }, visit.time_zone, words),
          );
          // `now` says which reminders are due; the email itself is due at once, whatever `now` was.
          await enqueueEmail(trx, message);
        }
        return won;
      });
      if (claimed.length > 0) {
        queued += 1;
        this.logger.info({ visitId: visit.id, offsetsMinutes: claimed }, 'appointment reminder queued');
      }
    }
    return queued;
  }
}
