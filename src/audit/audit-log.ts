import { compiledQuery } from '../db/compiled';
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
  | 'invite'
  /** A stored visit id that VSee says is not this patient's: refused, never linked. */
  | 'visit_ownership'
  | 'oidc_login'
  | 'launch_link';

export interface AuditEntry {
  accountId: number | null;
  action: AuditAction;
  /** `unknown`: a create whose answer never came; what VSee did is found out later. */
  outcome: 'success' | 'failure' | 'rejected' | 'unknown';
  vseeVisitId?: string | null;
  requestId?: string | null;
  ip?: string | null;
  /** Why it was refused: a fixed word (`replayed`, `expired`…), never text from the request. */
  reason?: string | null;
}

/**
 * Appends one audit event. Only ids and outcomes by design: never a token, password, name,
 * date of birth or reason text (HIPAA minimum necessary; docs/security.md L2).
 */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await insertAudit(db, {
    at: new Date().toISOString(),
    accountId: entry.accountId,
    action: entry.action,
    outcome: entry.outcome,
    vseeVisitId: entry.vseeVisitId ?? null,
    requestId: entry.requestId ?? null,
    ip: entry.ip ?? null,
    reason: entry.reason || null,
  });
}

type AuditRow = Required<{ [K in keyof AuditEntry]: Exclude<AuditEntry[K], undefined> }> & { at: string };

// Every launch and login writes one: built and compiled once (src/db/compiled.ts).
const insertAudit = compiledQuery<AuditRow, never>((db, param) =>
  db.insertInto('audit_events').values({
    at: param('at'),
    account_id: param('accountId'),
    action: param('action'),
    outcome: param('outcome'),
    vsee_visit_id: param('vseeVisitId'),
    request_id: param('requestId'),
    ip: param('ip'),
    reason: param('reason'),
  }),
);
