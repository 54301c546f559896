import { sql } from 'kysely';
import { compiledQuery } from '../db/compiled';
import type { Db } from '../db/connection';
import type { Visit } from '../db/schema';
import { isUniqueViolation } from '../db/errors';
import { HOLDING_STATUSES, type VisitStatus } from './visit-status';

export type VisitKind = Visit['kind'];
export type VisitRecord = Visit;

/**
 * A launch still `starting` this long after its last write belongs to a process that died mid-launch
 * (a live launch ends within its 15 s flow deadline) and may be taken over.
 */
export const ABANDONED_AFTER_MS = 30_000;

/**
 * - `owned`: this request holds the row and must talk to VSee.
 * - `same-key`: the same form arrived again (double-click, refresh, retry): the row of the first one.
 * - `held`: another walk-in already holds the patient's one place in the waiting room.
 */
export type LaunchClaim =
  | { kind: 'owned'; record: VisitRecord }
  | { kind: 'same-key'; record: VisitRecord }
  | { kind: 'held'; record: VisitRecord };

function nowIso(): string {
  return new Date().toISOString();
}

/** `coalesce(new, column)`: an optional value written only when given, in a statement of one shape. */
function orKeep<T>(value: T, column: string) {
  return sql<T>`coalesce(${value}, ${sql.ref(column)})`;
}

// The launch's three statements run on every press: built and compiled once (src/db/compiled.ts).
const insertClaim = compiledQuery<
  { accountId: number; kind: VisitKind; launchKey: string; now: string },
  VisitRecord
>((db, param) =>
  db
    .insertInto('visits')
    .values({
      account_id: param('accountId'),
      kind: param('kind'),
      launch_key: param('launchKey'),
      status: 'starting',
      status_updated_at: param('now'),
      created_at: param('now'),
      updated_at: param('now'),
    })
    .returningAll(),
);

const updateNote = compiledQuery<
  {
    id: number;
    intakeId: string | null;
    memberId: string | null;
    startsAt: number | null;
    endsAt: number | null;
    visitType: string | null;
    now: string;
  },
  never
>((db, param) =>
  db
    .updateTable('visits')
    .set({
      vsee_intake_id: orKeep(param('intakeId'), 'vsee_intake_id'),
      vsee_member_id: orKeep(param('memberId'), 'vsee_member_id'),
      starts_at: orKeep(param('startsAt'), 'starts_at'),
      ends_at: orKeep(param('endsAt'), 'ends_at'),
      visit_type: orKeep(param('visitType'), 'visit_type'),
      updated_at: param('now'),
    })
    .where('id', '=', param('id')),
);

const updateCreated = compiledQuery<
  {
    id: number;
    visitId: string;
    intakeId: string | null;
    status: VisitStatus;
    token: string | null;
    provider: string | null;
    startsAt: number | null;
    endsAt: number | null;
    now: string;
  },
  VisitRecord
>((db, param) =>
  db
    .updateTable('visits')
    .set({
      vsee_visit_id: param('visitId'),
      vsee_intake_id: orKeep(param('intakeId'), 'vsee_intake_id'),
      status: param('status'),
      appointment_token: orKeep(param('token'), 'appointment_token'),
      provider_name: orKeep(param('provider'), 'provider_name'),
      starts_at: orKeep(param('startsAt'), 'starts_at'),
      ends_at: orKeep(param('endsAt'), 'ends_at'),
      status_updated_at: param('now'),
      updated_at: param('now'),
    })
    .where('id', '=', param('id'))
    .where('vsee_visit_id', 'is', null)
    .where('status', 'in', ['starting', 'unknown', 'failed'])
    .returningAll(),
);

async function byLaunchKey(db: Db, accountId: number, launchKey: string) {
  return db
    .selectFrom('visits')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('launch_key', '=', launchKey)
    .executeTakeFirst();
}

/**
 * Claims a launch for a patient, atomically across processes and instances, by two unique indexes:
 * (account, launch key) makes a resubmitted form find its first row; for walk-ins, the partial index
 * `visits_one_open_walkin` lets a patient hold one waiting-room place at a time, so three tabs with
 * three forms end in one visit. A key whose launch failed before VSee created anything, or was
 * abandoned by a dead process, is owned again (its noted intake is read back first by the flow).
 */
