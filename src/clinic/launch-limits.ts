import type { NextFunction, Request, Response } from 'express';
import type { RateLimits } from '../web/rate-limits';

/** Every launch mints an SSO token: a generous per-patient cap stops a script from minting thousands. */
export function limitLaunches(rateLimits: RateLimits) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    await rateLimits.countLaunch(req.user!.id);
    next();
  };
}
