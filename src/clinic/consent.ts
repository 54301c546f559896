import type { NextFunction, Request, Response } from 'express';
import type { Db } from '../db/connection';
import { isUniqueViolation } from '../db/errors';
import type { ConsentText } from '../portal-settings';

/** The fields of a launch form carried across the consent page, so nothing the patient typed is lost. */
const CARRIED_FIELDS = ['launch_key', 'reason', 'details', 'slot', 'tz'] as const;
const MAX_CARRIED_LENGTH = 5000;

export interface ConsentRecord {
  version: string;
  text: string;
  agreedAt: string;
}

/** The patient's most recent agreement, whatever its version. */
export async function latestConsent(db: Db, accountId: number): Promise<ConsentRecord | undefined> {
  const row = await db
    .selectFrom('consents')
    .select(['version', 'text', 'agreed_at'])
    .where('account_id', '=', accountId)
    .orderBy('agreed_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row && { version: row.version, text: row.text, agreedAt: row.agreed_at };
}

async function hasAgreed(db: Db, accountId: number, version: string): Promise<boolean> {
  const row = await db
    .selectFrom('consents')
    .select('id')
    .where('account_id', '=', accountId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row !== undefined;
}

/** Records an agreement; agreeing twice to the same version (a double submit) keeps the first. */
export async function recordConsent(
  db: Db,
  input: { accountId: number; consent: ConsentText; ip: string | null; at?: Date },
): Promise<void> {
  try {
    await db
      .insertInto('consents')
      .values({
        account_id: input.accountId,
        version: input.consent.version,
        text: input.consent.text,
        agreed_at: (input.at ?? new Date()).toISOString(),
        ip: input.ip,
      })
      .execute();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
}

/** The consent text as paragraphs (blank-line separated), for the page. */
export function consentParagraphs(text: string): string[] {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.replace(/\s*\r?\n\s*/g, ' ').trim())
    .filter(Boolean);
}

/**
 * Before a launch that would create a VSee visit: a patient who has not agreed to this version of
 * the clinic's consent gets the consent page instead, with their form carried in hidden fields. The
 * page posts back to the same launch; with the box ticked, the agreement is recorded and the launch
 * goes on to VSee in that same request. Nothing reaches VSee before that.
 */
export function requireConsent(db: Db, consent: ConsentText | undefined) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (!consent || !req.user) return next();
    if (await hasAgreed(db, req.user.id, consent.version)) return next();
    const body = (req.body ?? {}) as Record<string, unknown>;
    const answered = body.consent_version === consent.version;
    if (answered && body.agree === 'yes') {
      await recordConsent(db, { accountId: req.user.id, consent, ip: req.ip ?? null });
      return next();
    }
    const carried = CARRIED_FIELDS.flatMap((name) => {
      const value = body[name];
      return typeof value === 'string' && value.length <= MAX_CARRIED_LENGTH ? [{ name, value }] : [];
    });
    res.status(answered ? 400 : 200).render('clinic/consent', {
      title: 'consent.title',
      action: req.originalUrl.split('?')[0],
      paragraphs: consentParagraphs(consent.text),
      version: consent.version,
      carried,
      errors: answered ? { agree: 'form.consentMissing' } : {},
    });
  };
}
