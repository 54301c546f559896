import { clinicHomePath, flowDeadline, type SsoSession, ssoLaunchUrl, visitStartPath } from '../../vsee';
import { findVisitForAccount, type VisitRecord } from '../visit-records';
import { isOpen } from '../visit-status';
import {
  audit,
  type ClinicDeps,
  identityOf,
  type PatientContext,
  ssoOnce,
  VisitClosedError,
  VisitNotFoundError,
} from './context';
import { createVisit, launchOnce, type VisitRecipe } from './create-visit';
import { settledEarlier } from './earlier';
import { checkVisit } from './ownership';

/** Go to Clinic: a fresh SSO token and the clinic dashboard. Creates no visit. */
export async function goToClinic(deps: ClinicDeps, ctx: PatientContext): Promise<string> {
  try {
    const sso = await deps.vsee.ssoLogin(identityOf(ctx.patient), flowDeadline());
    await audit(deps, ctx, 'launch_clinic', 'success');
    return ssoLaunchUrl(deps.settings, sso.token, clinicHomePath());
  } catch (error) {
    await audit(deps, ctx, 'launch_clinic', 'failure');
    throw error;
  }
}

function walkinRecipe(deps: ClinicDeps, reason: string | undefined): VisitRecipe {
  return {
    action: 'launch_walkin',
    endpoint: 'visits/add_walkin',
    intake: () => ({ kind: 'walkin', reasonForVisit: reason }),
    create: (intakeId, sso, signal) => deps.vsee.addWalkin({ intakeId }, sso.token, signal),
  };
}

async function enter(deps: ClinicDeps, sso: () => Promise<SsoSession>, vseeVisitId: string) {
  return ssoLaunchUrl(deps.settings, (await sso()).token, visitStartPath(vseeVisitId));
}

/**
 * See a doctor now: SSO → intake (type 1) → walk-in → the visit's call page, exactly once per intent.
 * - The same form again (double-click, refresh, retry) lands in the visit its first press made.
 * - A patient holds one place in the waiting room (a database index): a press from another tab,
 *   device or instance goes back to the walk-in that holds it while VSee says it is open.
 * - A create whose answer never came is found out first (docs/exactly-once.md); while VSee cannot
 *   say, the patient sees the page that checks by itself, never a second visit.
 */
export async function seeDoctorNow(
  deps: ClinicDeps,
  ctx: PatientContext,
  input: { launchKey: string; reason?: string },
): Promise<string> {
  const signal = flowDeadline();
  const sso = ssoOnce(deps, ctx, signal);
  return launchOnce(deps, ctx, 'walkin', input.launchKey, {
    owned: async (record) => {
      const created = await createVisit(deps, ctx, record, walkinRecipe(deps, input.reason), sso, signal);
      return enter(deps, sso, created.vsee_visit_id!);
    },
    // The walk-in in the way may turn out to be over, or never made: it then holds no place; claim again.
    earlier: (claim) => backToEarlier(deps, ctx, claim.record, claim.kind === 'same-key', sso, signal),
  });
}

/**
 * Back into the walk-in of an earlier press while VSee says it is open. If VSee cannot say, the
 * patient goes back to it (better the same queue again than twice in it). Undefined when it is over
 * or was never made; for the same form, a visit that is over is said so.
 */
async function backToEarlier(
  deps: ClinicDeps,
  ctx: PatientContext,
  earlier: VisitRecord,
  sameForm: boolean,
  sso: () => Promise<SsoSession>,
  signal: AbortSignal,
): Promise<string | undefined> {
  const record = await settledEarlier(deps, earlier, sso, signal);
  if (!record) return undefined;
  const check = await checkVisit(deps, ctx, record as VisitRecord & { vsee_visit_id: string }, sso, signal);
  if (check.state === 'unreadable') {
    deps.logger.warn(
      { visitId: record.id },
      'could not check the open walk-in; sending the patient back to it',
    );
  }
  if (check.state === 'over') {
    if (sameForm) throw new VisitClosedError('the visit of this form is over');
    return undefined;
  }
  const location = await enter(deps, sso, record.vsee_visit_id!);
  await audit(deps, ctx, 'launch_rejoin', 'success', record.vsee_visit_id);
  return location;
}

/** Rejoin: back into one of the patient's open visits with a fresh token, once VSee says it is theirs. */
export async function rejoinVisit(deps: ClinicDeps, ctx: PatientContext, visitId: number): Promise<string> {
  const record = await findVisitForAccount(deps.db, ctx.patient.id, visitId);
  if (!record?.vsee_visit_id || record.kind === 'econsult') throw new VisitNotFoundError('no such visit');
  if (!isOpen(record.status)) throw new VisitClosedError('visit is over');
  const signal = flowDeadline();
  const sso = ssoOnce(deps, ctx, signal);
  try {
    const check = await checkVisit(deps, ctx, record as VisitRecord & { vsee_visit_id: string }, sso, signal);
    if (check.state === 'over') throw new VisitClosedError('visit is over');
    // Without VSee's word the visit cannot be checked to be this patient's: no link is built.
    if (check.state === 'unreadable') throw check.error;
    const location = await enter(deps, sso, record.vsee_visit_id);
    await audit(deps, ctx, 'launch_rejoin', 'success', record.vsee_visit_id);
    return location;
  } catch (error) {
    await audit(deps, ctx, 'launch_rejoin', 'failure', record.vsee_visit_id);
    throw error;
  }
}
