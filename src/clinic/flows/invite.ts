import { flowDeadline, inviteUrl, VseeError } from '../../vsee';
import { findVisitForAccount, type VisitRecord } from '../visit-records';
import { isOpen } from '../visit-status';
import {
  audit,
  type ClinicDeps,
  type PatientContext,
  ssoOnce,
  VisitClosedError,
  VisitNotFoundError,
} from './context';
import { checkVisit } from './ownership';

export interface Invitation {
  record: VisitRecord;
  joinUrl: string;
}

/**
 * Invite someone: reads the visit from VSee (GET /visits/{id}, with the admin token when the clinic
 * configured one, else the patient's own) for its `code`, checks it is this patient's, and builds the
 * join link. The status VSee reports only ever moves ours forward (a webhook may know more).
 */
export async function inviteSomeone(
  deps: ClinicDeps,
  ctx: PatientContext,
  visitId: number,
): Promise<Invitation> {
  const record = await findVisitForAccount(deps.db, ctx.patient.id, visitId);
  if (!record?.vsee_visit_id || record.kind === 'econsult') throw new VisitNotFoundError('no such visit');
  if (!isOpen(record.status)) throw new VisitClosedError('visit is over');
  const signal = flowDeadline();
  try {
    const check = await checkVisit(
      deps,
      ctx,
      record as VisitRecord & { vsee_visit_id: string },
      ssoOnce(deps, ctx, signal),
      signal,
    );
    if (check.state === 'unreadable') throw check.error;
    // A join link of an ended visit leads a guest to "This visit has ended": say so instead.
    if (check.state === 'over') throw new VisitClosedError('visit is over');
    if (!check.visit.code) {
      throw new VseeError('bad_response', 'visits/:id', { invalidFields: ['data.code'] });
    }
    const joinUrl = inviteUrl(deps.settings, check.visit.code);
    await audit(deps, ctx, 'invite', 'success', record.vsee_visit_id);
    return { record: (await findVisitForAccount(deps.db, ctx.patient.id, visitId)) ?? record, joinUrl };
  } catch (error) {
    await audit(deps, ctx, 'invite', 'failure', record.vsee_visit_id);
    throw error;
  }
}
