import type { NextFunction, Request, Response } from 'express';
import type { Logger } from './logger';
import { CSRF_ERROR_CODE } from './csrf';

/** What the patient is told about a failure: plain words and a next step, never internals (translation keys). */
export interface ErrorView {
  status: number;
  title: string;
  message: string;
  /** Seconds a client should wait before retrying (sent as Retry-After). */
  retryAfter?: number;
}

/** Maps one family of errors (e.g. VseeError) to a page; returns undefined for errors it does not know. */
export type ErrorDescriber = (err: unknown) => ErrorView | undefined;

function httpStatusOf(err: unknown): number | undefined {
  const status =
    (err as { status?: unknown; statusCode?: unknown } | null)?.status ??
    (err as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

/** Errors raised by Express, body-parser and our middleware, described for patients. */
export const describeHttpError: ErrorDescriber = (err) => {
  if ((err as { code?: unknown })?.code === CSRF_ERROR_CODE) {
    return {
      status: 403,
      title: 'errors.csrfTitle',
      message: 'errors.csrfText',
    };
  }
  switch (httpStatusOf(err)) {
    case 400:
      return { status: 400, title: 'errors.badRequestTitle', message: 'errors.badRequestText' };
    case 413:
      return {
        status: 413,
        title: 'errors.tooLargeTitle',
        message: 'errors.tooLargeText',
      };
    case 415:
      return {
        status: 415,
        title: 'errors.badRequestTitle',
        message: 'errors.unsupportedText',
      };
    case 429: {
      const seconds = (err as { retryAfterSeconds?: unknown }).retryAfterSeconds;
      return {
        status: 429,
        title: 'errors.tooManyTitle',
        message: 'errors.tooManyText',
        retryAfter: typeof seconds === 'number' ? seconds : 60,
      };
    }
    case 503:
      return {
        status: 503,
        title: 'errors.briefTitle',
        message: 'errors.briefText',
        retryAfter: 30,
      };
    default:
      return undefined;
  }
};

const INTERNAL: ErrorView = {
  status: 500,
  title: 'errors.internalTitle',
  message: 'errors.internalText',
};

/** Last middleware but one: a friendly 404 page. */
export function notFound(_req: Request, res: Response): void {
  res.status(404).render('not-found', { title: 'errors.notFoundTitle' });
}

/**
 * The one place errors become pages. The page gets a reference id (the request id); the log line
 * under that id gets the detail. Stacks and upstream messages never reach the page.
 */
export function errorHandler(
  logger: Logger,
  describers: ErrorDescriber[] = [],
  prepareLocals: (req: Request, res: Response) => void = () => undefined,
) {
  // Express recognises error handlers by their four parameters.
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const view =
      [...describers, describeHttpError].reduce<ErrorView | undefined>(
        (found, d) => found ?? d(err),
        undefined,
      ) ?? INTERNAL;
    const ref = String(req.id ?? 'unknown');
    const log = (req.log as Logger | undefined) ?? logger;
    // One error line per failed request: the request logger's line (status, time, id) carries the
    // error, instead of a second line here saying the same thing. Without it (no request logger), log here.
    if (view.status >= 500) {
      if (req.log) res.err = err as Error;
      else logger.error({ err, ref }, 'request failed');
    } else
      log.warn(
        { ref, status: view.status, reason: err instanceof Error ? err.name : typeof err },
        view.title,
      );

    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(view.status);
    res.set('Cache-Control', 'no-store');
    prepareLocals(req, res);
    if (view.retryAfter !== undefined) res.set('Retry-After', String(view.retryAfter));
    res.render('error', { title: view.title, view, ref }, (renderError, html) => {
      // If the error page itself cannot render, still answer in plain text: never hang, never leak.
      if (renderError) {
        log.error({ err: renderError, ref }, 'error page failed to render');
        res.type('text/plain').send(`Reference: ${ref}`);
        return;
      }
      res.send(html);
    });
  };
}
