import { Router } from 'express';
import type { Db } from '../db/connection';
import type { Mailer } from '../email/mailer';
import type { PortalSettings } from '../portal-settings';
import type { RateLimits } from '../web/rate-limits';
import type { PortalPassport } from './passport';
import { authHandlers } from './auth-handlers';
import { profileHandlers } from './profile-handlers';
import { requireLogin } from './require-login';

/** The portal's own pages: home, accounts and profile. */
export function portalRoutes(
  db: Db,
  passport: PortalPassport,
  cookieName: string,
  rateLimits: RateLimits,
  mailer: Mailer,
  settings?: PortalSettings,
): Router {
  const auth = authHandlers(db, passport, cookieName, rateLimits, mailer);
  const profile = profileHandlers(db, rateLimits, mailer, settings);
  const router = Router();

  // A logged-in patient's dashboard is the clinic's (it knows their visits): see clinic/routes.ts.
  router.get('/', (req, res, next) => {
    if (req.user) return next();
    res.render('home', { title: 'home.title' });
  });

  router.get('/signup', auth.showSignup);
  router.post('/signup', auth.signup);
  router.get('/signup/sent', auth.showSignupSent);
  router.get('/login', auth.showLogin);
  router.post('/login', auth.login);
  router.post('/logout', auth.logout);

  router.get('/profile', requireLogin, profile.show);
  router.post('/profile', requireLogin, profile.update);
  router.post('/profile/password', requireLogin, profile.changePassword);
  router.get('/profile/consent', requireLogin, profile.showConsent);

  return router;
}
