import type { NextFunction, Request, Response } from 'express';
import type { RateLimits } from '../web/rate-limits';

/** Every launch mints an SSO token: a generous per-patient cap stops a script from minting thousands. */
export function limitLaunches(rateLimits: RateLimits) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    await rateLimits.countLaunch(req.user!.id);
    next();
  };
}

/**
 * At most a few new visits per patient per minute (SECURITY A4), checked before VSee is called.
 * The launch key identifies the attempt: a resubmission of the same form is not a new visit.
 */
export function limitVisitCreations(rateLimits: RateLimits) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const key = (req.body as Record<string, unknown> | undefined)?.launch_key;
    if (typeof key === 'string') await rateLimits.countVisitCreation(req.user!.id, key);
    next();
  };
}
