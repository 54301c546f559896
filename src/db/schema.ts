import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

// Timestamps are ISO-8601 UTC strings (`toISOString()`), the same on SQLite and PostgreSQL,
// so that one query works on both and string order equals time order.

export interface AccountsTable {
  id: Generated<number>;
  /** Trimmed and lower-cased at the door, so the unique index is case-insensitive. */
  email: string;
  password_hash: string;
  first_name: string;
  last_name: string;
  /** YYYY-MM-DD */
  dob: string;
  /** Opaque stable id sent to VSee as the SSO `code`; never the email, never changes. */
  vsee_code: string;
  /** Bumped on a password change: sessions carrying an older version are logged out. */
  session_version: Generated<number>;
  /** The language the patient chose (`?lang=`); null: the browser's. */
  language: Generated<string | null>;
  created_at: string;
  updated_at: string;
}

export interface VisitsTable {
  id: Generated<number>;
  account_id: number;
  kind: 'walkin' | 'appointment' | 'econsult';
  /** One-time key of the launch form: a retry of the same key finds this row instead of a new visit. */
  launch_key: string;
  vsee_visit_id: string | null;
  vsee_intake_id: string | null;
  /** One-time appointment token for `members/appointment/{id}?token=` (appointments only). */
  appointment_token: string | null;
  provider_name: string | null;
  /** Unix seconds of the booked slot (appointments). */
  starts_at: number | null;
  ends_at: number | null;
  /** pending → created (VSee has it) or failed; then VSee's status words. */
  status: string;
  /** When the status last changed (from VSee's event time when a webhook told us). */
  status_updated_at: string;
  /** When the portal last confirmed the status with VSee (GET /visits/:id); null until it does. */
  status_checked_at: Generated<string | null>;
  created_at: string;
  updated_at: string;
}

/** Ids of VSee webhook events already applied, so a replay changes nothing. */
export interface WebhookEventsTable {
  event_id: string;
  received_at: string;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: string;
  account_id: number | null;
  action: string;
  outcome: string;
  vsee_visit_id: string | null;
  request_id: string | null;
  ip: string | null;
}

export interface SessionsTable {
  sid: string;
  /** JSON of the express-session data. */
  sess: string;
  expires_at: string;
}

/** One agreement to one version of the clinic's telehealth consent text. */
export interface ConsentsTable {
  id: Generated<number>;
  account_id: number;
  /** sha256 of the text agreed to. */
  version: string;
  /** The text itself, so the patient can read what they agreed to after the file changes. */
  text: string;
  agreed_at: string;
  ip: string | null;
}

export interface Database {
  accounts: AccountsTable;
  visits: VisitsTable;
  audit_events: AuditEventsTable;
  sessions: SessionsTable;
  webhook_events: WebhookEventsTable;
  consents: ConsentsTable;
}

export type Account = Selectable<AccountsTable>;
export type NewAccount = Insertable<AccountsTable>;
export type AccountUpdate = Updateable<AccountsTable>;
export type Visit = Selectable<VisitsTable>;
export type NewVisit = Insertable<VisitsTable>;
export type AuditEvent = Selectable<AuditEventsTable>;
