import type { Db } from '../db/connection';

export type AuditAction =
  | 'signup'
  | 'login'
  | 'logout'
  | 'profile_update'
  | 'password_change'
  | 'password_reset'
  | 'email_verify'
  | 'launch_clinic'
  | 'launch_walkin'
  | 'launch_appointment'
  | 'launch_econsult'
  | 'launch_rejoin'
  | 'launch_open_appointment'
  | 'invite';

export interface AuditEntry {
  accountId: number | null;
  action: AuditAction;
  outcome: 'success' | 'failure' | 'rejected';
  vseeVisitId?: string | null;
  requestId?: string | null;
  ip?: string | null;
}

/**
 * Appends one audit event. Only ids and outcomes by design: never a token, password, name,
 * date of birth or reason text (HIPAA minimum necessary; SECURITY.md L2).
 */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      at: new Date().toISOString(),
      account_id: entry.accountId,
      action: entry.action,
      outcome: entry.outcome,
      vsee_visit_id: entry.vseeVisitId ?? null,
      request_id: entry.requestId ?? null,
      ip: entry.ip ?? null,
    })
    .execute();
}
