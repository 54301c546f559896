import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type { Db } from '../db/connection';
import type { Metrics } from '../ops/metrics';
import type { Logger } from '../web/logger';
import { type RateLimits, TooManyRequestsError } from '../web/rate-limits';
import { applyVisitEvent, type ApplyOutcome } from './apply-visit-event';
import { parseWebhook } from './parse';
import { webhookEventPruner } from './prune-events';

export interface WebhookDeps {
  db: Db;
  logger: Logger;
  /** VSEE_WEBHOOK_SECRET (or the embedded sandbox's); undefined disables the receiver (404). */
  secret?: string;
  rateLimits: RateLimits;
  /** Our clinic's VSee account code: events about another clinic are never applied. */
  accountCode: string;
  /** webhook_events_total{result} when given. */
  metrics?: Metrics;
}

export const WEBHOOK_PATH = '/webhooks/vsee';
/** The header form of the secret, for senders that can set headers (VSee's panel takes a URL only). */
export const WEBHOOK_SECRET_HEADER = 'X-Webhook-Secret';
const BODY_LIMIT = '10kb';

const STATUS_OF: Record<ApplyOutcome, number> = {
  applied: 200,
  unchanged: 200,
  replayed: 200,
  unknown_visit: 202,
};

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Constant time whatever the length: both sides are hashed to 32 bytes before the comparison. */
function sameSecret(expected: string, given: string | undefined): boolean {
  return given !== undefined && given !== '' && timingSafeEqual(digest(expected), digest(given));
}

function logOf(req: Request, fallback: Logger): Logger {
  return (req.log as Logger | undefined) ?? fallback;
}

/**
 * `POST /webhooks/vsee/{secret}` (or `POST /webhooks/vsee` with `X-Webhook-Secret`): VSee's visit
 * events, v1 and v2 (docs/vsee-contract.md §10). Mounted before sessions, CSRF and the form body parser:
 * VSee holds no session and sends JSON. Every answer is a short JSON body, never a page.
 */
export function webhookRoutes(deps: WebhookDeps): Router {
  const router = Router();
  const pruneOldEvents = webhookEventPruner(deps.db);
  const count = (result: string) => deps.metrics?.webhookEvents.inc({ result });

  const limit = async (req: Request, _res: Response, next: NextFunction) => {
    await deps.rateLimits.countWebhook(req.ip ?? 'unknown');
    next();
  };

  const authenticate = (req: Request, res: Response, next: NextFunction) => {
    if (!deps.secret) {
      res.status(404).json({ error: 'webhooks are not enabled' });
      return;
    }
    const given = typeof req.params.secret === 'string' ? req.params.secret : req.get(WEBHOOK_SECRET_HEADER);
    if (!sameSecret(deps.secret, given)) {
      count('unauthorized');
      logOf(req, deps.logger).warn('vsee webhook refused: missing or wrong secret');
      res.status(401).json({ error: 'unauthorized' });
      return;
    }
    next();
  };

  const requireJson = (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('application/json')) {
      res.status(415).json({ error: 'send application/json' });
      return;
    }
    next();
  };

  const receive = async (req: Request, res: Response) => {
    const log = logOf(req, deps.logger);
    const parsed = parseWebhook(req.body);
    if (parsed.kind === 'invalid') {
      count('malformed');
      log.warn({ problems: parsed.problems }, 'vsee webhook refused: malformed payload');
      res.status(400).json({ error: 'malformed payload', problems: parsed.problems });
      return;
    }
    if (parsed.kind === 'ignored') {
      count('ignored');
      log.info({ eventType: parsed.type }, 'vsee webhook ignored: not a visit event');
      res.status(204).end();
      return;
    }
    const { event } = parsed;
    // A shared or mis-pasted webhook URL must not let another clinic's events touch our visits
    // (VSee ids are per clinic). 204: redelivering would not help, so VSee need not retry.
    if (event.clinicCode !== deps.accountCode) {
      count('other_clinic');
      log.warn({ eventId: event.id, eventType: event.type }, 'vsee webhook ignored: for another clinic');
      res.status(204).end();
      return;
    }
    const outcome = await applyVisitEvent(deps.db, event);
    count(outcome);
    const fields = { eventId: event.id, eventType: event.type, vseeVisitId: event.visitId, outcome };
    if (outcome === 'unknown_visit') log.warn(fields, 'vsee webhook for a visit the portal does not know');
    else log.info({ ...fields, status: event.status, version: event.version }, 'vsee webhook');
    res.status(STATUS_OF[outcome]).json({ outcome });
    // After the answer: VSee need not wait for housekeeping, and a failure here loses nothing.
    pruneOldEvents().catch(() => log.warn('could not prune old webhook event ids'));
  };

  const handlers = [limit, authenticate, requireJson, express.json({ limit: BODY_LIMIT }), receive];
  router.post(WEBHOOK_PATH, ...handlers);
  router.post(`${WEBHOOK_PATH}/:secret`, ...handlers);

  // Errors of this endpoint answer in JSON (the sender is a machine); anything unexpected goes on to
  // the app's error handler, which logs it under the request id.
  router.use(WEBHOOK_PATH, (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (err instanceof TooManyRequestsError) {
      count('rate_limited');
      res.status(429).set('Retry-After', String(err.retryAfterSeconds)).json({ error: 'too many requests' });
      return;
    }
    const status = (err as { status?: unknown } | null)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      logOf(req, deps.logger).warn({ status }, 'vsee webhook refused: unreadable body');
      res.status(status).json({ error: status === 413 ? 'payload too large' : 'unreadable body' });
      return;
    }
    next(err);
  });
  return router;
}
