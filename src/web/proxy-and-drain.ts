import type { NextFunction, Request, Response } from 'express';
import type { Logger } from './logger';

/**
 * Production behind a TLS proxy with TRUST_PROXY=0 looks like plain HTTP to Express: secure cookies
 * are never set and every form fails as "expired". The proxy's X-Forwarded-Proto gives it away, so
 * say what to change, once per process (not once per request).
 */
export function warnAboutUntrustedProxy(
  logger: Logger,
  options: { trustProxy: number; isProduction: boolean },
) {
  let warned = !options.isProduction || options.trustProxy > 0;
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!warned && req.headers['x-forwarded-proto'] !== undefined) {
      warned = true;
      logger.warn(
        'requests arrive through a proxy (X-Forwarded-Proto) but TRUST_PROXY is 0: secure cookies and forms ' +
          'will fail. Set TRUST_PROXY to the number of proxies in front of the portal (usually 1).',
      );
    }
    next();
  };
}

/**
 * While draining, every answer closes its connection, so keep-alive clients let the server close.
 * Decided when the headers go out, not when the request arrived: a request already in flight at
 * SIGTERM must close its connection too.
 */
export function closeConnectionsWhenDraining(isDraining: () => boolean) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: unknown[]) {
      if (isDraining() && !this.headersSent) this.setHeader('Connection', 'close');
      return (writeHead as (...a: unknown[]) => Response).apply(this, args);
    } as Response['writeHead'];
    next();
  };
}
