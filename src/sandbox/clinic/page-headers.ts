import type { RequestHandler } from 'express';

/**
 * Pages carry sign-in tokens in their URLs, so they are never cached and never leak a Referer.
 * The CSP allows no script at all: the pages are plain HTML forms and links. `data:` images only for
 * the empty favicon link, so the browser does not ask for /favicon.ico and log a 404.
 */
export const pageHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy':
      "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'",
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  next();
};
