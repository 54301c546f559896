import { flowDeadline, isVseeError, type SsoSession, type VseeVisit } from '../../vsee';
import {
  type CreatedVisit,
  findUnsettled,
  markCreated,
  markFailed,
  settleAbandoned,
  type VisitKind,
  type VisitRecord,
} from '../visit-records';
import { statusFromVsee } from '../visit-status';
import type { ClinicDeps } from './context';

/** What an unknown outcome turned out to be. */
export type Settled =
  | { kind: 'visit'; record: VisitRecord }
  | { kind: 'none'; record: VisitRecord }
  | { kind: 'unknown'; record: VisitRecord };

/** What VSee's visit type says a visit is ("1" walk-in, "2" scheduled; e-consults: see the contract). */
const TYPE_OF_KIND: Record<VisitKind, string> = { walkin: '1', appointment: '2', econsult: '3' };

/** How far around a launch the admin visit list is searched (VSee filters by the visit's start). */
const SEARCH_MARGIN_S = 15 * 60;

interface Search {
  visit?: { id: string; status?: string };
  /** VSee answered at least one of the look-ups: "no visit" is then a real answer, not silence. */
  readable: boolean;
}

/** The intake read back: the visit built from it, if VSee says one exists. */
async function searchIntake(
  deps: ClinicDeps,
  record: VisitRecord,
  sso: () => Promise<SsoSession>,
  signal: AbortSignal,
): Promise<Search> {
  try {
    const intake = await deps.vsee.getIntake(record.vsee_intake_id!, (await sso()).token, signal);
    return { visit: intake.visitId ? { id: intake.visitId } : undefined, readable: true };
  } catch (error) {
    if (!isVseeError(error)) throw error;
    deps.logger.warn({ kind: error.kind, status: error.status }, 'could not read an intake back');
    return { readable: false };
  }
}

/**
 * The clinic's visit list (admin token only), searched for the visit built from this intake; when
 * VSee's items do not name their intake, for the one visit of this patient and kind around the launch
 * that the portal does not know yet.
 */
async function searchVisitList(deps: ClinicDeps, record: VisitRecord, signal: AbortSignal): Promise<Search> {
  const created = Math.floor(Date.parse(record.created_at) / 1000);
  const from = (record.starts_at ?? created) - SEARCH_MARGIN_S;
  const to = Math.max(record.ends_at ?? 0, Math.floor(Date.now() / 1000)) + SEARCH_MARGIN_S;
  let visits: VseeVisit[];
  try {
    visits = await deps.vsee.listVisits({ startTime: from, endTime: to }, signal);
  } catch (error) {
    if (!isVseeError(error)) throw error;
    deps.logger.warn({ kind: error.kind, status: error.status }, 'could not read the visit list');
    return { readable: false };
  }
  const byIntake = visits.find((v) => v.intakeId !== undefined && v.intakeId === record.vsee_intake_id);
  if (byIntake) return { visit: byIntake, readable: true };
  if (visits.some((v) => v.intakeId !== undefined) || !record.vsee_member_id) return { readable: true };
  const candidates = visits.filter(
    (v) => v.memberId === record.vsee_member_id && v.type === TYPE_OF_KIND[record.kind],
  );
  const unknownToUs = [];
  for (const v of candidates) {
    const known = await deps.db
      .selectFrom('visits')
      .select('id')
      .where('vsee_visit_id', '=', v.id)
      .executeTakeFirst();
    if (!known) unknownToUs.push(v);
  }
  return { visit: unknownToUs.length === 1 ? unknownToUs[0] : undefined, readable: true };
}

/** What a row keeps of VSee's visit beyond its id and status (appointment link token, provider, times). */
export function visitDetails(visit: VseeVisit): Partial<CreatedVisit> {
  const p = visit.provider;
  const providerName = p ? [p.title, p.firstName, p.lastName].filter(Boolean).join(' ') : '';
  return {
    appointmentToken: visit.oneTimeToken,
    providerName: providerName || undefined,
    startsAt: visit.start,
    endsAt: visit.end,
  };
}

/**
 * The found visit read in full, for what the lost answer would have told (a booking's link token, its
 * provider). Without it the row keeps the id alone: the patient still lands in the right visit.
 */
async function readFound(
  deps: ClinicDeps,
  found: { id: string; status?: string },
  sso: () => Promise<SsoSession>,
  signal: AbortSignal,
): Promise<VseeVisit | undefined> {
  try {
    return await deps.vsee.getVisit(found.id, (await sso()).token, signal);
  } catch (error) {
    if (!isVseeError(error)) throw error;
    return undefined;
  }
}

/**
 * Finds out what VSee did with a create whose answer never came: the intake read back, then the
 * admin visit list when an admin token is configured. A visit found is recorded. "No visit" is
 * believed only once VSee answered and the late-create grace has passed (VSee can do the work after
 * our timeout); until then the outcome stays unknown and nothing new is created.
 */
export async function settleOutcome(
  deps: ClinicDeps,
  unsettled: VisitRecord,
  sso: () => Promise<SsoSession>,
  signal: AbortSignal = flowDeadline(5_000),
): Promise<Settled> {
  const record = await settleAbandoned(deps.db, unsettled, deps.abandonedAfterMs);
  if (record.vsee_visit_id) return { kind: 'visit', record };
  if (record.status === 'failed') return { kind: 'none', record };
  if (record.status !== 'unknown') return { kind: 'unknown', record };

  let search: Search;
  if (record.vsee_intake_id) {
    search = await searchIntake(deps, record, sso, signal);
    if (!search.visit && deps.settings.adminToken) {
      const listed = await searchVisitList(deps, record, signal);
      search = { visit: listed.visit, readable: search.readable || listed.readable };
    }
  } else {
    // No intake was ever made, so no visit can have been built from one.
    search = { readable: true };
  }

  if (search.visit) {
    const visit = await readFound(deps, search.visit, sso, signal);
    const found = await markCreated(deps.db, record.id, {
      vseeVisitId: search.visit.id,
      status: statusFromVsee(visit?.status ?? search.visit.status),
      ...(visit ? visitDetails(visit) : {}),
    });
    deps.logger.info({ visitId: record.id }, 'found the visit of a create whose answer was lost');
    return { kind: 'visit', record: found };
  }
  const age = Date.now() - Date.parse(record.status_updated_at);
  if (search.readable && (age >= (deps.lateCreateGraceMs ?? 30_000) || !record.vsee_intake_id)) {
    await markFailed(deps.db, record.id, ['unknown']);
    return { kind: 'none', record: { ...record, status: 'failed' } };
  }
  return { kind: 'unknown', record };
}

/**
 * Settles every unknown outcome of the patient (of one kind, or all), each once; used before a new
 * create of the same kind and whenever My visits or the dashboard is shown. Never throws for VSee.
 */
export async function settleUnknownOutcomes(
  deps: ClinicDeps,
  accountId: number,
  sso: () => Promise<SsoSession>,
  options: { kind?: VisitKind; signal?: AbortSignal } = {},
): Promise<Settled[]> {
  const unsettled = await findUnsettled(deps.db, accountId, options.kind, deps.abandonedAfterMs);
  const results: Settled[] = [];
  for (const record of unsettled) {
    try {
      results.push(await settleOutcome(deps, record, sso, options.signal));
    } catch (error) {
      if (!isVseeError(error)) throw error;
      results.push({ kind: 'unknown', record });
    }
  }
  return results;
}
