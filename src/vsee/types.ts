// Domain types the portal sees. VSee's snake_case, string-or-number ids and string-or-number Unix
// times stop at schemas.ts; everything here is camelCase, ids are strings, times are Unix seconds.

/** Who the patient is to VSee: the minimum necessary (docs/security.md L3). */
export interface PatientIdentity {
  /** Opaque stable id of the portal account (accounts.vsee_code); never the email. */
  code: string;
  firstName: string;
  lastName: string;
  /** YYYY-MM-DD */
  dob?: string;
  email?: string;
}

/** A VSee user token minted by `POST users/sso`; a bearer credential: never log, store or render it. */
export interface SsoSession {
  /** VSee user id, used as `member_id` later. */
  userId: string;
  token: string;
  /** Unix seconds (VSee: +24 h). */
  expiresAt: number;
}

/** `walkin` = intake type 1, `scheduled` = type 2 (docs/vsee-contract.md §3). */
export type IntakeKind = 'walkin' | 'scheduled';

export interface IntakeInput {
  /** VSee user id from SsoSession.userId. */
  memberId: string;
  kind?: IntakeKind;
  reasonForVisit?: string;
  /** Defaults to the configured provider, if any. */
  providerId?: string;
}

export interface Intake {
  id: string;
  /** The visit created from this intake, when VSee says (GET intakes/{id} only). */
  visitId?: string;
}

/** For a walk-in or an e-consult built from an intake. */
export interface VisitInput {
  intakeId: string;
  /** Walk-in: defaults to the configured provider. E-consult: no default (any provider of the room). */
  providerId?: string;
}

export interface AvailabilityQuery {
  /** Unix seconds */
  start: number;
  /** Unix seconds */
  end: number;
  memberId?: string;
  /** Minutes */
  duration?: number;
  /** Defaults to the configured provider, if any. */
  providerId?: string;
  consultationId?: string;
  intakeId?: string;
}

export interface AppointmentInput {
  intakeId: string;
  /** The slot's provider. */
  providerId: string;
  /** Unix seconds, from the chosen Slot. */
  start: number;
  end: number;
  memberId?: string;
  /** IANA name, e.g. America/New_York. */
  timezone?: string;
}

export interface Slot {
  /** Unix seconds */
  start: number;
  end: number;
  providerId: string;
  providerName?: string;
}

export interface Provider {
  id: string;
  firstName?: string;
  lastName?: string;
  title?: string;
}

export interface VseeVisit {
  id: string;
  /** 32-hex visit code (used for the invite link). */
  code?: string;
  /** VSee's raw type: "1" walk-in, "2" scheduled, "3" e-consult (our sandbox; VSee's value unknown). */
  type: string;
  /** VSee's raw status: see VISIT_STATUS. */
  status: string;
  memberId?: string;
  providerId?: string;
  /** Unix seconds */
  start?: number;
  end?: number;
  provider?: Provider;
  /** Appointment link token (`one_time_link_token` or `token`); a bearer credential. */
  oneTimeToken?: string;
  /** The intake the visit was built from, when VSee says (visit lists; not documented, read if sent). */
  intakeId?: string;
}

/** `GET visits`: the room's visits whose start lies between two Unix times (admin token). */
export interface VisitListQuery {
  /** Unix seconds */
  startTime: number;
  endTime: number;
  /** Defaults to the configured room. */
  roomCode?: string;
}

/** VSee visit status codes (docs/vsee-contract.md §8). */
export const VISIT_STATUS = {
  pending: '10',
  confirmed: '20',
  inProgress: '25',
  completed: '30',
  cancelled: '40',
} as const;

export interface Consultation {
  id: string;
  description?: string;
  /** Minutes */
  duration?: number;
}

export interface Room {
  id?: string;
  code: string;
  name?: string;
  slug?: string;
  walkinEnabled?: boolean;
  appointmentEnabled?: boolean;
  isClosed?: boolean;
  defaultTimezone?: string;
  providerIds: string[];
  consultations: Consultation[];
}
