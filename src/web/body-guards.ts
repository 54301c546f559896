import type { NextFunction, Request, Response } from 'express';

/** Largest form we accept; every portal form is far smaller. */
export const BODY_LIMIT = '10kb';

/**
 * Our forms post `application/x-www-form-urlencoded`; anything else that carries a body gets 415
 * rather than reaching a handler with an empty `req.body`.
 */
export function requireFormBodies(req: Request, res: Response, next: NextFunction): void {
  const hasBody = req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
  if (req.method === 'POST' && hasBody && !req.is('application/x-www-form-urlencoded')) {
    next(Object.assign(new Error('unsupported media type'), { status: 415, expose: true }));
    return;
  }
  next();
}
