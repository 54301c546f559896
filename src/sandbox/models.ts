/** The sandbox's in-memory records. Field names follow VSee's JSON where a record is echoed back. */

/** VSee user types that `POST /users/sso` accepts (docs/vsee-contract.md §2). */
export type UserType = 200 | 400 | 600;

export interface SandboxUser {
  id: string;
  code: string;
  username: string;
  type: UserType;
  first_name: string;
  last_name: string;
  dob: string | null;
  email: string | null;
  disable_emails: boolean;
  /** Unix seconds. */
  created: number;
}

export interface TokenRecord {
  token: string;
  /** Returned as VSee does; the sandbox never accepts it (VSee documents no refresh endpoint). */
  refreshToken: string;
  userId: string;
  /** Milliseconds, from the sandbox clock. */
  createdAt: number;
  expiresAt: number;
  /** Set when `/auth` consumed the token for a browser login; API calls may still use it until expiry. */
  usedForLoginAt: number | null;
}

export interface SandboxProvider {
  id: string;
  code: string;
  username: string;
  first_name: string;
  last_name: string;
  title: string;
  suffix: string;
  short_bio: string;
  roomCode: string;
  /** Length of this provider's bookable slots. */
  slotMinutes: number;
}

/** A visit type the room offers (`payment.consultations[]` of the room). */
export interface SandboxConsultation {
  id: string;
  description: string;
  /** Minutes; availability asked for this consultation lists slots of this length. */
  duration: number;
}

export interface SandboxRoom {
  id: string;
  code: string;
  slug: string;
  name: string;
  description: string;
  consultations: SandboxConsultation[];
}

export interface SandboxIntake {
  id: string;
  memberId: string;
  roomCode: string;
  type: '1' | '2';
  reason_for_visit: string | null;
  provider_id: string | null;
  location: string | null;
  phone: string | null;
  attachments: unknown[];
  /** Fields VSee does not define, saved verbatim and echoed back (docs/vsee-contract.md §3). */
  custom: Record<string, unknown>;
  visitId: string | null;
  created: number;
  modified: number;
}

export type VisitKind = 'walkin' | 'appointment' | 'econsult';

/** "10" pending, "20" confirmed, "25" in progress, "30" completed, "40" cancelled (docs/vsee-contract.md §8). */
export type VisitStatus = '10' | '20' | '25' | '30' | '40';

export const VISIT_STATUS_LABELS: Record<VisitStatus, string> = {
  '10': 'Pending',
  '20': 'Confirmed',
  '25': 'In progress',
  '30': 'Completed',
  '40': 'Cancelled',
};

/** The visit events VSee posts to a webhook (docs/vsee-contract.md §10). */
export type VisitEventType = 'visit.created' | 'visit.updated' | 'visit.ended';

export interface SandboxVisit {
  id: string;
  code: string;
  kind: VisitKind;
  type: '1' | '2' | '3';
  status: VisitStatus;
  memberId: string;
  providerId: string | null;
  roomCode: string;
  intakeId: string;
  /** Unix seconds. */
  start: number;
  end: number;
  actualStart: number | null;
  actualEnd: number | null;
  completedBy: string | null;
  created: number;
  modified: number;
  /** Appointments only: the one-time link token of `members/appointment/:id?token=`. */
  appointmentToken: string | null;
}

export interface Slot {
  providerId: string;
  /** Unix seconds. */
  start: number;
  end: number;
}

/** The sandbox's own browser session, set by `/auth`. */
export interface SandboxSession {
  id: string;
  userId: string;
  disableNavigation: boolean;
  createdAt: number;
}
