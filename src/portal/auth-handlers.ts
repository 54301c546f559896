import type { NextFunction, Request, Response } from 'express';
import { recordAudit } from '../audit/audit-log';
import type { Db } from '../db/connection';
import type { PortalPassport } from './passport';
import { parseForm } from '../web/forms';
import type { RateLimits } from '../web/rate-limits';
import { safeReturnTo } from '../web/return-to';
import type { Mailer } from '../email/mailer';
import { signupAttemptEmail } from '../email/messages';
import { createAccount, EmailTakenError, normalizeEmail, type Patient } from './accounts';
import { findAccountByEmail } from './account-email';
import { sendVerificationEmail } from './email-handlers';
import { loginSchema, signupSchema } from './forms';
import { personalDetailsProblem } from './password-policy';

// One message for "no such email" and "wrong password": which one it was is nobody's business.
export const LOGIN_FAILED = 'login.failed';

function auditContext(req: Request) {
  return { requestId: String(req.id), ip: req.ip ?? null };
}

/**
 * Logs the patient in on a fresh session (passport regenerates it: no fixation), carrying over only
 * a validated `returnTo`, then sends them on.
 */
function loginAndRedirect(
  req: Request,
  res: Response,
  next: NextFunction,
  patient: Patient,
  fallback = '/',
): void {
  const returnTo = safeReturnTo(req.session.returnTo);
  req.login(patient, (err) => {
    if (err) return next(err);
    req.session.loggedInAt = Date.now();
    res.redirect(303, returnTo ?? fallback);
  });
}

export function authHandlers(
  db: Db,
  passport: PortalPassport,
  cookieName: string,
  rateLimits: RateLimits,
  mailer: Mailer,
) {
  return {
    showSignup(req: Request, res: Response): void {
      if (req.user) return res.redirect(303, '/');
      res.render('signup', { title: 'signup.title', values: {}, errors: {} });
    },

    async signup(req: Request, res: Response, next: NextFunction): Promise<void> {
      const form = parseForm(signupSchema, req.body);
      if (!form.ok) {
        res.status(400).render('signup', { title: 'signup.title', values: form.values, errors: form.errors });
        return;
      }
      const { first_name, last_name, dob, email, password } = form.data;
      const problem = personalDetailsProblem(password, { email, firstName: first_name, lastName: last_name });
      if (problem) {
        const { password: _omit, ...values } = form.data;
        res.status(400).render('signup', {
          title: 'signup.title',
          values,
          errors: { password: problem },
        });
        return;
      }
      // Counted before the password is hashed: a flood of sign-ups must not slow everyone's login.
      await rateLimits.countSignup(req.ip ?? 'unknown');
      try {
        const patient = await createAccount(
          db,
          { firstName: first_name, lastName: last_name, dob, email },
          password,
          res.locals.language as string | undefined,
        );
        await recordAudit(db, {
          accountId: patient.id,
          action: 'signup',
          outcome: 'success',
          ...auditContext(req),
        });
        await sendVerificationEmail(db, mailer, patient, res.locals.language as string | undefined);
        if (!mailer.requireVerifiedEmail) {
          // Without verification the clinic accepts that sign-up tells a new address from a taken one
          // (logged in here, "check your email" there): README, docs/security.md A2.
          loginAndRedirect(req, res, next, patient);
          return;
        }
        // Logged in only by the emailed link, and only in this browser (email-handlers.ts `verify`).
        req.session.signedUpAccountId = patient.id;
        res.redirect(303, '/signup/sent');
      } catch (error) {
        if (!(error instanceof EmailTakenError)) throw error;
        // The page does not say the address is taken; its owner hears about it by email instead.
        // createAccount hashed the password before finding the address taken, so this answer
        // costs the same argon2 time as a new account's.
        // To the address's owner, in their account's language if they chose one, else this page's.
        const owner = await findAccountByEmail(db, email);
        const words = mailer.languages.pick(owner?.language, res.locals.language as string | undefined);
        await mailer.queue(signupAttemptEmail(mailer.sender, words, normalizeEmail(email)), 'signup_attempt');
        res.redirect(303, '/signup/sent');
      }
    },

    showSignupSent(_req: Request, res: Response): void {
      res.render('signup-sent', { title: 'signupSent.title' });
    },

    showLogin(req: Request, res: Response): void {
      if (req.user) return res.redirect(303, '/');
      res.render('login', {
        title: 'login.title',
        values: {},
        errors: {},
        loggedOut: req.query.logged_out === '1',
      });
    },

    /**
     * Checks the brute-force limits first (a blocked pair gets 429 even with the right password),
     * then the password; failures count against the (email, IP) pair and the IP.
     */
    async login(req: Request, res: Response, next: NextFunction): Promise<void> {
      const form = parseForm(loginSchema, req.body);
      if (!form.ok) {
        res.status(400).render('login', { title: 'login.title', values: form.values, errors: form.errors });
        return;
      }
      const { email } = form.data;
      const ip = req.ip ?? 'unknown';
      await rateLimits.checkLogin(email, ip);
      const patient = await new Promise<Patient | false>((resolve, reject) => {
        passport.authenticate('local', { session: false }, (err: unknown, user: Patient | false) =>
          err ? reject(err) : resolve(user),
        )(req, res, next);
      });
      if (!patient) {
        await rateLimits.loginFailed(email, ip);
        await recordAudit(db, { accountId: null, action: 'login', outcome: 'failure', ...auditContext(req) });
        res
          .status(401)
          .render('login', { title: 'login.title', values: { email }, errors: {}, failed: LOGIN_FAILED });
        return;
      }
      await rateLimits.loginSucceeded(email, ip);
      await recordAudit(db, {
        accountId: patient.id,
        action: 'login',
        outcome: 'success',
        ...auditContext(req),
      });
      loginAndRedirect(req, res, next, patient);
    },

    /**
     * POST only (a GET logout can be triggered by any image tag). The stored session is destroyed,
     * the cookie cleared, and the browser told to drop what it cached of our pages.
     */
    logout(req: Request, res: Response, next: NextFunction): void {
      const accountId = req.user?.id ?? null;
      req.logout((err) => {
        if (err) return next(err);
        req.session.destroy((destroyErr) => {
          if (destroyErr) return next(destroyErr);
          recordAudit(db, { accountId, action: 'logout', outcome: 'success', ...auditContext(req) }).then(
            () => {
              res.clearCookie(cookieName, { path: '/' });
              res.set('Clear-Site-Data', '"cache"');
              // The identity provider's own logout when the login came from there (src/identity/routes.ts).
              const afterLogout: unknown = res.locals.afterLogout;
              res.redirect(303, typeof afterLogout === 'string' ? afterLogout : '/login?logged_out=1');
            },
            next,
          );
        });
      });
    },
  };
}
