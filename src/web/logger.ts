import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Paths pino blanks before a line is written. Belt and braces: our serializers already leave out
 * headers and query strings, but an object logged by mistake must not carry a credential.
 */
export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-apitoken"]',
  'req.headers["x-apikey"]',
  'req.headers["x-apisecret"]',
  'req.headers["x-webhook-secret"]',
  'res.headers["set-cookie"]',
  'res.headers.location',
  'headers.cookie',
  'headers.authorization',
  'headers["x-apitoken"]',
  'headers["x-apikey"]',
  'headers["x-apisecret"]',
  '*.password',
  '*.password_hash',
  '*.sso_token',
  '*.token',
  '*.apiKey',
  '*.apiSecret',
  '*.adminToken',
  '*.location',
  'password',
  'sso_token',
  'token',
  'location',
];

/** The version in package.json (same place from src/ and dist/), for the `version` on every line. */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const SERVICE = 'vsee-patient-bridge';
const VERSION = packageVersion();

/**
 * The process logger: JSON lines on stdout (or the given stream), secrets redacted. Every line says
 * which service, version and process wrote it, so lines from several instances can be told apart.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: SERVICE, version: VERSION, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
