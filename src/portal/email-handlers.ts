import type { NextFunction, Request, Response } from 'express';
import { recordAudit } from '../audit/audit-log';
import type { Db } from '../db/connection';
import type { Mailer } from '../email/mailer';
import { passwordResetEmail, verifyEmail } from '../email/messages';
import type { Logger } from '../web/logger';
import { parseForm } from '../web/forms';
import type { RateLimits } from '../web/rate-limits';
import { safeReturnTo } from '../web/return-to';
import { findAccountByEmail, findAccountById, markEmailVerified, setNewPassword } from './account-email';
import { findPatientById, type Patient } from './accounts';
import {
  consumeEmailToken,
  issueEmailToken,
  peekEmailToken,
  RESET_TTL_MS,
  VERIFY_TTL_MS,
  voidEmailTokens,
} from './email-tokens';
import { forgotPasswordSchema, passwordResetSchema } from './forms';
import { personalDetailsProblem } from './password-policy';

function auditContext(req: Request) {
  return { requestId: String(req.id), ip: req.ip ?? null };
}

/**
 * Issues a verification link for the patient's current address and queues the email, in the
 * account's language when the patient chose one, else the language of the page that asked.
 */
export async function sendVerificationEmail(
  db: Db,
  mailer: Mailer,
  patient: Patient,
  requestLanguage: string | undefined,
): Promise<void> {
  const token = await issueEmailToken(db, patient.id, 'verify', patient.email, VERIFY_TTL_MS);
  const words = mailer.languages.pick(patient.language, requestLanguage);
  await mailer.queue(
    verifyEmail(mailer.sender, words, patient.email, patient.firstName, token),
    'verify_email',
  );
}

export interface EmailHandlerDeps {
  db: Db;
  mailer: Mailer;
  rateLimits: RateLimits;
  logger: Logger;
}

