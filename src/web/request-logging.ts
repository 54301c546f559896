import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
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

/**
 * One line per request: id, method, path, status, time. No headers at all: cookies, the
 * `Location` of a launch (which carries the SSO token) and `Set-Cookie` are left out by construction.
 */
export function requestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: () => randomUUID(),
    quietReqLogger: true,
    // Load balancers probe these every few seconds; a line per probe would drown the real traffic.
    autoLogging: { ignore: (req) => PROBES.has(pathOnly(req.url)) },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    serializers: {
      req: (req: IncomingMessage & { id?: string; originalUrl?: string }) => ({
        id: req.id,
        method: req.method,
        path: pathOnly(urlOf(req)),
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      err: (err: Error) => ({ type: err.name, message: err.message, stack: err.stack }),
    },
    customSuccessMessage: (req, res) => `${req.method} ${pathOnly(urlOf(req))} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${pathOnly(urlOf(req))} ${res.statusCode}`,
  });
}