export async function claimLaunch(
  db: Db,
  accountId: number,
  kind: VisitKind,
  launchKey: string,
  abandonedAfterMs = ABANDONED_AFTER_MS,
): Promise<LaunchClaim> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const { rows } = await insertClaim(db, { accountId, kind, launchKey, now: nowIso() });
      return { kind: 'owned', record: rows[0]! };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const sameKey = await byLaunchKey(db, accountId, launchKey);
    if (sameKey) {
      try {
        const retaken = await retake(db, sameKey.id, abandonedAfterMs);
        if (retaken) return { kind: 'owned', record: retaken };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Retaking would give the patient a second open walk-in: another one holds the place.
      }
      const current = await byLaunchKey(db, accountId, launchKey);
      if (current && current.status !== 'failed') return { kind: 'same-key', record: current };
    }
    if (kind === 'walkin') {
      const holder = await findHoldingWalkin(db, accountId);
      if (holder) return { kind: 'held', record: holder };
    }
    // The row that was in the way has just settled; claim again.
  }
  throw new Error('could not claim the launch after three attempts');
}

/** Owns a failed or abandoned row again (one conditional UPDATE: only one request can win it). */
async function retake(db: Db, id: number, abandonedAfterMs: number): Promise<VisitRecord | undefined> {
  const now = nowIso();
  const abandonedBefore = new Date(Date.now() - abandonedAfterMs).toISOString();
  return db
    .updateTable('visits')
    .set({ status: 'starting', status_updated_at: now, updated_at: now })
    .where('id', '=', id)
    .where('vsee_visit_id', 'is', null)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'failed'),
        eb.and([eb('status', '=', 'starting'), eb('updated_at', '<', abandonedBefore)]),
      ]),
    )
    .returningAll()
    .executeTakeFirst();
}

/**
 * A launch left `starting` by a process that died becomes `unknown` when it had noted an intake (VSee
 * may have built the visit), else `failed` (no intake, no visit). Returns the row as it is now.
 */
