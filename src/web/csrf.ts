import type { NextFunction, Request, Response } from 'express';
import { csrfSync } from 'csrf-sync';

/** The error every rejected state change carries, so the error page can say "form expired". */
export const CSRF_ERROR_CODE = 'EBADCSRFTOKEN';

const { csrfSynchronisedProtection, generateToken } = csrfSync({
  getTokenFromRequest: (req) => {
    const body = req.body as Record<string, unknown> | undefined;
    return typeof body?._csrf === 'string' ? body._csrf : undefined;
  },
  errorConfig: { statusCode: 403, message: 'invalid csrf token', code: CSRF_ERROR_CODE },
});

/**
 * Synchronizer token (kept in the session, so it dies with it) on every POST, plus a Fetch
 * Metadata / Origin check that turns away cross-site form posts even before the token is read.
 */
export function csrfProtection(publicOrigin: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') {
      next();
      return;
    }
    const site = req.get('sec-fetch-site');
    const origin = req.get('origin');
    const crossSite = site
      ? site === 'cross-site' || site === 'same-site'
      : origin !== undefined && origin !== publicOrigin;
    if (crossSite) {
      next(Object.assign(new Error('cross-site request'), { status: 403, code: CSRF_ERROR_CODE }));
      return;
    }
    csrfSynchronisedProtection(req, res, next);
  };
}

/**
 * Lets every form ask for the session's CSRF token (`<%= csrfToken() %>`). A function, so that a
 * page without a form does not create a session just to hold a token.
 */
export function exposeCsrfToken(req: Request, res: Response, next: NextFunction): void {
  res.locals.csrfToken = () => generateToken(req);
  next();
}
