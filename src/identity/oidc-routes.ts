import { type Request, type Response, Router } from 'express';
import type { Db } from '../db/connection';
import type { VseeCodeSource } from '../portal/accounts';
import { safeReturnTo } from '../web/return-to';
import { auditIdentity, logInIdentity } from './login-session';
import { type OidcFailure, type OidcLogin, OidcLoginError, type PendingOidcLogin } from './oidc-login';

declare module 'express-session' {
  interface SessionData {
    /** Between `GET /auth/oidc` and its callback: state, nonce, PKCE verifier (single use). */
    oidcPending?: PendingOidcLogin;
    /** The ID token of an OIDC login, to end the provider's session at logout. */
    oidcIdToken?: string;
  }
}

const PAGES: Record<OidcFailure, { status: number; title: string; message: string }> = {
  provider_down: {
    status: 503,
    title: 'identity.providerDownTitle',
    message: 'identity.providerDownText',
  },
  denied: {
    status: 403,
    title: 'identity.deniedTitle',
    message: 'identity.deniedText',
  },
  provider_error: {
    status: 502,
    title: 'identity.loginFailedTitle',
    message: 'identity.providerErrorText',
  },
  no_login_in_progress: {
    status: 400,
    title: 'identity.noLoginTitle',
    message: 'identity.noLoginText',
  },
  invalid_response: {
    status: 400,
    title: 'identity.loginFailedTitle',
    message: 'identity.invalidResponseText',
  },
  missing_claims: {
    status: 502,
    title: 'identity.missingClaimsTitle',
    message: 'identity.missingClaimsText',
  },
};

/** `GET /auth/oidc` starts a login at the clinic's identity provider; its callback finishes it. */
export function oidcRoutes(db: Db, oidc: OidcLogin, vseeCode: VseeCodeSource): Router {
  const router = Router();

  async function fail(req: Request, res: Response, reason: OidcFailure): Promise<void> {
    await auditIdentity(db, req, 'oidc_login', 'failure', null, reason);
    const page = PAGES[reason];
    res
      .status(page.status)
      .render('identity/refused', { ...page, backUrl: '/login', backLabel: 'identity.backToLogin' });
  }

  router.get('/auth/oidc', async (req, res) => {
    try {
      const { url, pending } = await oidc.start(safeReturnTo(req.query.returnTo));
      req.session.oidcPending = pending;
      res.redirect(303, url);
    } catch (error) {
      if (error instanceof OidcLoginError) return fail(req, res, error.reason);
      throw error;
    }
  });

  router.get('/auth/oidc/callback', async (req, res) => {
    // Taken out before anything else: a second use of the same callback finds nothing to finish.
    const pending = req.session.oidcPending;
    delete req.session.oidcPending;
    const query = req.originalUrl.includes('?')
      ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1)
      : '';
    let result;
    try {
      result = await oidc.finish(query, pending);
    } catch (error) {
      if (error instanceof OidcLoginError) return fail(req, res, error.reason);
      throw error;
    }
    const patient = await logInIdentity(req, db, result.identity, vseeCode);
    req.session.oidcIdToken = result.idToken;
    await auditIdentity(db, req, 'oidc_login', 'success', patient.id);
    res.redirect(303, safeReturnTo(pending?.returnTo) ?? '/');
  });

  return router;
}