export async function settleAbandoned(
  db: Db,
  record: VisitRecord,
  abandonedAfterMs = ABANDONED_AFTER_MS,
): Promise<VisitRecord> {
  if (record.status !== 'starting') return record;
  const abandonedBefore = new Date(Date.now() - abandonedAfterMs).toISOString();
  const now = nowIso();
  const moved = await db
    .updateTable('visits')
    .set({
      status: record.vsee_intake_id ? 'unknown' : 'failed',
      status_updated_at: now,
      updated_at: now,
    })
    .where('id', '=', record.id)
    .where('status', '=', 'starting')
    .where('updated_at', '<', abandonedBefore)
    .returningAll()
    .executeTakeFirst();
  return moved ?? (await findVisit(db, record.id));
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

/**
 * Records what VSee created for a claimed (or unknown) launch. Only a row that has no visit yet is
 * written, so a late second writer (a takeover that found the same visit) changes nothing.
 */
export async function markCreated(db: Db, id: number, created: CreatedVisit): Promise<VisitRecord> {
  const {
    rows: [moved],
  } = await updateCreated(db, {
    id,
    visitId: created.vseeVisitId,
    // An empty value is "not known", as an absent one: the column keeps what it had.
    intakeId: created.vseeIntakeId || null,
    status: created.status,
    token: created.appointmentToken || null,
    provider: created.providerName || null,
    startsAt: created.startsAt || null,
    endsAt: created.endsAt || null,
    now: nowIso(),
  });
  return moved ?? findVisit(db, id);
}

/** Notes what the launch learned as soon as it knows it, so a later failure still leaves a trace. */
export async function noteLaunch(
  db: Db,
  id: number,
  note: { intakeId?: string; memberId?: string; startsAt?: number; endsAt?: number; visitType?: string },
): Promise<void> {
  await updateNote(db, {
    id,
    intakeId: note.intakeId || null,
    memberId: note.memberId || null,
    startsAt: note.startsAt || null,
    endsAt: note.endsAt || null,
    visitType: note.visitType || null,
    now: nowIso(),
  });
}

/**
 * Releases a launch that created no visit (known for sure), so the same key can try again. `from`:
 * the statuses it may leave (a settlement of someone else's row only ever moves an `unknown` one).
 */
export async function markFailed(
  db: Db,
  id: number,
  from: VisitStatus[] = ['starting', 'unknown'],
): Promise<void> {
  const now = nowIso();
  await db
    .updateTable('visits')
    .set({ status: 'failed', status_updated_at: now, updated_at: now })
    .where('id', '=', id)
    .where('vsee_visit_id', 'is', null)
    .where('status', 'in', from)
    .execute();
}

/** A create whose answer never came: VSee may have made the visit; found out before anything new. */
export async function markUnknown(db: Db, id: number): Promise<void> {
  const now = nowIso();
  await db
    .updateTable('visits')
    .set({ status: 'unknown', status_updated_at: now, updated_at: now })
    .where('id', '=', id)
    .where('vsee_visit_id', 'is', null)
    .where('status', '=', 'starting')
    .execute();
}

/**
 * Waits for another request's launch to leave `starting` (it polls the shared database, so it works
 * across instances). Returns the row as it ended, or as it is when time runs out.
 */
export async function waitForLaunch(
  db: Db,
  id: number,
  timeoutMs: number,
  pollMs = 100,
): Promise<VisitRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await findVisit(db, id);
    if (record.status !== 'starting' || Date.now() >= deadline) return record;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

export async function findVisit(db: Db, id: number): Promise<VisitRecord> {
  return db.selectFrom('visits').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
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

/** The walk-in holding the patient's place in the waiting room: open, being created, or unknown. */
export async function findHoldingWalkin(db: Db, accountId: number): Promise<VisitRecord | undefined> {
  return db
    .selectFrom('visits')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('kind', '=', 'walkin')
    .where('status', 'in', HOLDING_STATUSES)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

// The queries behind every page of visits (dashboard, My visits): compiled once, like the launch's.
// An unsettled launch is one whose outcome is unknown, or one a dead process left starting.
function unsettledOf(db: Db, accountId: number, abandonedBefore: string) {
  return db
    .selectFrom('visits')
    .selectAll()
    .where('account_id', '=', accountId)
    .where((eb) =>
      eb.or([
        eb('status', '=', 'unknown'),
        eb.and([eb('status', '=', 'starting'), eb('updated_at', '<', abandonedBefore)]),
      ]),
    );
}
const selectUnsettled = compiledQuery<{ accountId: number; abandonedBefore: string }, VisitRecord>(
  (db, param) => unsettledOf(db, param('accountId'), param('abandonedBefore')).orderBy('id', 'asc'),
);
const selectUnsettledOfKind = compiledQuery<
  { accountId: number; abandonedBefore: string; kind: VisitKind },
  VisitRecord
>((db, param) =>
  unsettledOf(db, param('accountId'), param('abandonedBefore'))
    .where('kind', '=', param('kind'))
    .orderBy('id', 'asc'),
);
const selectListed = compiledQuery<{ accountId: number }, VisitRecord>((db, param) =>
  db
    .selectFrom('visits')
    .selectAll()
    .where('account_id', '=', param('accountId'))
    .where('status', 'not in', ['starting', 'failed'])
    .orderBy('id', 'desc'),
);

/** The patient's launches whose outcome is not known yet (and ones a dead process left starting). */
export async function findUnsettled(
  db: Db,
  accountId: number,
  kind?: VisitKind,
  abandonedAfterMs = ABANDONED_AFTER_MS,
): Promise<VisitRecord[]> {
  const abandonedBefore = new Date(Date.now() - abandonedAfterMs).toISOString();
  const { rows } = kind
    ? await selectUnsettledOfKind(db, { accountId, abandonedBefore, kind })
    : await selectUnsettled(db, { accountId, abandonedBefore });
  return rows;
}

/** Every visit this patient started from the portal, newest first (failed attempts left out). */
export async function listVisits(db: Db, accountId: number): Promise<VisitRecord[]> {
  return (await selectListed(db, { accountId })).rows;
}
