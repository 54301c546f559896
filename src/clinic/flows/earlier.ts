import type { SsoSession } from '../../vsee';
import { settleAbandoned, type VisitRecord } from '../visit-records';
import { afterEarlierLaunch, type ClinicDeps, OutcomeUnknownError } from './context';
import { settleOutcome } from './outcomes';

/**
 * The row of an earlier press (the same form again, or another walk-in holding the patient's place),
 * settled: waits for it if it is still talking to VSee, finds out what VSee did if its answer was
 * lost. Returns the row when it has a visit, undefined when it turned out to have made none (the
 * caller claims again). Throws OutcomeUnknownError while that cannot be known: never a new visit blindly.
 */
export async function settledEarlier(
  deps: ClinicDeps,
  record: VisitRecord,
  sso: () => Promise<SsoSession>,
  signal: AbortSignal,
): Promise<VisitRecord | undefined> {
  let current = await afterEarlierLaunch(deps, record);
  if (current.status === 'starting') current = await settleAbandoned(deps.db, current, deps.abandonedAfterMs);
  if (current.status === 'starting') throw new OutcomeUnknownError('an earlier request is still in progress');
  if (current.status === 'unknown') {
    const settled = await settleOutcome(deps, current, sso, signal);
    if (settled.kind === 'unknown') throw new OutcomeUnknownError('an earlier request is not settled yet');
    current = settled.record;
  }
  return current.vsee_visit_id ? current : undefined;
}
