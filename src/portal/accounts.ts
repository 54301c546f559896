import { randomBytes } from 'node:crypto';
import { compiledQuery } from '../db/compiled';
import type { Db } from '../db/connection';
import type { Account } from '../db/schema';
import { hashPassword, verifyPassword, burnVerificationTime } from './passwords';
import { isUniqueViolation } from '../db/errors';

export interface Profile {
  firstName: string;
  lastName: string;
  /** YYYY-MM-DD */
  dob: string;
  email: string;
}

/** What the rest of the portal may know about a patient (never the password hash). */
export interface Patient extends Profile {
  id: number;
  vseeCode: string;
  sessionVersion: number;
  /** False for accounts from the clinic's identity provider or launch links: no password form, no password login. */
  hasPassword: boolean;
  /** The current email address was confirmed through a link we sent to it. */
  emailVerified: boolean;
  /** Appointment reminders by email (on unless the patient turned them off). */
  remindersEnabled: boolean;
  /** The language the patient chose on this portal, if any. */
  language: string | null;
}

/**
 * Where a patient's VSee `code` comes from (VSEE_PATIENT_CODE): `portal`, the account's own opaque
 * code; `subject`, the clinic's id for the patient (the identity's `sub`) when the account has one,
 * so a patient VSee already knows under that id stays one VSee patient.
 */
export type VseeCodeSource = 'portal' | 'subject';

export class EmailTakenError extends Error {
  override name = 'EmailTakenError';
}

/** Emails are compared trimmed and lower-cased; stored that way so the unique index does the rest. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function toPatient(row: Account, subject?: string | null): Patient {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    dob: row.dob,
    vseeCode: subject ?? row.vsee_code,
    sessionVersion: row.session_version,
    hasPassword: row.password_hash !== null,
    emailVerified: row.email_verified_at !== null,
    remindersEnabled: row.reminders_enabled !== 0,
    language: row.language,
  };
}

/**
 * Creates an account; throws EmailTakenError when the email already has one. The password is hashed
 * before the address is tried, so a taken address costs the same time as a new one (sign-up must not
 * tell them apart).
 */
/** `language`: the one the sign-up page was shown in, so emails speak it before any choice is made. */
export async function createAccount(
  db: Db,
  profile: Profile,
  password: string,
  language?: string,
): Promise<Patient> {
  const now = new Date().toISOString();
  const passwordHash = await hashPassword(password);
  try {
    const row = await db
      .insertInto('accounts')
      .values({
        email: normalizeEmail(profile.email),
        password_hash: passwordHash,
        first_name: profile.firstName,
        last_name: profile.lastName,
        dob: profile.dob,
        // Random, not derived from anything personal: VSee keeps it as the user's `code` forever.
        vsee_code: randomBytes(16).toString('hex'),
        ...(language ? { language } : {}),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toPatient(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new EmailTakenError('email already registered');
    throw error;
  }
}

// Read on every logged-in request (passport.ts): compiled once (src/db/compiled.ts).
const accountById = compiledQuery<{ id: number }, Account>((db, param) =>
  db.selectFrom('accounts').selectAll().where('id', '=', param('id')),
);

export async function findPatientById(
  db: Db,
  id: number,
  vseeCode: VseeCodeSource = 'portal',
): Promise<Patient | undefined> {
  const { rows } = await accountById(db, { id });
  const row = rows[0];
  if (!row || vseeCode === 'portal') return row && toPatient(row);
  const identity = await db
    .selectFrom('identities')
    .select('subject')
    .where('account_id', '=', id)
    .executeTakeFirst();
  return toPatient(row, identity?.subject);
}

/**
 * Checks an email and password. Unknown email and wrong password take the same time and give
 * the same answer (undefined), so a login cannot reveal who is a patient here.
 */
export async function authenticate(db: Db, email: string, password: string): Promise<Patient | undefined> {
  const row = await db
    .selectFrom('accounts')
    .selectAll()
    .where('email', '=', normalizeEmail(email))
    // Accounts of the clinic's identity provider have no password and never log in with one.
    .where('password_hash', 'is not', null)
    .executeTakeFirst();
  if (!row?.password_hash) {
    await burnVerificationTime(password);
    return undefined;
  }
  return (await verifyPassword(row.password_hash, password)) ? toPatient(row) : undefined;
}

/**
 * Saves name, date of birth and email; throws EmailTakenError if the new email belongs to another
 * account. A changed email is unconfirmed until its owner opens the link sent to it.
 */
export async function updateProfile(db: Db, id: number, profile: Profile): Promise<Patient> {
  const email = normalizeEmail(profile.email);
  try {
    const row = await db
      .updateTable('accounts')
      .set((eb) => ({
        email,
        email_verified_at: eb
          .case()
          .when('email', '=', email)
          .then(eb.ref('email_verified_at'))
          .else(null)
          .end(),
        first_name: profile.firstName,
        last_name: profile.lastName,
        dob: profile.dob,
        updated_at: new Date().toISOString(),
      }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toPatient(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new EmailTakenError('email already registered');
    throw error;
  }
}

/**
 * Replaces the password when `current` is right; bumps the session version so that every other
 * session of this patient is logged out. Returns the updated patient, or undefined if `current` is wrong.
 */
export async function changePassword(
  db: Db,
  id: number,
  current: string,
  next: string,
): Promise<Patient | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row?.password_hash || !(await verifyPassword(row.password_hash, current))) return undefined;
  const updated = await db
    .updateTable('accounts')
    .set({
      password_hash: await hashPassword(next),
      session_version: row.session_version + 1,
      updated_at: new Date().toISOString(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toPatient(updated);
}

/** Remembers the language the patient chose, so it follows them to another device. */
export async function setAccountLanguage(db: Db, accountId: number, language: string): Promise<void> {
  await db.updateTable('accounts').set({ language }).where('id', '=', accountId).execute();
}
