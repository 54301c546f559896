import { clinicHomePath, flowDeadline, isVseeError, ssoLaunchUrl, visitStartPath } from '../../vsee';
import { createOrRecover, visitFromIntake } from './reconcile';
import {
  claimLaunch,
  findOpenWalkin,
  findVisitForAccount,
  markCreated,
  markFailed,
  noteIntake,
  OPEN_STATUSES,
  statusFromVsee,
  updateStatus,
  type VisitRecord,
} from '../visit-records';
import {
  audit,
  type ClinicDeps,
  identityOf,
  type PatientContext,
  VisitClosedError,
  VisitNotFoundError,
  visitOfEarlierLaunch,
} from './context';

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

/** A fresh SSO token and the call page of a visit VSee already has. */
async function enterVisit(
  deps: ClinicDeps,
  ctx: PatientContext,
  vseeVisitId: string,
  signal: AbortSignal,
): Promise<string> {
  const sso = await deps.vsee.ssoLogin(identityOf(ctx.patient), signal);
  return ssoLaunchUrl(deps.settings, sso.token, visitStartPath(vseeVisitId));
}

/**
 * See a doctor now: SSO → intake (type 1) → walk-in → the visit's call page.
 * - The launch key makes a double-click, refresh or retry land in the same visit.
 * - A patient who already waits in an open walk-in goes back to it instead of queueing twice.
 * - The POSTs to VSee are never retried blindly: a failure shows the patient a "try again" page, and
 *   the key is released only if VSee created nothing.
 */
export async function seeDoctorNow(
  deps: ClinicDeps,
  ctx: PatientContext,
  input: { launchKey: string; reason?: string },
): Promise<string> {
  const signal = flowDeadline();
  const claim = await claimLaunch(deps.db, ctx.patient.id, 'walkin', input.launchKey);
  if (!claim.owned) return sameLaunchAgain(deps, ctx, claim.record, signal);

  let vseeVisitId: string | undefined;
  try {
    // Going back to a walk-in the patient already waits in is not a new visit, so only a press that
    // may create one is counted (SECURITY A4), and before any call to VSee. If VSee says that walk-in
    // is over, the press is counted then, before anything is created.
    const waiting = await findOpenWalkin(deps.db, ctx.patient.id);
    const recorded = waiting && waiting.id !== claim.record.id ? waiting : undefined;
    if (!recorded) await ctx.allowNewVisit?.();
    const sso = await deps.vsee.ssoLogin(identityOf(ctx.patient), signal);
    const open = recorded ? await stillOpen(deps, recorded, sso.token, signal) : undefined;
    if (open) {
      await markFailed(deps.db, claim.record.id);
      await audit(deps, ctx, 'launch_rejoin', 'success', open);
      return ssoLaunchUrl(deps.settings, sso.token, visitStartPath(open));
    }
    if (recorded) await ctx.allowNewVisit?.();
    // A retry of a key whose earlier attempt lost VSee's answer: that visit may exist already.
    const earlierIntake = claim.record.vsee_intake_id;
    const earlier = earlierIntake ? await visitFromIntake(deps, earlierIntake, sso.token) : undefined;
    let intakeId = earlierIntake ?? undefined;
    let created: { id: string; status: string | undefined };
    if (earlier) {
      created = { id: earlier, status: undefined };
    } else {
      const intake = await deps.vsee.createIntake(
        { memberId: sso.userId, kind: 'walkin', reasonForVisit: input.reason },
        sso.token,
        signal,
      );
      intakeId = intake.id;
      await noteIntake(deps.db, claim.record.id, intake.id);
      const result = await createOrRecover(deps, 'visits/add_walkin', intake.id, sso.token, () =>
        deps.vsee.addWalkin({ intakeId: intake.id }, sso.token, signal),
      );
      created = result.recovered
        ? { id: result.visitId, status: undefined }
        : { id: result.visit.id, status: result.visit.status };
    }
    const location = ssoLaunchUrl(deps.settings, sso.token, visitStartPath(created.id));
    vseeVisitId = created.id;
    await markCreated(deps.db, claim.record.id, {
      vseeVisitId: created.id,
      vseeIntakeId: intakeId,
      status: statusFromVsee(created.status),
    });
    await audit(deps, ctx, 'launch_walkin', 'success', created.id);
    return location;
  } catch (error) {
    if (!vseeVisitId) await markFailed(deps.db, claim.record.id);
    await audit(deps, ctx, 'launch_walkin', 'failure', vseeVisitId);
    throw error;
  }
}

/**
 * The same launch key arrived again: wait for the first request if it is still working, then send
 * this one into the visit it created, with a token of its own.
 */
async function sameLaunchAgain(
  deps: ClinicDeps,
  ctx: PatientContext,
  record: VisitRecord,
  signal: AbortSignal,
): Promise<string> {
  const settled = await visitOfEarlierLaunch(deps, record);
  const location = await enterVisit(deps, ctx, settled.vsee_visit_id, signal);
  await audit(deps, ctx, 'launch_rejoin', 'success', settled.vsee_visit_id);
  return location;
}

/**
 * The VSee id of the walk-in our records show open, if VSee agrees it still is. If VSee cannot say,
 * the visit is taken as open (better back to the same queue than twice in it).
 */
async function stillOpen(deps: ClinicDeps, open: VisitRecord, token: string, signal: AbortSignal) {
  if (!open.vsee_visit_id) return undefined;
  try {
    const visit = await deps.vsee.getVisit(open.vsee_visit_id, token, signal);
    const status = statusFromVsee(visit.status);
    if (status !== open.status) await updateStatus(deps.db, open.id, status);
    return OPEN_STATUSES.includes(status) ? open.vsee_visit_id : undefined;
  } catch (error) {
    if (!isVseeError(error)) throw error;
    deps.logger.warn(
      { kind: error.kind },
      'could not check the open walk-in; sending the patient back to it',
    );
    return open.vsee_visit_id;
  }
}

/** Rejoin: back into one of the patient's open visits with a fresh token. */
export async function rejoinVisit(deps: ClinicDeps, ctx: PatientContext, visitId: number): Promise<string> {
  const record = await findVisitForAccount(deps.db, ctx.patient.id, visitId);
  if (!record?.vsee_visit_id || record.kind === 'econsult') throw new VisitNotFoundError('no such visit');
  if (!OPEN_STATUSES.includes(record.status as never)) throw new VisitClosedError('visit is over');
  try {
    const location = await enterVisit(deps, ctx, record.vsee_visit_id, flowDeadline());
    await audit(deps, ctx, 'launch_rejoin', 'success', record.vsee_visit_id);
    return location;
  } catch (error) {
    await audit(deps, ctx, 'launch_rejoin', 'failure', record.vsee_visit_id);
    throw error;
  }
}
