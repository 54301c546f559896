import { randomBytes } from 'node:crypto';
import type { Db } from '../db/connection';
import { isUniqueViolation } from '../db/errors';
import { normalizeEmail } from '../portal/accounts';

/** Who the clinic says the patient is, from an ID token, UserInfo or a launch token. */
export interface ClaimedIdentity {
  issuer: string;
  subject: string;
  firstName: string;
  lastName: string;
  /** YYYY-MM-DD, or undefined when the clinic did not say. */
  dob?: string;
  email?: string;
}

/**
 * The account linked to (issuer, subject), created on first use, with names, birth date and email
 * refreshed from the claims. Never matched by email: the same address at another issuer, or a local
 * account with it, is another person's account as far as the portal knows. Returns the account id.
 */
export async function accountForIdentity(db: Db, claimed: ClaimedIdentity): Promise<number> {
  const existing = await linkedAccountId(db, claimed);
  if (existing !== undefined) {
    await refreshProfile(db, existing, claimed);
    return existing;
  }
  try {
    return await createLinkedAccount(db, claimed);
  } catch (error) {
    // Two first logins of one patient at once: the other one created it; use that account.
    if (!isUniqueViolation(error)) throw error;
    const raced = await linkedAccountId(db, claimed);
    if (raced === undefined) throw error;
    await refreshProfile(db, raced, claimed);
    return raced;
  }
}

async function linkedAccountId(db: Db, claimed: ClaimedIdentity): Promise<number | undefined> {
  const row = await db
    .selectFrom('identities')
    .select('account_id')
    .where('issuer', '=', claimed.issuer)
    .where('subject', '=', claimed.subject)
    .executeTakeFirst();
  return row?.account_id;
}

function profileColumns(claimed: ClaimedIdentity) {
  return {
    first_name: claimed.firstName,
    last_name: claimed.lastName,
    ...(claimed.dob ? { dob: claimed.dob } : {}),
    ...(claimed.email ? { email: normalizeEmail(claimed.email) } : {}),
  };
}

async function refreshProfile(db: Db, accountId: number, claimed: ClaimedIdentity): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ ...profileColumns(claimed), updated_at: new Date().toISOString() })
    .where('id', '=', accountId)
    .execute();
}

async function createLinkedAccount(db: Db, claimed: ClaimedIdentity): Promise<number> {
  const now = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const account = await trx
      .insertInto('accounts')
      .values({
        // Empty until the clinic tells us; VSee treats an empty birth date or email as absent.
        email: '',
        dob: '',
        ...profileColumns(claimed),
        password_hash: null,
        vsee_code: randomBytes(16).toString('hex'),
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('identities')
      .values({ issuer: claimed.issuer, subject: claimed.subject, account_id: account.id, created_at: now })
      .execute();
    return account.id;
  });
}
