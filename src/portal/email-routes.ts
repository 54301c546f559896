import { type NextFunction, type Request, type Response, Router } from 'express';
import type { Db } from '../db/connection';
import type { Mailer } from '../email/mailer';
import { setRemindersEnabled } from './account-email';
import { emailHandlers, type EmailHandlerDeps } from './email-handlers';
import { requireLogin } from './require-login';

/** Forgot password, reset links, email verification and the reminders switch. */
export function emailRoutes(deps: EmailHandlerDeps): Router {
  const h = emailHandlers(deps);
  const router = Router();
  router.get('/password/forgot', h.showForgot);
  router.post('/password/forgot', h.forgot);
  router.get('/password/reset/:token', h.showReset);
  router.post('/password/reset/:token', h.reset);
  router.get('/email/verify/:token', h.showVerify);
  // Before the link's POST, whose `:token` would otherwise take the word "resend".
  router.post('/email/verify/resend', requireLogin, h.resend);
  router.post('/email/verify/:token', h.verify);
  router.post('/profile/reminders', requireLogin, remindersSwitch(deps.db));
  return router;
}

function remindersSwitch(db: Db) {
  return async (req: Request, res: Response): Promise<void> => {
    const on = req.body?.reminders === 'on';
    await setRemindersEnabled(db, req.user!.id, on);
    req.session.notice = on ? 'profile.remindersOnNotice' : 'profile.remindersOffNotice';
    res.redirect(303, '/profile');
  };
}

/** The pages that call VSee: while REQUIRE_VERIFIED_EMAIL is on, an unconfirmed address stops here. */
export const VSEE_PATHS = ['/clinic', '/visits', '/appointments', '/econsult'];

/**
 * No VSee call at all for an account whose email is not confirmed (VSee would receive an address
 * nobody proved is theirs); the patient is told why and can have the link sent again.
 */
export function requireVerifiedEmail(mailer: Mailer) {
  return (req: Request, res: Response, next: NextFunction): void => {
    // Accounts from the clinic's identity provider or launch links carry the address the clinic
    // vouches for: there is no link of ours to open, so only local accounts are held back.
    if (!mailer.requireVerifiedEmail || !req.user || req.user.emailVerified || !req.user.hasPassword)
      return next();
    res.status(403).render('email/verify-required', { title: 'verifyEmail.requiredTitle' });
  };
}
