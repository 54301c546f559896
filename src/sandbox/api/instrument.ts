import { setTimeout as sleep } from 'node:timers/promises';
import type { Request, RequestHandler, Response } from 'express';
import type { SandboxContext } from '../context';
import type { EndpointName, Failure } from '../knobs';
import { maskedHeaders, UNMATCHED_ENDPOINT, type SandboxRequest } from '../request-log';
import { bodyOf } from './fields';

/** VSee documents both `/users/sso` and `/users/sso.json` (docs/vsee-contract.md §0); routing sees the bare path. */
export const stripJsonSuffix: RequestHandler = (req, _res, next) => {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  if (path.endsWith('.json')) req.url = path.slice(0, -'.json'.length) + (q < 0 ? '' : req.url.slice(q));
  next();
};

function entryOf(res: Response): SandboxRequest | undefined {
  return res.locals.sandboxRequest as SandboxRequest | undefined;
}

/** Records the call before anything can fail, so hung and dropped calls are in the log too (status 0). */
export function startLogEntry(ctx: SandboxContext): RequestHandler {
  return (req, res, next) => {
    const token = req.get('X-ApiToken');
    const entry = ctx.requestLog.record({
      endpoint: UNMATCHED_ENDPOINT,
      method: req.method,
      path: req.originalUrl.split('?')[0] ?? '',
      headers: maskedHeaders(req.headers),
      tokenKind: token === undefined || token === '' ? 'none' : ctx.state.lookupToken(token).kind,
      fields: { ...(req.query as Record<string, unknown>) },
      status: 0,
    });
    res.locals.sandboxRequest = entry;
    res.on('finish', () => {
      entry.status = res.statusCode;
      ctx.logger?.debug(
        { endpoint: entry.endpoint, method: entry.method, status: entry.status },
        'sandbox API call',
      );
    });
    next();
  };
}

/** Adds the parsed body fields to the log entry (after the body parsers ran). */
export const captureFields: RequestHandler = (req, res, next) => {
  const entry = entryOf(res);
  if (entry) entry.fields = { ...entry.fields, ...bodyOf(req.body) };
  next();
};

/** Removes a dot path (a leading `data.` is optional) from `data`, or from each item when it is a list. */
function withoutField(body: unknown, path: string): unknown {
  const copy = structuredClone(body) as { data?: unknown };
  const keys = path.replace(/^data\./, '').split('.');
  const items = Array.isArray(copy.data) ? copy.data : [copy.data];
  for (let target of items) {
    for (const key of keys.slice(0, -1)) target = (target as Record<string, unknown> | null)?.[key];
    if (target && typeof target === 'object')
      delete (target as Record<string, unknown>)[keys[keys.length - 1] ?? ''];
  }
  return copy;
}

function inflict(req: Request, res: Response, failure: Failure): void {
  switch (failure.mode) {
    case 'status':
      res.status(failure.status).json({ code: failure.status, message: 'Sandbox: injected failure.' });
      return;
    case 'malformed':
      res.status(200).type('application/json').send('{"data":{"id":"15');
      return;
    case 'drop':
      req.socket.destroy();
      return;
    case 'hang':
    case 'missing_field':
      return;
  }
}

/** Lets the handler do its work, then spoils the answer it sends. */
function failAfterWork(req: Request, res: Response, failure: Failure): void {
  const original = res.json.bind(res);
  res.json = (body: unknown) => {
    res.json = original;
    if (failure.mode === 'missing_field') return original(withoutField(body, failure.field ?? 'id'));
    inflict(req, res, failure);
    return res;
  };
}

/** Names the endpoint in the log, then applies its latency and any queued failure before the handler. */
export function knobbed(name: EndpointName, ctx: SandboxContext): RequestHandler {
  return async (req, res, next) => {
    const entry = entryOf(res);
    if (entry) entry.endpoint = name;
    const latency = ctx.knobs.latencyFor(name);
    if (latency > 0) await sleep(latency);
    const failure = ctx.knobs.takeFailure(name);
    if (!failure) return next();
    if (failure.mode === 'missing_field' || failure.when === 'after') {
      failAfterWork(req, res, failure);
      return next();
    }
    inflict(req, res, failure);
  };
}
