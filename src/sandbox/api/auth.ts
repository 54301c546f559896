import type { Request, RequestHandler, Response } from 'express';
import { SANDBOX_CREDENTIALS } from '../credentials';
import type { SandboxUser } from '../models';
import type { SandboxState } from '../state';
import { ApiError } from './api-error';

/** Who is calling, once the headers checked out. */
export type Caller = { kind: 'admin' } | { kind: 'patient'; user: SandboxUser };

/** The caller that `requireToken` stored for this response. */
export function callerOf(res: Response): Caller {
  return res.locals.caller as Caller;
}

function header(req: Request, name: string): string | undefined {
  const value = req.get(name);
  return value === undefined || value === '' ? undefined : value;
}

/** Every call carries the clinic's `X-AccountCode` (docs/vsee-contract.md §1); a missing or wrong one is 401. */
export const requireAccount: RequestHandler = (req, _res, next) => {
  const code = header(req, 'X-AccountCode');
  if (code === undefined) throw new ApiError(401, 'Missing X-AccountCode header.');
  if (code !== SANDBOX_CREDENTIALS.accountCode) throw new ApiError(401, 'Unknown account code.');
  next();
};

/** `POST /users/sso` needs the API key and secret (docs/vsee-contract.md §1: newer docs send both). */
export const requireApiKeyAndSecret: RequestHandler = (req, _res, next) => {
  const key = header(req, 'X-ApiKey');
  const secret = header(req, 'X-ApiSecret');
  if (key === undefined) throw new ApiError(401, 'Missing X-ApiKey header.');
  if (secret === undefined) throw new ApiError(401, 'Missing X-ApiSecret header.');
  if (key !== SANDBOX_CREDENTIALS.apiKey || secret !== SANDBOX_CREDENTIALS.apiSecret) {
    throw new ApiError(401, 'Invalid API key or secret.');
  }
  next();
};

/** `X-ApiToken` must be a live patient token or the admin token; stores the caller in res.locals. */
export function requireToken(state: SandboxState): RequestHandler {
  return (req, res, next) => {
    const token = header(req, 'X-ApiToken');
    if (token === undefined) throw new ApiError(401, 'Missing X-ApiToken header.');
    const found = state.lookupToken(token);
    if (found.kind === 'unknown') throw new ApiError(401, 'Invalid token.');
    if (found.kind === 'patient' && found.expired) throw new ApiError(401, 'Token expired.');
    res.locals.caller = found.kind === 'admin' ? { kind: 'admin' } : { kind: 'patient', user: found.user };
    next();
  };
}
