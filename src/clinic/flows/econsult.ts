import { flowDeadline } from '../../vsee';
import { findVisitForAccount, type VisitRecord } from '../visit-records';
import { type ClinicDeps, type PatientContext, ssoOnce, VisitNotFoundError } from './context';
import { createVisit, launchOnce, type VisitRecipe } from './create-visit';
import { settledEarlier } from './earlier';

function econsultRecipe(deps: ClinicDeps, input: { reason: string; details?: string }): VisitRecipe {
  // The question travels in VSee's documented field; details follow the reason on their own lines.
  const reasonForVisit = input.details ? `${input.reason}\n\n${input.details}` : input.reason;
  return {
    action: 'launch_econsult',
    endpoint: 'visits/add_econsult',
    // The intake needs a type (docs/vsee-contract.md): VSee knows 1 (unscheduled) and 2 (scheduled) and
    // names none for eConsults. An eConsult is unscheduled, so 1; without a type the intake is refused.
    intake: () => ({ kind: 'walkin', reasonForVisit }),
    create: (intakeId, sso, signal) => deps.vsee.addEconsult({ intakeId }, sso.token, signal),
  };
}

/**
 * Ask a doctor (eConsult): SSO → intake → add_econsult, through the one create-visit skeleton. VSee
 * puts it on the dashboards of the room's providers, one of whom accepts it; the patient gets our
 * confirmation page, not a redirect. The same form sent again finds its first eConsult, including one
 * whose answer was lost.
 */
export async function askDoctor(
  deps: ClinicDeps,
  ctx: PatientContext,
  input: { launchKey: string; reason: string; details?: string },
): Promise<VisitRecord> {
  const signal = flowDeadline();
  const sso = ssoOnce(deps, ctx, signal);
  return launchOnce(deps, ctx, 'econsult', input.launchKey, {
    owned: (record) => createVisit(deps, ctx, record, econsultRecipe(deps, input), sso, signal),
    earlier: (claim) => settledEarlier(deps, claim.record, sso, signal),
  });
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
