import { createServer, type Server } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from './metrics';

/**
 * The route template a request matched (`/visits/:id`), never the raw URL: ids would make one time
 * series per visit. Requests no route matched (404s, static files) share one label each.
 */
function routeOf(req: Request): string {
  const path = req.route?.path;
  if (typeof path === 'string') return `${req.baseUrl}${path}`;
  if (req.originalUrl.startsWith('/static/')) return '/static';
  return 'unmatched';
}

/** Times every request into http_request_duration_seconds, labelled once the answer is finished. */
export function httpMetrics(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const stop = metrics.httpRequestDuration.startTimer();
    res.on('finish', () => stop({ method: req.method, route: routeOf(req), status: String(res.statusCode) }));
    next();
  };
}

/**
 * The metrics listener: `GET /metrics` and nothing else, on its own port so the public port never
 * exposes it (bind it to a private interface or firewall it; docs/operations.md).
 */
export function createMetricsServer(metrics: Metrics): Server {
  return createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.registry.metrics().then(
      (body) => res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(body),
      () => res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
}
