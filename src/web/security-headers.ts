import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

const NONCE_BYTES = 16;
/** Random bytes drawn from the OS a batch at a time (256 nonces), not one system call per response. */
const NONCE_BATCH = NONCE_BYTES * 256;
let nonceBytes = Buffer.alloc(0);
let nonceOffset = 0;

/** 16 fresh random bytes, base64: each handed out once, never reused. */
export function nextNonce(): string {
  if (nonceOffset + NONCE_BYTES > nonceBytes.length) {
    nonceBytes = randomBytes(NONCE_BATCH);
    nonceOffset = 0;
  }
  const nonce = nonceBytes.toString('base64', nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

/** A fresh CSP nonce per response, for the few `<script>` tags our layout includes. */
export function cspNonce(_req: Request, res: Response, next: NextFunction): void {
  res.locals.cspNonce = nextNonce();
  next();
}

/**
 * helmet with our CSP. `form-action` must list the VSee clinic origin: a launch is a form POST
 * answered by a 302 to VSee, and Chromium applies form-action to that redirect (w3c/webappsec-csp#8).
 */
export function securityHeaders(options: {
  clinicOrigin: string;
  isProduction: boolean;
  /** Where images may also come from (the clinic's logo, CLINIC_LOGO_URL). */
  imageOrigins?: string[];
}) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce as string}'`],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', ...(options.imageOrigins ?? [])],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'", options.clinicOrigin],
        ...(options.isProduction ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
  });
}

/** Pages for a logged-in patient and every launch answer must never sit in a cache (PHI, tokens). */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.set('Cache-Control', 'no-store');
  next();
}
