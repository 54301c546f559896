import { randomBytes } from 'node:crypto';
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
  /** The language the patient chose on this portal, if any. */
  language: string | null;
}

export class EmailTakenError extends Error {
  override name = 'EmailTakenError';
}

/** Emails are compared trimmed and lower-cased; stored that way so the unique index does the rest. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function toPatient(row: Account): Patient {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    dob: row.dob,
    vseeCode: row.vsee_code,
    sessionVersion: row.session_version,
    language: row.language,
  };
}

/** Creates an account; throws EmailTakenError when the email already has one. */
export async function createAccount(db: Db, profile: Profile, password: string): Promise<Patient> {
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

export async function findPatientById(db: Db, id: number): Promise<Patient | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toPatient(row);
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
    .executeTakeFirst();
  if (!row) {
    await burnVerificationTime(password);
    return undefined;
  }
  return (await verifyPassword(row.password_hash, password)) ? toPatient(row) : undefined;
}

/** Saves name, date of birth and email; throws EmailTakenError if the new email belongs to another account. */
export async function updateProfile(db: Db, id: number, profile: Profile): Promise<Patient> {
  try {
    const row = await db
      .updateTable('accounts')
      .set({
        email: normalizeEmail(profile.email),
        first_name: profile.firstName,
        last_name: profile.lastName,
        dob: profile.dob,
        updated_at: new Date().toISOString(),
      })
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
  if (!row || !(await verifyPassword(row.password_hash, current))) return undefined;
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
