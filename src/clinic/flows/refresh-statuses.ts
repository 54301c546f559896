import { isVseeError } from '../../vsee';
import { findVisitForAccount, listVisits, type VisitRecord } from '../visit-records';
import { advanceStatus, isOpen, lastKnownAt, markChecked, statusFromVsee } from '../visit-status';
import { type ClinicDeps, identityOf, type PatientContext, ssoOnce, VisitNotFoundError } from './context';
import { settleUnknownOutcomes } from './outcomes';

export interface RefreshOptions {
  /** A status confirmed or changed more recently than this is trusted as is (default one minute). */
  staleMs?: number;
  /** At most this many GET /visits/:id at once (default 3). */
  concurrency?: number;
  /** The whole refresh, SSO included, gives up after this (default 2 s): the page must not wait long. */
  timeoutMs?: number;
}

/** Visits as the patient should see them, and the ones VSee could not be asked about just now. */
export interface FreshVisits {
  records: VisitRecord[];
  /** Ids whose refresh failed: the page shows their last known status and when it was last updated. */
  unchecked: Set<number>;
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * The fallback for missed webhooks: open visits whose status is older than a minute are read again
 * from VSee (GET /visits/:id; with the admin token when configured, else one SSO for the whole page).
 * A failure keeps the last known status; it never fails the page. Returns the ids it refreshed.
 */
export async function refreshStatuses(
  deps: ClinicDeps,
  ctx: PatientContext,
  records: VisitRecord[],
  options: RefreshOptions = {},
): Promise<{ refreshed: number[]; unchecked: Set<number> }> {
  const { staleMs = 60_000, concurrency = 3, timeoutMs = 2_000 } = options;
  const now = Date.now();
  const stale = records.filter(
    (r) => r.vsee_visit_id !== null && isOpen(r.status) && now - Date.parse(lastKnownAt(r)) > staleMs,
  );
  const refreshed: number[] = [];
  const unchecked = new Set<number>();
  if (stale.length === 0) return { refreshed, unchecked };

  const signal = AbortSignal.timeout(timeoutMs);
  let token: Promise<string | undefined> | undefined;
  const tokenOnce = () =>
    (token ??= deps.settings.adminToken
      ? Promise.resolve(undefined)
      : deps.vsee.ssoLogin(identityOf(ctx.patient), signal).then((s) => s.token));

  await forEachLimited(stale, concurrency, async (record) => {
    try {
      const visit = await deps.vsee.getVisit(record.vsee_visit_id!, await tokenOnce(), signal);
      await advanceStatus(deps.db, { id: record.id }, statusFromVsee(visit.status), new Date());
      await markChecked(deps.db, record.id);
      refreshed.push(record.id);
    } catch (error) {
      unchecked.add(record.id);
      deps.logger.warn(
        { visitId: record.id, reason: isVseeError(error) ? error.kind : (error as Error)?.name },
        'could not refresh a visit status; showing the last known one',
      );
    }
  });
  return { refreshed, unchecked };
}

/**
 * Finds out what VSee did with the patient's creates whose answer was lost (bounded: the page must not
 * wait long). Returns how many are still unknown.
 */
export async function settleForPage(
  deps: ClinicDeps,
  ctx: PatientContext,
  timeoutMs = 2_000,
): Promise<VisitRecord[]> {
  const signal = AbortSignal.timeout(timeoutMs);
  const settled = await settleUnknownOutcomes(deps, ctx.patient.id, ssoOnce(deps, ctx, signal), { signal });
  return settled.filter((s) => s.kind === 'unknown').map((s) => s.record);
}

/**
 * My visits: the patient's visits, with unknown outcomes settled and stale open statuses refreshed
 * from VSee first.
 */
export async function listVisitsFresh(
  deps: ClinicDeps,
  ctx: PatientContext,
  options?: RefreshOptions,
): Promise<FreshVisits> {
  await settleForPage(deps, ctx, options?.timeoutMs);
  const records = await listVisits(deps.db, ctx.patient.id);
  const { refreshed, unchecked } = await refreshStatuses(deps, ctx, records, options);
  return {
    records: refreshed.length > 0 ? await listVisits(deps.db, ctx.patient.id) : records,
    unchecked,
  };
}

/** One of the patient's own visits (404 otherwise), its status refreshed from VSee when stale. */
export async function findVisitFresh(
  deps: ClinicDeps,
  ctx: PatientContext,
  id: number,
  options?: RefreshOptions,
): Promise<{ record: VisitRecord; unchecked: boolean }> {
  const record = await findVisitForAccount(deps.db, ctx.patient.id, id);
  if (!record || record.status === 'starting' || record.status === 'failed') {
    throw new VisitNotFoundError('no such visit');
  }
  const { refreshed, unchecked } = await refreshStatuses(deps, ctx, [record], options);
  const fresh = refreshed.length > 0 ? await findVisitForAccount(deps.db, ctx.patient.id, id) : record;
  return { record: fresh ?? record, unchecked: unchecked.has(id) };
}
