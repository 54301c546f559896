import type { Db } from '../db/connection';
import type { EmailMessage } from './compose';

/** A message the sender has claimed and must now deliver (or give back with markFailed). */
export interface ClaimedEmail extends EmailMessage {
  id: number;
  attempts: number;
}

/** How long a claimed row stays with its sender before another instance may take it over. */
const CLAIM_MS = 2 * 60_000;

/**
 * Queues a message: one INSERT, no SMTP. The request that asked for it never waits on the mail
 * server, and the row survives a restart until the sender delivers it.
 */
export async function enqueueEmail(db: Db, message: EmailMessage, now = new Date()): Promise<void> {
  await db
    .insertInto('outbox')
    .values({
      to_address: message.to,
      subject: message.subject,
      text_body: message.text,
      html_body: message.html,
      calendar: message.calendar ?? null,
      next_attempt_at: now.toISOString(),
      created_at: now.toISOString(),
    })
    .execute();
}

/**
 * Takes up to `limit` due messages for this sender. Each row is claimed by a conditional UPDATE, so
 * two instances polling at once never both send the same message.
 */
export async function claimDueEmails(db: Db, limit: number, now = new Date()): Promise<ClaimedEmail[]> {
  const at = now.toISOString();
  const candidates = await db
    .selectFrom('outbox')
    .select('id')
    .where('sent_at', 'is', null)
    .where('failed_at', 'is', null)
    .where('next_attempt_at', '<=', at)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', at)]))
    .orderBy('id')
    .limit(limit)
    .execute();
  const claimed: ClaimedEmail[] = [];
  for (const { id } of candidates) {
    const row = await db
      .updateTable('outbox')
      .set({ claimed_until: new Date(now.getTime() + CLAIM_MS).toISOString() })
      .where('id', '=', id)
      .where('sent_at', 'is', null)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', at)]))
      .returningAll()
      .executeTakeFirst();
    if (!row) continue;
    claimed.push({
      id: row.id,
      attempts: row.attempts,
      to: row.to_address,
      subject: row.subject,
      text: row.text_body,
      html: row.html_body,
      calendar: row.calendar ?? undefined,
    });
  }
  return claimed;
}

// Once delivered or given up on, the bodies (which may hold a single-use link) are blanked: the
// outbox keeps who was written to and when, not what.
const BLANK_BODIES = { text_body: '', html_body: '', calendar: null, claimed_until: null } as const;

/** Records a delivery. */
export async function markSent(db: Db, id: number, now = new Date()): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ ...BLANK_BODIES, sent_at: now.toISOString() })
    .where('id', '=', id)
    .execute();
}

/** Records a failed attempt: retried at `retryAt`, or given up on when `retryAt` is undefined. */
export async function markFailed(
  db: Db,
  id: number,
  attempts: number,
  error: string,
  retryAt: Date | undefined,
  now = new Date(),
): Promise<void> {
  const update = retryAt
    ? { attempts, last_error: error, claimed_until: null, next_attempt_at: retryAt.toISOString() }
    : { ...BLANK_BODIES, attempts, last_error: error, failed_at: now.toISOString() };
  await db.updateTable('outbox').set(update).where('id', '=', id).execute();
}

/**
 * Deletes up to `limit` rows that were delivered, or given up on, before `before`; returns how many.
 * A row still being retried stays however old it is. Bounded, so one pass never holds the table for
 * long; the sender comes back for the rest.
 */
export async function pruneOutbox(db: Db, before: Date, limit: number): Promise<number> {
  const at = before.toISOString();
  const finishedLongAgo = db
    .selectFrom('outbox')
    .select('id')
    .where((eb) =>
      eb.or([eb('sent_at', '<', at), eb.and([eb('sent_at', 'is', null), eb('failed_at', '<', at)])]),
    )
    .orderBy('id')
    .limit(limit);
  const result = await db.deleteFrom('outbox').where('id', 'in', finishedLongAgo).executeTakeFirst();
  return Number(result.numDeletedRows);
}
