import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { VisitStatus } from '../clinic/visit-status';

// Timestamps are ISO-8601 UTC strings (`toISOString()`), the same on SQLite and PostgreSQL,
// so that one query works on both and string order equals time order.

export interface AccountsTable {
  id: Generated<number>;
  /** Trimmed and lower-cased at the door, so the unique index is case-insensitive. */
  email: string;
  /** Null for accounts from the clinic's identity provider or launch links: they never use a password. */
  password_hash: string | null;
  first_name: string;
  last_name: string;
  /** YYYY-MM-DD */
  dob: string;
  /** Opaque stable id sent to VSee as the SSO `code`; never the email, never changes. */
  vsee_code: string;
  /** Bumped on a password change: sessions carrying an older version are logged out. */
  session_version: Generated<number>;
  /** When the current email was confirmed through a link; null until then (and again after a change). */
  email_verified_at: Generated<string | null>;
  /** 1: appointment reminders by email (the default); 0: the patient turned them off. */
  reminders_enabled: Generated<number>;
  /** The IANA zone of the patient's last booking, for the times written in emails. */
  time_zone: Generated<string | null>;
  /** The language the patient chose (`?lang=`), else the one they signed up in; null: the browser's. */
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
  /** The visit type the patient chose when booking, as the clinic describes it (appointments). */
  visit_type: Generated<string | null>;
  /** starting → a VSee status, failed, or unknown (see src/clinic/visit-status.ts). */
  status: VisitStatus;
  /** When the status last changed (from VSee's event time when a webhook told us). */
  status_updated_at: string;
  /** When the portal last confirmed the status with VSee (GET /visits/:id); null until it does. */
  status_checked_at: Generated<string | null>;
  /** The patient's VSee user id when the launch ran: a stored visit must belong to it. */
  vsee_member_id: Generated<string | null>;
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
  /** Why a login or launch link was refused: a fixed word such as `replayed`, never request text. */
  reason: Generated<string | null>;
}

/** Who an account is at the clinic's identity provider or portal: (issuer, subject), never an email. */
export interface IdentitiesTable {
  issuer: string;
  subject: string;
  account_id: number;
  created_at: string;
}

/** Launch-link token ids already used (issuer + jti, hashed), kept until the token expires. */
export interface LaunchTokenUsesTable {
  token_key: string;
  expires_at: string;
}

export interface SessionsTable {
  sid: string;
  /** JSON of the express-session data. */
  sess: string;
  expires_at: string;
}

/** Single-use links (password reset, email verification); only a hash of the token is kept. */
export interface EmailTokensTable {
  token_hash: string;
  account_id: number;
  purpose: 'reset' | 'verify';
  email: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

/** Emails waiting to be sent (or sent); bodies are blanked once sent or given up on. */
export interface OutboxTable {
  id: Generated<number>;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  calendar: string | null;
  attempts: Generated<number>;
  next_attempt_at: string;
  /** A sender working on the row holds it until then; another may take it over afterwards. */
  claimed_until: string | null;
  sent_at: string | null;
  failed_at: string | null;
  /** An SMTP code or error name, never the server's text (it may quote the message). */
  last_error: string | null;
  created_at: string;
}

/** One row per (appointment, reminder offset): the primary key makes each reminder sent once. */
export interface ReminderClaimsTable {
  visit_id: number;
  offset_minutes: number;
  claimed_at: string;
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
  identities: IdentitiesTable;
  launch_token_uses: LaunchTokenUsesTable;
  email_tokens: EmailTokensTable;
  outbox: OutboxTable;
  reminder_claims: ReminderClaimsTable;
  consents: ConsentsTable;
}

export type Account = Selectable<AccountsTable>;
export type NewAccount = Insertable<AccountsTable>;
export type AccountUpdate = Updateable<AccountsTable>;
export type Visit = Selectable<VisitsTable>;
export type NewVisit = Insertable<VisitsTable>;
export type AuditEvent = Selectable<AuditEventsTable>;
