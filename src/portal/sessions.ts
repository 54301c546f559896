import type { NextFunction, Request, Response } from 'express';
import session, { type Store } from 'express-session';

declare module 'express-session' {
  interface SessionData {
    /** When the patient logged in (ms): the absolute lifetime counts from here, however active they are. */
    loggedInAt?: number;
    /** Where to go after login; only ever a value that passed safeReturnTo. */
    returnTo?: string;
    /** A one-shot message for the next page ("Your profile was saved"). */
    notice?: string;
    /**
     * The account this browser just signed up (verification on): its emailed link logs in here and
     * nowhere else, so a link someone else forwards cannot log a browser into their account.
     */
    signedUpAccountId?: number;
  }
}

export interface SessionOptions {
  store: Store;
  secrets: string[];
  idleMs: number;
  /** Secure cookies with the `__Host-` prefix; production, served over HTTPS (directly or via the proxy). */
  secureCookies: boolean;
}

/** Cookie name; `__Host-` pins it to our origin, path `/`, Secure, no Domain (docs/security.md S3). */
export function sessionCookieName(secureCookies: boolean): string {
  return secureCookies ? '__Host-portal.sid' : 'portal.sid';
}

/** express-session configured for a patient portal; every option says why it is set. */
export function sessionMiddleware(options: SessionOptions) {
  return session({
    name: sessionCookieName(options.secureCookies),
    store: options.store,
    secret: options.secrets,
    // Saving an unchanged session after logout could bring it back (connect-redis#328): write only on change.
    resave: false,
    // No row and no cookie for a visitor who has not started a form: nothing to track.
    saveUninitialized: false,
    // Idle timeout: each request pushes the expiry forward; a quiet session dies after idleMs.
    rolling: true,
    cookie: {
      httpOnly: true,
      // Lax, not Strict: a patient coming back from VSee or an email link must still be logged in.
      sameSite: 'lax',
      secure: options.secureCookies,
      path: '/',
      maxAge: options.idleMs,
    },
  });
}

/**
 * Ends a session that has lived longer than `absoluteMs` since login, however active it was
 * (docs/security.md S5): the data is destroyed server-side and the patient starts over at the login page.
 */
export function absoluteLifetime(absoluteMs: number) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const loggedInAt = req.session?.loggedInAt;
    if (loggedInAt === undefined || Date.now() - loggedInAt <= absoluteMs) {
      next();
      return;
    }
    req.session.regenerate((err) => {
      if (err) return next(err);
      req.session.notice = 'login.sessionExpired';
      next();
    });
  };
}

/**
 * Hands a one-shot notice to the next page that is actually shown. Consumed at render time, not on
 * arrival, so a redirect in between (e.g. to the login page) does not swallow it.
 */
export function exposeNotice(req: Request, res: Response, next: NextFunction): void {
  const render = res.render.bind(res) as (...args: unknown[]) => void;
  res.render = ((...args: unknown[]) => {
    if (req.session?.notice) {
      res.locals.notice = req.session.notice;
      delete req.session.notice;
    }
    render(...args);
  }) as Response['render'];
  next();
}
