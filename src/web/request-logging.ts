import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from './logger';

/** Load-balancer probes: answered, not logged. */
const PROBES = new Set(['/healthz', '/readyz']);

/**
 * Path only: query strings can carry tokens (e.g. a mistyped `?sso_token=`), so they never reach a log.
 * The webhook URL carries its secret as a path segment (README, "Visit status updates"), and email
 * links carry their single-use token the same way: both blanked.
 */
export function pathOnly(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return path
    .replace(/^(\/webhooks\/vsee\/)[^/]+/i, '$1[secret]')
    .replace(/^(\/password\/reset\/|\/email\/verify\/)(?!resend$)[^/]+/i, '$1[token]');
}

/**
 * The URL as the client sent it. Inside a router mounted on a path Express shortens `req.url`
 * (`/webhooks/vsee/{secret}` becomes `/{secret}`), which would slip past the redaction above.
 */
function urlOf(req: IncomingMessage & { originalUrl?: string }): string | undefined {
  return req.originalUrl ?? req.url;
}

/** An error in a request's log line: its kind, message and stack, none of its other fields. */
const errorFields = (err: Error) => ({ type: err.name, message: err.message, stack: err.stack });

declare module 'http' {
  interface ServerResponse {
    /** A 5xx's error, set by the error handler: written on this request's one log line. */
    err?: Error;
  }
  interface IncomingMessage {
    /** The request id: on the error page as its reference, in audit rows and in log lines. */
    id: string;
    /** The process logger with this request's id bound (`reqId`), made on first use. */
    log: Logger;
  }
}

const LOG = Symbol('request logger');
type LoggedRequest = IncomingMessage & { [LOG]?: Logger };
const withLogGetter = new WeakSet<object>();

/** The request's logger, made on first use: most requests never log (only errors and webhooks do). */
function childLogger(req: LoggedRequest, logger: Logger): Logger {
  return (req[LOG] ??= logger.child({ reqId: req.id }, { serializers: { err: errorFields } }));
}

/**
 * Gives `req.log`. Express gives each app's requests a prototype of their own (`app.request`):
 * the getter goes there, once per app, rather than on every request (defineProperty costs ~3 µs).
 * A bare node:http request shares IncomingMessage's prototype with every server: it gets its own.
 */
function provideLog(req: LoggedRequest, logger: Logger): void {
  const proto = Object.getPrototypeOf(req) as object;
  if (proto === http.IncomingMessage.prototype) {
    Object.defineProperty(req, 'log', { configurable: true, get: () => childLogger(req, logger) });
  } else if (!withLogGetter.has(proto)) {
    withLogGetter.add(proto);
    Object.defineProperty(proto, 'log', {
      configurable: true,
      get(this: LoggedRequest) {
        return childLogger(this, logger);
      },
    });
  }
}

/**
 * One line per request: id, method, path, status, time. No headers at all: cookies, the
 * `Location` of a launch (which carries the SSO token) and `Set-Cookie` are left out by construction.
 * Written by hand rather than with pino-http, which builds two child loggers per request whether
 * a line is written or not; here a request costs an id and one listener, and the line's object is
 * only built when its level is on (5xx at `error`, the rest at `info`).
 */
export function requestLogging(logger: Logger) {
  return (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: () => void): void => {
    const id = randomUUID();
    const started = performance.now();
    req.id = id;
    provideLog(req, logger);
    // Load balancers probe these every few seconds; a line per probe would drown the real traffic.
    if (PROBES.has(pathOnly(req.url))) return next();
    res.once('close', () => {
      const level = res.statusCode >= 500 ? 'error' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const path = pathOnly(urlOf(req));
      logger[level](
        {
          reqId: id,
          req: { id, method: req.method, path },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - started),
          ...(res.err ? { err: res.err } : {}),
          // The client went away before the answer was complete.
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        `${req.method} ${path} ${res.statusCode}`,
      );
    });
    next();
  };
}
