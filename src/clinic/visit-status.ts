import type { Db } from '../db/connection';
import type { Visit } from '../db/schema';
import { VISIT_STATUS } from '../vsee';

/**
 * Every status a visit row can be in, in one list.
 * - `starting`: a launch owns the row and is talking to VSee.
 * - `failed`: VSee created nothing (known for sure), so the same launch key may try again.
 * - `unknown`: a create whose answer never came (timeout, dropped connection, 5xx, a process that
 *   died). VSee may or may not have made the visit; it is found out before anything new is created.
 * - the rest mirror VSee's own visit statuses.
 */
export const VISIT_STATUSES = [
  'starting',
  'failed',
  'unknown',
  'pending',
  'confirmed',
  'in_progress',
  'completed',
  'cancelled',
] as const;

export type VisitStatus = (typeof VISIT_STATUSES)[number];

/** Statuses in which the patient can still go into the visit. */
export const OPEN_STATUSES: readonly VisitStatus[] = ['pending', 'confirmed', 'in_progress'];

/** Completed and cancelled are final: nothing VSee says later moves a visit out of them. */
export const FINAL_STATUSES: readonly VisitStatus[] = ['completed', 'cancelled'];

/**
 * A walk-in in one of these holds the patient's one place in the waiting room (the database's
 * `visits_one_open_walkin` index lists the same statuses): open, being created, or of unknown outcome.
 */
export const HOLDING_STATUSES: readonly VisitStatus[] = ['starting', 'unknown', ...OPEN_STATUSES];

export function isOpen(status: VisitStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

export function isFinal(status: VisitStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

const FROM_VSEE: Record<string, VisitStatus> = {
  [VISIT_STATUS.pending]: 'pending',
  [VISIT_STATUS.confirmed]: 'confirmed',
  [VISIT_STATUS.inProgress]: 'in_progress',
  [VISIT_STATUS.completed]: 'completed',
  [VISIT_STATUS.cancelled]: 'cancelled',
};

/** Maps VSee's numeric status string to our word; unknown codes count as pending (still open). */
export function statusFromVsee(code: string | undefined): VisitStatus {
  return (code && FROM_VSEE[code]) || 'pending';
}

/**
 * How far a visit has got. Events arrive late or twice (webhooks, a page refresh racing a webhook, an
 * Invite reading VSee's older answer), so a status is only ever replaced by one further along.
 */
const RANK: Partial<Record<VisitStatus, number>> = {
  pending: 0,
  confirmed: 1,
  in_progress: 2,
  completed: 3,
  cancelled: 3,
};

/** The statuses a visit may be in for `next` to be a step forward. */
export function statusesBefore(next: VisitStatus): VisitStatus[] {
  const rank = RANK[next];
  if (rank === undefined) return [];
  return (Object.keys(RANK) as VisitStatus[]).filter((s) => RANK[s]! < rank);
}

/** When the portal last knew this visit's status for sure: the later of a change and a check. */
export function lastKnownAt(record: Visit): string {
  const checked = record.status_checked_at;
  return checked && checked > record.status_updated_at ? checked : record.status_updated_at;
}

/** Which visit a status is about: our row id, or VSee's visit id (webhooks know only that). */
export type VisitRef = { id: number } | { vseeVisitId: string };

/**
 * The one writer of a created visit's status: moves it forward to `status` (changed at `at`), in one
 * conditional UPDATE so that two instances applying events at once cannot move it backwards. Webhooks,
 * My visits' refresh, Invite and a repeated walk-in press all go through here. Returns the rows moved.
 */
export async function advanceStatus(
  db: Db,
  ref: VisitRef,
  status: VisitStatus,
  at: Date = new Date(),
): Promise<number> {
  const before = statusesBefore(status);
  if (before.length === 0) return 0;
  const now = new Date().toISOString();
  let query = db
    .updateTable('visits')
    .set({ status, status_updated_at: at.toISOString(), updated_at: now })
    .where('status', 'in', before);
  query = 'id' in ref ? query.where('id', '=', ref.id) : query.where('vsee_visit_id', '=', ref.vseeVisitId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Notes that VSee was asked about this visit just now (whether or not the status changed). */
export async function markChecked(db: Db, id: number, at = new Date()): Promise<void> {
  await db.updateTable('visits').set({ status_checked_at: at.toISOString() }).where('id', '=', id).execute();
}

/** Whether any of the portal's visits carries this VSee visit id. */
export async function knowsVseeVisit(db: Db, vseeVisitId: string): Promise<boolean> {
  const row = await db
    .selectFrom('visits')
    .select('id')
    .where('vsee_visit_id', '=', vseeVisitId)
    .executeTakeFirst();
  return row !== undefined;
}
