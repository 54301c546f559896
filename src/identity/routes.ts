import { type NextFunction, type Request, type Response, Router } from 'express';
import type { Config } from '../config';
import { notFound } from '../web/errors';
import { OidcLogin } from './oidc-login';
import { oidcRoutes } from './oidc-routes';
import type { Db } from '../db/connection';

/** What the layout and the login page need to know about the ways in. */
export interface IdentityLocals {
  /** "Log in with {oidcName}" when an identity provider is configured. */
  oidcName?: string;
  localAccounts: boolean;
}

/** Puts the ways in on every page (the layout hides Sign up when LOCAL_ACCOUNTS=off). */
export function exposeIdentity(config: Config) {
  const locals: IdentityLocals = {
    oidcName: config.identity.oidc?.name,
    localAccounts: config.identity.localAccounts,
  };
  return (_req: Request, res: Response, next: NextFunction): void => {
    res.locals.identity = locals;
    next();
  };
}

/**
 * Logins other than this portal's own password: the clinic's OpenID provider, and with
 * LOCAL_ACCOUNTS=off the password pages are gone (404) rather than hidden.
 */
export function identityRoutes(config: Config, db: Db): Router {
  const { identity } = config;
  const router = Router();

  if (!identity.localAccounts) {
    router.all('/signup', notFound);
    router.post('/login', notFound);
  }
  // An account from the identity provider or a launch link has no password to change.
  router.post('/profile/password', (req: Request, res: Response, next: NextFunction) =>
    req.user && !req.user.hasPassword ? notFound(req, res) : next(),
  );

  if (identity.oidc) {
    const oidc = new OidcLogin(identity.oidc, `${config.publicUrl}/auth/oidc/callback`);
    router.use(oidcRoutes(db, oidc, identity.vseePatientCode));
    // Runs before the portal's logout: that one destroys the session, then goes where this says.
    router.post('/logout', async (req: Request, res: Response, next: NextFunction) => {
      if (req.user && !req.user.hasPassword) {
        res.locals.afterLogout = await oidc.endSessionUrl(
          req.session.oidcIdToken,
          `${config.publicUrl}/login?logged_out=1`,
        );
      }
      next();
    });
  }
  return router;
}
