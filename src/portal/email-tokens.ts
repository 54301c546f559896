import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/connection';

export type TokenPurpose = 'reset' | 'verify';

export const RESET_TTL_MS = 30 * 60_000;
export const VERIFY_TTL_MS = 24 * 3_600_000;

/** Only this hash is stored: a copy of the database does not hold a working link. */
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Tokens are 256 random bits in base64url; anything else is not worth a database lookup. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Creates a single-use token for `accountId` and `email`; returns the token itself (for the link only). */
export async function issueEmailToken(
  db: Db,
  accountId: number,
  purpose: TokenPurpose,
  email: string,
  ttlMs: number,
  now = new Date(),
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db
    .insertInto('email_tokens')
    .values({
      token_hash: hashToken(token),
      account_id: accountId,
      purpose,
      email,
      expires_at: new Date(now.getTime() + ttlMs).toISOString(),
      used_at: null,
      created_at: now.toISOString(),
    })
    .execute();
  return token;
}

export interface TokenOwner {
  accountId: number;
  email: string;
}

/** Whether a token would still work (for showing the reset form), without using it up. */
export async function peekEmailToken(
  db: Db,
  token: string,
  purpose: TokenPurpose,
  now = new Date(),
): Promise<TokenOwner | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const row = await db
    .selectFrom('email_tokens')
    .select(['account_id', 'email'])
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  return row && { accountId: row.account_id, email: row.email };
}

/**
 * Uses a token up: one conditional UPDATE, so two clicks racing each other cannot both succeed.
 * Undefined for an unknown, used or expired token (the caller cannot and need not tell which).
 */
export async function consumeEmailToken(
  db: Db,
  token: string,
  purpose: TokenPurpose,
  now = new Date(),
): Promise<TokenOwner | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const row = await db
    .updateTable('email_tokens')
    .set({ used_at: now.toISOString() })
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .returning(['account_id', 'email'])
    .executeTakeFirst();
  return row && { accountId: row.account_id, email: row.email };
}

/** Voids the account's other unused links of this purpose (a new reset link replaces the old one). */
export async function voidEmailTokens(db: Db, accountId: number, purpose: TokenPurpose): Promise<void> {
  await db
    .updateTable('email_tokens')
    .set({ used_at: new Date().toISOString() })
    .where('account_id', '=', accountId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}
