import { recordAudit, type AuditAction } from '../../audit/audit-log';
import type { VseeSettings } from '../../config';
import type { Db } from '../../db/connection';
import type { Patient } from '../../portal/accounts';
import type { Logger } from '../../web/logger';
import { ABANDONED_AFTER_MS, type VisitRecord, waitForLaunch } from '../visit-records';
import type { PatientIdentity, SsoSession, VseeClient } from '../../vsee';

/** What every clinic flow needs; built once per app. */
export interface ClinicDeps {
  db: Db;
  vsee: VseeClient;
  settings: VseeSettings;
  logger: Logger;
  /** How long a second request for the same launch key waits for the first (default 15 s). */
  launchWaitMs?: number;
  /** After this long a launch still `starting` is taken for abandoned by a dead process (default 30 s). */
  abandonedAfterMs?: number;
  /**
   * How long after a create whose answer was lost VSee may still make the visit (it can do the work
   * after our timeout). Until then an intake with no visit proves nothing (default 30 s).
   */
  lateCreateGraceMs?: number;
  /** How long the "we are checking" page keeps checking by itself before it says what to do (default 2 min). */
  checkingForMs?: number;
}

/** Who is asking, for the flow and its audit trail. */
export interface PatientContext {
  patient: Patient;
  requestId: string;
  ip: string | null;
  /**
   * Called once a launch owns a new visit, before VSee is asked for it; throws to refuse (the
   * per-minute limit, docs/security.md A4). A double-click or a retry of the same launch key owns nothing,
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

/**
 * An earlier request's outcome is not known yet: its create answer never came and VSee cannot say yet
 * whether it made the visit, or it is still talking to VSee. Nothing new is created meanwhile; the
 * patient sees the page that checks by itself.
 */
export class OutcomeUnknownError extends Error {
  override name = 'OutcomeUnknownError';
}

/**
 * A stored VSee visit id that VSee says is not this patient's (a database restored against another
 * clinic or environment, a restarted sandbox): refused, never turned into a link.
 */
export class VisitOwnershipError extends Error {
  override name = 'VisitOwnershipError';
}

/** One SSO per flow, made only when a step needs it (the flow's own deadline bounds it). */
export function ssoOnce(
  deps: ClinicDeps,
  ctx: PatientContext,
  signal: AbortSignal,
): () => Promise<SsoSession> {
  let session: Promise<SsoSession> | undefined;
  return () => (session ??= deps.vsee.ssoLogin(identityOf(ctx.patient), signal));
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
  outcome: 'success' | 'failure' | 'rejected' | 'unknown',
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
 * Waits for an earlier request of the same patient if it is still talking to VSee (polling the shared
 * database, so across instances too); returns its row as it is then.
 */
export async function afterEarlierLaunch(deps: ClinicDeps, record: VisitRecord): Promise<VisitRecord> {
  if (record.status !== 'starting') return record;
  // No point waiting past the moment the launch counts as abandoned (its process died).
  const untilAbandoned =
    Date.parse(record.updated_at) + (deps.abandonedAfterMs ?? ABANDONED_AFTER_MS) - Date.now();
  const waitMs = Math.min(deps.launchWaitMs ?? 15_000, Math.max(0, untilAbandoned) + 50);
  return waitForLaunch(deps.db, record.id, waitMs);
}
