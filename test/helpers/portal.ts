import type { Express } from 'express';
import type { Store } from 'express-session';
import request from 'supertest';
import { type AppDeps, createApp } from '../../src/app';
import { type Config, loadConfig, type VseeSettings } from '../../src/config';
import type { Db } from '../../src/db/connection';
import type { Metrics } from '../../src/ops/metrics';
import { DbSessionStore } from '../../src/portal/session-store';
import { createLogger, type Logger } from '../../src/web/logger';
import type { ReadinessCheck } from '../../src/web/health';
import { DEFAULT_RATE_LIMITS, RateLimits } from '../../src/web/rate-limits';
import { VseeClient } from '../../src/vsee';
import { normalizeEmail } from '../../src/portal/accounts';
import { csrfFrom } from './html';
import { linkIn, mailTo, type TestSmtp } from './smtp';

/** A config for tests: development defaults plus the given environment keys. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
}

/** The VSEE_* settings that point a portal (its config or its process) at this clinic. */
export function vseeEnv(vsee: VseeSettings): Record<string, string> {
  return {
    VSEE_API_URL: vsee.apiUrl,
    VSEE_CLINIC_URL: vsee.clinicUrl,
    VSEE_ACCOUNT_CODE: vsee.accountCode,
    VSEE_API_KEY: vsee.apiKey,
    VSEE_API_SECRET: vsee.apiSecret,
    VSEE_ROOM_CODE: vsee.roomCode,
  };
}

/** VSee settings for tests that never reach VSee (nothing listens on port 9: NOTHING_LISTENS_PORT). */
export const UNREACHABLE_VSEE: VseeSettings = {
  apiUrl: 'http://127.0.0.1:9/vc/next/api_v3/',
  clinicUrl: 'http://127.0.0.1:9/vc/next/',
  accountCode: 'test',
  apiKey: 'test-key',
  apiSecret: 'test-secret',
  roomCode: 'test-room',
  disableNavigation: false,
  disableEmails: false,
};

export interface TestPortalOptions {
  db: Db;
  config?: Config;
  vsee?: VseeSettings;
  vseeClient?: VseeClient;
  sessionStore?: Store;
  logger?: Logger;
  readinessChecks?: ReadinessCheck[];
  isDraining?: () => boolean;
  rateLimits?: RateLimits;
  clinicTiming?: AppDeps['clinicTiming'];
  metrics?: Metrics;
}

/** The real app, built as server.ts builds it, on the given database. */
export function buildPortal(options: TestPortalOptions): Express {
  const config = options.config ?? testConfig();
  const vsee = options.vsee ?? UNREACHABLE_VSEE;
  const logger = options.logger ?? createLogger('silent');
  return createApp({
    config,
    vsee,
    vseeClient: options.vseeClient ?? new VseeClient(vsee, { logger }),
    db: options.db,
    logger,
    sessionStore: options.sessionStore ?? new DbSessionStore(options.db),
    readinessChecks: options.readinessChecks,
    isDraining: options.isDraining,
    // Test files sign many patients up from 127.0.0.1; the per-IP sign-up limit has its own test.
    rateLimits: options.rateLimits ?? new RateLimits({ ...DEFAULT_RATE_LIMITS, signupsPerIpPerHour: 10_000 }),
    clinicTiming: options.clinicTiming,
    metrics: options.metrics,
  });
}

export interface PatientFields {
  first_name: string;
  last_name: string;
  dob: string;
  email: string;
  password: string;
}

let counter = 0;
/** A valid, unique sign-up form. */
export function newPatient(overrides: Partial<PatientFields> = {}): PatientFields {
  counter += 1;
  return {
    first_name: 'Ada',
    last_name: 'Lovelace',
    dob: '1985-12-10',
    email: `ada.${process.pid}.${counter}.${Date.now()}@example.test`,
    password: 'correct horse battery staple',
    ...overrides,
  };
}

type Agent = ReturnType<typeof request.agent>;

/** Fetches a page and returns its CSRF token (the agent keeps the session cookie). */
export async function csrfOf(agent: Agent, path: string): Promise<string> {
  const page = await agent.get(path).expect(200);
  return csrfFrom(page.text);
}

/**
 * Signs a patient up through the real form; returns the response: 303 to / (logged in) on success
 * with email verification off, 303 to /signup/sent with it on (see signUpAndConfirm).
 */
export async function signUp(agent: Agent, fields: PatientFields) {
  const _csrf = await csrfOf(agent, '/signup');
  return agent
    .post('/signup')
    .type('form')
    .send({ ...fields, _csrf });
}

/**
 * Follows an emailed confirmation link as a patient does: the page (which uses nothing up), then its
 * button. Returns the response to the button.
 */
export async function confirmEmailLink(agent: Agent, path: string) {
  const page = await agent.get(path);
  if (page.status !== 200) throw new Error(`the confirmation link answered ${page.status}`);
  return agent
    .post(path)
    .type('form')
    .send({ _csrf: csrfFrom(page.text) });
}

/**
 * Signs up with email verification on: the form answers "check your email", and the link in the
 * email, opened in the same browser and confirmed, logs the patient in. Returns the response to the
 * confirmation (303 to /).
 */
export async function signUpAndConfirm(agent: Agent, fields: PatientFields, smtp: TestSmtp) {
  const res = await signUp(agent, fields);
  if (res.status !== 303 || res.headers.location !== '/signup/sent') {
    throw new Error(`sign-up answered ${res.status} ${res.headers.location ?? ''}`);
  }
  const link = linkIn(
    await mailTo(smtp, normalizeEmail(fields.email), /Confirm your email/),
    '/email/verify/',
  );
  return confirmEmailLink(agent, new URL(link).pathname);
}

/** Logs in through the real form. */
export async function logIn(agent: Agent, email: string, password: string) {
  const _csrf = await csrfOf(agent, '/login');
  return agent.post('/login').type('form').send({ email, password, _csrf });
}

/** Logs out with the POST form from the header. */
export async function logOut(agent: Agent) {
  const _csrf = await csrfOf(agent, '/');
  return agent.post('/logout').type('form').send({ _csrf });
}