/** Forgot password, reset links, and email verification. */
export function emailHandlers({ db, mailer, rateLimits, logger }: EmailHandlerDeps) {
  /**
   * Runs after the answer has gone: whether or not the address has an account, the patient sees
   * the same page at the same speed, and the work (lookup, token, queueing) happens off the request.
   */
  async function emailResetLink(email: string, requestLanguage: string | undefined): Promise<void> {
    if (!(await rateLimits.mayEmailReset(email))) return;
    const account = await findAccountByEmail(db, email);
    // Accounts without a password (signed in elsewhere) have nothing to reset.
    if (!account || !account.password_hash) return;
    await voidEmailTokens(db, account.id, 'reset');
    const token = await issueEmailToken(db, account.id, 'reset', account.email, RESET_TTL_MS);
    // Nobody is logged in: the account's language if the patient chose one, else this page's.
    const words = mailer.languages.pick(account.language, requestLanguage);
    await mailer.queue(
      passwordResetEmail(mailer.sender, words, account.email, account.first_name, token),
      'reset',
    );
  }

  function tokenOf(req: Request): string {
    return String(req.params.token ?? '');
  }

  return {
    showForgot(_req: Request, res: Response): void {
      res.render('password/forgot', { title: 'login.forgotPassword', values: {}, errors: {} });
    },

    async forgot(req: Request, res: Response): Promise<void> {
      const form = parseForm(forgotPasswordSchema, req.body);
      if (!form.ok) {
        res.status(400).render('password/forgot', {
          title: 'login.forgotPassword',
          values: form.values,
          errors: form.errors,
        });
        return;
      }
      await rateLimits.countResetRequest(req.ip ?? 'unknown');
      emailResetLink(form.data.email, res.locals.language as string | undefined).catch((error: unknown) =>
        logger.error({ error: error instanceof Error ? error.name : 'Error' }, 'reset email not prepared'),
      );
      res.render('password/forgot-sent', { title: 'password.checkEmail' });
    },

    async showReset(req: Request, res: Response): Promise<void> {
      if (!(await peekEmailToken(db, tokenOf(req), 'reset'))) {
        res.status(410).render('password/link-invalid', { title: 'links.invalidTitle' });
        return;
      }
      res.render('password/reset', { title: 'password.resetTitle', action: req.originalUrl, errors: {} });
    },

    /**
     * Sets the new password (same policy as sign-up), ends every other session (session version),
     * lifts this IP's lock-out of the address, and logs the patient in here.
     */
    async reset(req: Request, res: Response, next: NextFunction): Promise<void> {
      const owner = await peekEmailToken(db, tokenOf(req), 'reset');
      const account = owner && (await findAccountById(db, owner.accountId));
      if (!owner || !account) {
        res.status(410).render('password/link-invalid', { title: 'links.invalidTitle' });
        return;
      }
      const form = parseForm(passwordResetSchema, req.body);
      const problem =
        form.ok &&
        personalDetailsProblem(form.data.new_password, {
          email: account.email,
          firstName: account.first_name,
          lastName: account.last_name,
        });
      if (!form.ok || problem) {
        res.status(400).render('password/reset', {
          title: 'password.resetTitle',
          action: req.originalUrl,
          errors: form.ok ? { new_password: problem } : form.errors,
        });
        return;
      }
      // Used up only now, atomically: of two submissions racing, one wins and one sees the plain page.
      if (!(await consumeEmailToken(db, tokenOf(req), 'reset'))) {
        res.status(410).render('password/link-invalid', { title: 'links.invalidTitle' });
        return;
      }
      const patient = await setNewPassword(db, account.id, form.data.new_password, owner.email);
      await voidEmailTokens(db, account.id, 'reset');
      await rateLimits.clearLoginLock(account.email, req.ip ?? 'unknown');
      await recordAudit(db, {
        accountId: account.id,
        action: 'password_reset',
        outcome: 'success',
        ...auditContext(req),
      });
      req.login(patient, (err) => {
        if (err) return next(err);
        req.session.loggedInAt = Date.now();
        req.session.notice = 'password.saved';
        res.redirect(303, '/');
      });
    },

    /**
     * Confirms the address, then: the same account logged in here goes on to its dashboard; a
     * logged-out browser is logged in (fresh session, safe returnTo kept) only if it is the browser
     * that signed this account up; any other browser is told to log in. A browser logged in as
     * another account stays logged in as that one: nothing switches accounts behind the patient's back.
     */
    /**
     * The emailed link shows a button and uses nothing up: mail scanners (Safe Links and the like)
     * open every link before the patient does, and a GET that confirmed would spend the link on them.
     */
    async showVerify(req: Request, res: Response): Promise<void> {
      if (!(await peekEmailToken(db, tokenOf(req), 'verify'))) {
        res.status(410).render('email/verify-invalid', { title: 'links.invalidTitle' });
        return;
      }
      res.render('email/verify-confirm', { title: 'verifyEmail.confirmTitle', action: req.originalUrl });
    },

    async verify(req: Request, res: Response, next: NextFunction): Promise<void> {
      const owner = await consumeEmailToken(db, tokenOf(req), 'verify');
      if (!owner || !(await markEmailVerified(db, owner.accountId, owner.email))) {
        res.status(410).render('email/verify-invalid', { title: 'links.invalidTitle' });
        return;
      }
      await recordAudit(db, {
        accountId: owner.accountId,
        action: 'email_verify',
        outcome: 'success',
        ...auditContext(req),
      });
      if (req.user) {
        if (req.user.id !== owner.accountId) {
          res.render('email/verified', { title: 'verifyEmail.verifiedTitle', otherAccount: true });
          return;
        }
        req.session.notice = 'verifyEmail.verifiedNotice';
        res.redirect(303, '/');
        return;
      }
      // Only in the browser that signed up. Anywhere else the link does not log in: otherwise
      // someone could send their own link to a stranger and have the stranger's browser use (and
      // fill in) the sender's account without noticing.
      const patient =
        req.session.signedUpAccountId === owner.accountId && (await findPatientById(db, owner.accountId));
      if (!patient) {
        res.render('email/verified', { title: 'verifyEmail.verifiedTitle', logIn: true });
        return;
      }
      const returnTo = safeReturnTo(req.session.returnTo);
      req.login(patient, (err) => {
        if (err) return next(err);
        req.session.loggedInAt = Date.now();
        req.session.notice = 'verifyEmail.verifiedNotice';
        recordAudit(db, {
          accountId: patient.id,
          action: 'login',
          outcome: 'success',
          ...auditContext(req),
        }).then(() => res.redirect(303, returnTo ?? '/'), next);
      });
    },

    async resend(req: Request, res: Response): Promise<void> {
      const patient = req.user!;
      if (!patient.emailVerified) {
        await rateLimits.countVerificationResend(patient.id);
        await sendVerificationEmail(db, mailer, patient, res.locals.language as string | undefined);
      }
      req.session.notice = 'verifyEmail.linkSent';
      res.redirect(303, '/');
    },
  };
}
