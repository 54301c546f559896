import { flowDeadline, inviteUrl, VseeError } from '../../vsee';
import {
  findVisitForAccount,
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
} from './context';

export interface Invitation {
  record: VisitRecord;
  joinUrl: string;
}

/**
 * Invite someone: reads the visit from VSee (GET /visits/{id}, with the admin token when the clinic
 * configured one, else the patient's own) for its `code`, and builds the join link.
 */
export async function inviteSomeone(
  deps: ClinicDeps,
  ctx: PatientContext,
  visitId: number,
): Promise<Invitation> {
  const record = await findVisitForAccount(deps.db, ctx.patient.id, visitId);
  if (!record?.vsee_visit_id || record.kind === 'econsult') throw new VisitNotFoundError('no such visit');
  if (!OPEN_STATUSES.includes(record.status as never)) throw new VisitClosedError('visit is over');
  const signal = flowDeadline();
  try {
    const token = deps.settings.adminToken
      ? undefined
      : (await deps.vsee.ssoLogin(identityOf(ctx.patient), signal)).token;
    const visit = await deps.vsee.getVisit(record.vsee_visit_id, token, signal);
    // VSee's answer carries the visit's current status, which our row may not know yet (we learn it
    // only on such reads). A join link of an ended visit leads a guest to "This visit has ended", so
    // record what VSee says and tell the patient instead of handing out a dead link.
    const status = statusFromVsee(visit.status);
    if (status !== record.status) await updateStatus(deps.db, record.id, status);
    if (!OPEN_STATUSES.includes(status)) throw new VisitClosedError('visit is over');
    if (!visit.code) throw new VseeError('bad_response', 'visits/:id', { invalidFields: ['data.code'] });
    const joinUrl = inviteUrl(deps.settings, visit.code);
    await audit(deps, ctx, 'invite', 'success', record.vsee_visit_id);
    return { record, joinUrl };
  } catch (error) {
    await audit(deps, ctx, 'invite', 'failure', record.vsee_visit_id);
    throw error;
  }
}
