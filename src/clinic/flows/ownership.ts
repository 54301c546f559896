import { isVseeError, type SsoSession, type VseeError, type VseeVisit } from '../../vsee';
import type { VisitRecord } from '../visit-records';
import { advanceStatus, isFinal, isOpen, markChecked, statusFromVsee } from '../visit-status';
import { audit, type ClinicDeps, type PatientContext, VisitOwnershipError } from './context';

/** What VSee says of one of the patient's stored visits. */
export type VisitCheck =
  | { state: 'open' | 'over'; visit: VseeVisit }
  /** VSee could not be asked just now (it is down or slow): the caller decides what is safe. */
  | { state: 'unreadable'; error: VseeError };

async function refuse(
  deps: ClinicDeps,
  ctx: PatientContext,
  record: VisitRecord,
  reason: string,
): Promise<never> {
  deps.logger.warn({ visitId: record.id, reason }, 'a stored visit is not this patient’s in VSee; refused');
  await audit(deps, ctx, 'visit_ownership', 'rejected', record.vsee_visit_id);
  throw new VisitOwnershipError(reason);
}

/**
 * Reads a stored visit from VSee before any link is built from its id (invite, rejoin, appointment):
 * it must belong to this patient's VSee user. A database restored against another clinic or
 * environment, or a restarted sandbox, would otherwise hand out a live link to someone else's visit.
 * The status VSee reports goes through the one forward-only writer.
 */
export async function checkVisit(
  deps: ClinicDeps,
  ctx: PatientContext,
  record: VisitRecord & { vsee_visit_id: string },
  sso: () => Promise<SsoSession>,
  signal: AbortSignal,
): Promise<VisitCheck> {
  const session = await sso();
  let visit: VseeVisit;
  try {
    visit = await deps.vsee.getVisit(record.vsee_visit_id, session.token, signal);
  } catch (error) {
    if (!isVseeError(error)) throw error;
    // 403: VSee's visit is another patient's; 404: VSee has no such visit at all.
    if (error.kind === 'rejected' && (error.status === 403 || error.status === 404)) {
      return refuse(deps, ctx, record, `vsee_${error.status}`);
    }
    return { state: 'unreadable', error };
  }
  if (visit.memberId !== undefined && visit.memberId !== session.userId) {
    return refuse(deps, ctx, record, 'member_mismatch');
  }
  const status = statusFromVsee(visit.status);
  await advanceStatus(deps.db, { id: record.id }, status);
  await markChecked(deps.db, record.id);
  // Our row may already know more (a webhook said it ended): neither side's end is undone.
  return { state: isOpen(status) && !isFinal(record.status) ? 'open' : 'over', visit };
}
