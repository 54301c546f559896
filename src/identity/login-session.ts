import type { Request } from 'express';
import { recordAudit, type AuditAction } from '../audit/audit-log';
import type { Db } from '../db/connection';
import { findPatientById, type Patient, type VseeCodeSource } from '../portal/accounts';
import { accountForIdentity, type ClaimedIdentity } from './accounts';

/**
 * Logs the patient of a verified identity in: the linked account (created on first use, profile
 * refreshed from the claims) on a fresh session (passport regenerates it: no fixation).
 */
export async function logInIdentity(
  req: Request,
  db: Db,
  claimed: ClaimedIdentity,
  vseeCode: VseeCodeSource,
): Promise<Patient> {
  const accountId = await accountForIdentity(db, claimed);
  const patient = await findPatientById(db, accountId, vseeCode);
  if (!patient) throw new Error('linked account vanished');
  await new Promise<void>((resolve, reject) => req.login(patient, (err) => (err ? reject(err) : resolve())));
  req.session.loggedInAt = Date.now();
  return patient;
}

/** One audit event of an identity login or launch link; a refusal carries its reason word. */
export async function auditIdentity(
  db: Db,
  req: Request,
  action: AuditAction,
  outcome: 'success' | 'failure' | 'rejected',
  accountId: number | null,
  reason?: string,
): Promise<void> {
  await recordAudit(db, {
    accountId,
    action,
    outcome,
    reason,
    requestId: String(req.id),
    ip: req.ip ?? null,
  });
}
