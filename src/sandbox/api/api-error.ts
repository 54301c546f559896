import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';

/** A failure answered as VSee does: HTTP status N and `{"code":N,"message":"…"}` (docs/vsee-contract.md §0). */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The text VSee's own error sample uses for an unknown path (docs/vsee-contract.md §0). */
export const NOT_AVAILABLE = 'Sorry, this page is not available.';

/** Unknown API paths (and wrong methods) answer 404 in the VSee envelope. */
export const apiNotFound: RequestHandler = (_req, _res, next) => {
  next(new ApiError(404, NOT_AVAILABLE));
};

function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

/** Turns every error into the VSee error envelope; body-parser and multer errors become 400/413. */
export function apiErrorHandler(logger?: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    let status: number;
    let message: string;
    if (err instanceof ApiError) {
      ({ status, message } = err);
    } else if ((err as { name?: unknown } | null)?.name === 'MulterError') {
      status = 400;
      message = 'Multipart bodies may carry fields only, not files.';
    } else if (statusOf(err) !== undefined) {
      status = statusOf(err) ?? 400;
      message = status === 413 ? 'Request body too large.' : 'Malformed request body.';
    } else {
      status = 500;
      message = 'Internal sandbox error.';
      logger?.error({ err }, 'sandbox API handler failed');
    }
    res.status(status).json({ code: status, message });
  };
}
