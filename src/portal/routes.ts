import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { Db } from '../db/connection';
import type { Mailer } from '../email/mailer';
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
): Router {
  const auth = authHandlers(db, passport, cookieName, rateLimits, mailer);
  const profile = profileHandlers(db, rateLimits, mailer);
  const router = Router();

  router.get('/', (req, res) => {
    // Each render carries a fresh launch key: a double-click of this form finds one visit, not two.
    if (req.user) res.render('dashboard', { title: 'Your dashboard', walkinKey: randomUUID() });
    else res.render('home', { title: 'Welcome' });
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

  return router;
}
