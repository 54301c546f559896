import type { Db } from '../db/connection';
import type { VisitRecord, VisitStatus } from './visit-records';

/**
 * How far a visit has got. Events can arrive late or twice (webhooks, a refresh racing a webhook),
 * so a status is only ever replaced by one further along: a completed visit stays completed.
 */
const RANK: Partial<Record<string, number>> = {
  pending: 0,
  confirmed: 1,
  in_progress: 2,
  completed: 3,
  cancelled: 3,
};

/** Completed and cancelled are final: nothing VSee says later moves a visit out of them. */
export const TERMINAL_STATUSES: VisitStatus[] = ['completed', 'cancelled'];

/** The statuses a visit may be in for `next` to be a step forward. */
export function statusesBefore(next: VisitStatus): VisitStatus[] {
  const rank = RANK[next];
  if (rank === undefined) return [];
  return (Object.keys(RANK) as VisitStatus[]).filter((s) => RANK[s]! < rank);
}

/** When the portal last knew this visit's status for sure: the later of a change and a check. */
export function lastKnownAt(record: VisitRecord): string {
  const checked = record.status_checked_at;
  return checked && checked > record.status_updated_at ? checked : record.status_updated_at;
}

/** Which visit a status is about: our row id, or VSee's visit id (webhooks know only that). */
export type VisitRef = { id: number } | { vseeVisitId: string };

/**
 * Moves a visit forward to `status` (changed at `at`), in one conditional UPDATE so that two
 * instances applying events at once cannot move it backwards. Returns how many rows moved.
 */
export async function advanceStatus(db: Db, ref: VisitRef, status: VisitStatus, at: Date): Promise<number> {
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
