import { flowDeadline } from '../../vsee';
import { createOrRecover, visitFromIntake } from './reconcile';
import {
  claimLaunch,
  findVisitForAccount,
  markCreated,
  markFailed,
  noteIntake,
  statusFromVsee,
  type VisitRecord,
} from '../visit-records';
import {
  audit,
  type ClinicDeps,
  identityOf,
  type PatientContext,
  VisitNotFoundError,
  visitOfEarlierLaunch,
} from './context';

/**
 * Ask a doctor (eConsult): SSO → intake → add_econsult. VSee puts it on the dashboards of the room's
 * providers, one of whom accepts it; the patient gets our confirmation page, not a redirect.
 */
export async function askDoctor(
  deps: ClinicDeps,
  ctx: PatientContext,
  input: { launchKey: string; reason: string; details?: string },
): Promise<VisitRecord> {
  const claim = await claimLaunch(deps.db, ctx.patient.id, 'econsult', input.launchKey);
  if (!claim.owned) return visitOfEarlierLaunch(deps, claim.record);
  const signal = flowDeadline();
  try {
    await ctx.allowNewVisit?.();
    const sso = await deps.vsee.ssoLogin(identityOf(ctx.patient), signal);
    // A retry of a key whose earlier attempt lost VSee's answer: that eConsult may exist already.
    const earlierIntake = claim.record.vsee_intake_id;
    const earlier = earlierIntake ? await visitFromIntake(deps, earlierIntake, sso.token) : undefined;
    if (earlier) {
      const record = await markCreated(deps.db, claim.record.id, {
        vseeVisitId: earlier,
        vseeIntakeId: earlierIntake ?? undefined,
        status: 'pending',
      });
      await audit(deps, ctx, 'launch_econsult', 'success', earlier);
      return record;
    }
    // The question travels in VSee's documented field; details follow the reason on their own lines.
    const reasonForVisit = input.details ? `${input.reason}\n\n${input.details}` : input.reason;
    // The intake needs a type (docs/vsee-contract.md): VSee knows 1 (unscheduled) and 2 (scheduled) and
    // names none for eConsults (VSEE_API.md §12). An eConsult is unscheduled, so 1. Without a type the
    // intake was refused with 400 and no eConsult could ever be sent.
    const intake = await deps.vsee.createIntake(
      { memberId: sso.userId, kind: 'walkin', reasonForVisit },
      sso.token,
      signal,
    );
    await noteIntake(deps.db, claim.record.id, intake.id);
    const result = await createOrRecover(deps, 'visits/add_econsult', intake.id, sso.token, () =>
      deps.vsee.addEconsult({ intakeId: intake.id }, sso.token, signal),
    );
    const vseeVisitId = result.recovered ? result.visitId : result.visit.id;
    const record = await markCreated(deps.db, claim.record.id, {
      vseeVisitId,
      vseeIntakeId: intake.id,
      status: statusFromVsee(result.recovered ? undefined : result.visit.status),
    });
    await audit(deps, ctx, 'launch_econsult', 'success', vseeVisitId);
    return record;
  } catch (error) {
    await markFailed(deps.db, claim.record.id);
    await audit(deps, ctx, 'launch_econsult', 'failure');
    throw error;
  }
}

/** One of the patient's eConsults, for its confirmation page. */
export async function findEconsult(
  deps: ClinicDeps,
  ctx: PatientContext,
  visitId: number,
): Promise<VisitRecord> {
  const record = await findVisitForAccount(deps.db, ctx.patient.id, visitId);
  if (!record || record.kind !== 'econsult' || !record.vsee_visit_id)
    throw new VisitNotFoundError('no such eConsult');
  return record;
}
