import type { NextFunction, Request, Response } from 'express';
import { safeReturnTo } from '../web/return-to';

/** Sends a logged-out visitor to the login page, remembering a safe page to come back to (GET only). */
export function requireLogin(req: Request, res: Response, next: NextFunction): void {
  if (req.user) {
    next();
    return;
  }
  if (req.method === 'GET') {
    const returnTo = safeReturnTo(req.originalUrl);
    if (returnTo && req.session) req.session.returnTo = returnTo;
  }
  res.redirect(303, '/login');
}
