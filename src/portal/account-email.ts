import type { Db } from '../db/connection';
import type { Account } from '../db/schema';
import { normalizeEmail, type Patient, toPatient } from './accounts';
import { hashPassword } from './passwords';

/** The account with this email, if any (for flows that must then behave the same either way). */
export function findAccountByEmail(db: Db, email: string): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst();
}

export function findAccountById(db: Db, id: number): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Sets a new password and bumps the session version, which ends every session of the account. The
 * reset link went to `linkEmail`: if that is still the account's address, it is now confirmed too.
 */
export async function setNewPassword(
  db: Db,
  id: number,
  password: string,
  linkEmail: string,
): Promise<Patient> {
  const now = new Date().toISOString();
  const passwordHash = await hashPassword(password);
  const row = await db
    .updateTable('accounts')
    .set((eb) => ({
      password_hash: passwordHash,
      session_version: eb('session_version', '+', 1),
      email_verified_at: eb
        .case()
        .when('email', '=', linkEmail)
        .then(eb.fn.coalesce('email_verified_at', eb.val(now)))
        .else(eb.ref('email_verified_at'))
        .end(),
      updated_at: now,
    }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toPatient(row);
}

/** Confirms the account's email, if it is still `email` (a link to an old address confirms nothing). */
export async function markEmailVerified(db: Db, id: number, email: string): Promise<boolean> {
  const result = await db
    .updateTable('accounts')
    .set({ email_verified_at: new Date().toISOString() })
    .where('id', '=', id)
    .where('email', '=', email)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Turns appointment reminders on or off for the account. */
export async function setRemindersEnabled(db: Db, id: number, enabled: boolean): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ reminders_enabled: enabled ? 1 : 0, updated_at: new Date().toISOString() })
    .where('id', '=', id)
    .execute();
}
