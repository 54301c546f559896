import type { Db } from '../db/connection';
import type { Visit } from '../db/schema';
import { VISIT_STATUS } from '../vsee';
import { isUniqueViolation } from '../db/errors';

export type VisitKind = Visit['kind'];
export type VisitRecord = Visit;

/**
 * Our status words. `starting`: a launch holds the key and is talking to VSee. `failed`: VSee never
 * created the visit, so the same launch key may try again. The rest mirror VSee's status codes.
 */
export type VisitStatus =
  'starting' | 'failed' | 'pending' | 'confirmed' | 'in_progress' | 'completed' | 'cancelled';

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

/** Statuses in which the patient can still go into the visit. */
export const OPEN_STATUSES: VisitStatus[] = ['pending', 'confirmed', 'in_progress'];

/** After this long, a launch still marked 'starting' is taken for abandoned (see claimLaunch). */
export const ABANDONED_AFTER_MS = 60_000;

export interface LaunchClaim {
  record: VisitRecord;
  /** True: this request owns the launch and must talk to VSee. False: another request did or does. */
  owned: boolean;
}

/**
 * Claims a launch key for a patient. The unique (account, launch key) index makes this atomic across
 * processes and instances: exactly one request owns a key; a double-click, refresh or retry finds
 * the first one's row. A key whose earlier launch failed before VSee created anything, or was
 * abandoned by a process that died mid-launch, may be re-owned.
 */
export async function claimLaunch(
  db: Db,
  accountId: number,
  kind: VisitKind,
  launchKey: string,
): Promise<LaunchClaim> {
  const now = new Date().toISOString();
  try {
    const record = await db
      .insertInto('visits')
      .values({
        account_id: accountId,
        kind,
        launch_key: launchKey,
        status: 'starting',
        status_updated_at: now,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { record, owned: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  // A launch ends within its flow deadline (15 s); one still 'starting' a minute later belongs to a
  // process that died mid-launch, and may be taken over like a failed one (its intake, if noted, is
  // read back first by the flow, so a visit VSee did create is found, not made twice).
  const abandonedBefore = new Date(Date.now() - ABANDONED_AFTER_MS).toISOString();
  const retried = await db
    .updateTable('visits')
    .set({ status: 'starting', status_updated_at: now, updated_at: now })
    .where('account_id', '=', accountId)
    .where('launch_key', '=', launchKey)
    .where('vsee_visit_id', 'is', null)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'failed'),
        eb.and([eb('status', '=', 'starting'), eb('updated_at', '<', abandonedBefore)]),
      ]),
    )
    .returningAll()
    .executeTakeFirst();
  if (retried) return { record: retried, owned: true };
  const existing = await db
    .selectFrom('visits')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('launch_key', '=', launchKey)
    .executeTakeFirstOrThrow();
  return { record: existing, owned: false };
}

export interface CreatedVisit {
  vseeVisitId: string;
  vseeIntakeId?: string;
  status: VisitStatus;
  appointmentToken?: string;
  providerName?: string;
  startsAt?: number;
  endsAt?: number;
}

/** Records what VSee created for a claimed launch. */
export async function markCreated(db: Db, id: number, created: CreatedVisit): Promise<VisitRecord> {
  const now = new Date().toISOString();
  return db
    .updateTable('visits')
    .set({
      vsee_visit_id: created.vseeVisitId,
      vsee_intake_id: created.vseeIntakeId ?? null,
      status: created.status,
      appointment_token: created.appointmentToken ?? null,
      provider_name: created.providerName ?? null,
      starts_at: created.startsAt ?? null,
      ends_at: created.endsAt ?? null,
      status_updated_at: now,
      updated_at: now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Notes the intake as soon as VSee made it, so a later failure still leaves a trace. */
export async function noteIntake(db: Db, id: number, intakeId: string): Promise<void> {
  await db
    .updateTable('visits')
    .set({ vsee_intake_id: intakeId, updated_at: new Date().toISOString() })
    .where('id', '=', id)
    .execute();
}

/** Releases a claimed launch that created no visit, so the same key can try again. */
export async function markFailed(db: Db, id: number): Promise<void> {
  const now = new Date().toISOString();
  await db
    .updateTable('visits')
    .set({ status: 'failed', status_updated_at: now, updated_at: now })
    .where('id', '=', id)
    .where('vsee_visit_id', 'is', null)
    .execute();
}

/** Saves a status learned from VSee. */
export async function updateStatus(db: Db, id: number, status: VisitStatus): Promise<void> {
  const now = new Date().toISOString();
  await db
    .updateTable('visits')
    .set({ status, status_updated_at: now, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/**
 * Waits for another request's launch of the same key to finish (it polls the shared database, so
 * it works across instances). Returns the row as it ended, or as it is when time runs out.
 */
export async function waitForLaunch(
  db: Db,
  id: number,
  timeoutMs: number,
  pollMs = 100,
): Promise<VisitRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await db.selectFrom('visits').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    if (record.status !== 'starting' || Date.now() >= deadline) return record;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** One of the patient's own visits (never another patient's), by our id. */
export async function findVisitForAccount(
  db: Db,
  accountId: number,
  id: number,
): Promise<VisitRecord | undefined> {
  return db
    .selectFrom('visits')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
}

/** The patient's most recent walk-in that VSee created and that is not known to be over. */
export async function findOpenWalkin(db: Db, accountId: number): Promise<VisitRecord | undefined> {
  return db
    .selectFrom('visits')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('kind', '=', 'walkin')
    .where('vsee_visit_id', 'is not', null)
    .where('status', 'in', OPEN_STATUSES)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/** Every visit this patient started from the portal, newest first (failed attempts left out). */
export async function listVisits(db: Db, accountId: number): Promise<VisitRecord[]> {
  return db
    .selectFrom('visits')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('status', 'not in', ['starting', 'failed'])
    .orderBy('id', 'desc')
    .execute();
}
