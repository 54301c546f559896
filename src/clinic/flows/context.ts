import { recordAudit, type AuditAction } from '../../audit/audit-log';
import type { VseeSettings } from '../../config';
import type { Db } from '../../db/connection';
import type { Patient } from '../../portal/accounts';
import type { Logger } from '../../web/logger';
import { type VisitRecord, waitForLaunch } from '../visit-records';
import type { PatientIdentity, VseeClient } from '../../vsee';

/** What every clinic flow needs; built once per app. */
export interface ClinicDeps {
  db: Db;
  vsee: VseeClient;
  settings: VseeSettings;
  logger: Logger;
  /** How long a second request for the same launch key waits for the first (default 15 s). */
  launchWaitMs?: number;
}

/** Who is asking, for the flow and its audit trail. */
export interface PatientContext {
  patient: Patient;
  requestId: string;
  ip: string | null;
  /**
   * Called once a launch owns a new visit, before VSee is asked for it; throws to refuse (the
   * per-minute limit, SECURITY A4). A double-click or a retry of the same launch key owns nothing,
   * so it is never counted: the launch-key row decides, across instances.
   */
  allowNewVisit?: () => Promise<void>;
}

/** The visit asked for is not one of this patient's (or does not exist): the same answer for both. */
export class VisitNotFoundError extends Error {
  override name = 'VisitNotFoundError';
}

/** The visit exists but the action no longer makes sense (e.g. rejoining a completed visit). */
export class VisitClosedError extends Error {
  override name = 'VisitClosedError';
}

/** Another request with the same launch key is still talking to VSee after the wait. */
export class LaunchBusyError extends Error {
  override name = 'LaunchBusyError';
}

/**
 * Who the patient is to VSee. `code` is the account's opaque id, never the email, so a renamed or
 * re-emailed patient stays the same VSee user; the profile fields are read fresh on every launch.
 */
export function identityOf(patient: Patient): PatientIdentity {
  return {
    code: patient.vseeCode,
    firstName: patient.firstName,
    lastName: patient.lastName,
    dob: patient.dob,
    email: patient.email,
  };
}

/** Appends the flow's audit event; never lets an audit failure hide the flow's own outcome. */
export async function audit(
  deps: ClinicDeps,
  ctx: PatientContext,
  action: AuditAction,
  outcome: 'success' | 'failure',
  vseeVisitId?: string | null,
): Promise<void> {
  try {
    await recordAudit(deps.db, {
      accountId: ctx.patient.id,
      action,
      outcome,
      vseeVisitId,
      requestId: ctx.requestId,
      ip: ctx.ip,
    });
  } catch (error) {
    deps.logger.error({ err: error, action }, 'could not write the audit event');
  }
}

/**
 * The visit that an earlier request with the same launch key created: waits for that request if it is
 * still talking to VSee (polling the shared database, so across instances too). LaunchBusyError if it
 * has not finished in time or created nothing.
 */
export async function visitOfEarlierLaunch(
  deps: ClinicDeps,
  record: VisitRecord,
): Promise<VisitRecord & { vsee_visit_id: string }> {
  const settled =
    record.status === 'starting'
      ? await waitForLaunch(deps.db, record.id, deps.launchWaitMs ?? 15_000)
      : record;
  if (!settled.vsee_visit_id) throw new LaunchBusyError('launch still in progress');
  return settled as VisitRecord & { vsee_visit_id: string };
}
