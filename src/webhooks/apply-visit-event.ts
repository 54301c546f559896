import { advanceStatus, knowsVseeVisit } from '../clinic/visit-status';
import type { Db } from '../db/connection';
import type { VisitEvent } from './parse';

/**
 * `applied`: the visit moved forward. `unchanged`: known visit, but the event is not a step forward
 * (late, or the same status). `replayed`: this event id was applied before. `unknown_visit`: not a
 * visit the portal created; nothing is recorded, so a later redelivery can still apply.
 */
export type ApplyOutcome = 'applied' | 'unchanged' | 'replayed' | 'unknown_visit';

/**
 * Applies one VSee visit event at most once. The event id is inserted in the same transaction as
 * the status change, so a crash between the two cannot leave an event marked done but not applied,
 * and two instances receiving the same delivery apply it once (the primary key decides).
 */
export async function applyVisitEvent(db: Db, event: VisitEvent): Promise<ApplyOutcome> {
  return db.transaction().execute(async (trx) => {
    if (!(await knowsVseeVisit(trx, event.visitId))) return 'unknown_visit';
    const inserted = await trx
      .insertInto('webhook_events')
      .values({ event_id: event.id, received_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return 'replayed';
    const moved = await advanceStatus(trx, { vseeVisitId: event.visitId }, event.status, event.at);
    return moved > 0 ? 'applied' : 'unchanged';
  });
}
