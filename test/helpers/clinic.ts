import type { Store } from 'express-session';
import request from 'supertest';
import type { AuditAction } from '../../src/audit/audit-log';
import type { Config, VseeSettings } from '../../src/config';
import type { Metrics } from '../../src/ops/metrics';
import { type RunningSandbox, startSandbox } from '../../src/sandbox';
import type { SandboxOptions } from '../../src/sandbox';
import { WORKDAY_START_HOUR_UTC } from '../../src/sandbox/slots';
import { VseeClient, type VseeClientOptions } from '../../src/vsee';
import type { RateLimits } from '../../src/web/rate-limits';
import { openTestDb, type TestDbKind, type TestDb } from './databases';
import { csrfFrom, testId } from './html';
import {
  buildPortal,
  csrfOf,
  newPatient,
  signUp,
  type PatientFields,
  type TestPortalOptions,
} from './portal';
import { capturingLogger } from './logs';

/** The visit type of a room that offers only one (the booking page then skips the type step). */
export const ONE_VISIT_TYPE = { id: '1', description: 'Consultation (15 min)', duration: 15 };

export interface ClinicHarness {
  sandbox: RunningSandbox;
  testDb: TestDb;
  app: ReturnType<typeof buildPortal>;
  vsee: VseeSettings;
  /** Every log line the portal wrote (debug level), for "no token in the logs" checks. */
  logLines: string[];
  /** The portal's logger (capturing into logLines), for background jobs started beside it. */
  logger: ReturnType<typeof capturingLogger>['logger'];
  close(): Promise<void>;
}

/**
 * The portal wired to a real sandbox on an ephemeral port, over real HTTP, as in production:
 * the real VseeClient, a real database, the portal's own logger capturing at debug level.
 */
export async function startClinic(
  options: {
    db?: TestDbKind;
    vsee?: Partial<VseeSettings>;
    sandbox?: SandboxOptions;
    client?: VseeClientOptions;
    /** The portal's config (e.g. a PUBLIC_URL that matches a real listening port); testConfig() if unset. */
    config?: Config;
    /** A session store other than the database's (e.g. Redis). */
    sessionStore?: Store;
    rateLimits?: RateLimits;
    /** Shorter waits for the exactly-once tests (takeover, late-create grace, checking page). */
    clinicTiming?: TestPortalOptions['clinicTiming'];
    /** Metrics recorded by the portal and its VSee client. */
    metrics?: Metrics;
  } = {},
): Promise<ClinicHarness> {
  // One visit type unless a test asks for more: with several, the booking page asks for the type
  // first (test/integration/visit-types.test.ts), which the other booking tests are not about.
  const sandbox = await startSandbox({ port: 0, consultations: [ONE_VISIT_TYPE], ...options.sandbox });
  const testDb = await openTestDb(options.db ?? 'sqlite');
  const vsee = { ...sandbox.vsee, ...options.vsee };
  const { logger, lines: logLines } = capturingLogger();
  const vseeClient = new VseeClient(vsee, {
    logger,
    timeouts: { callMs: 1500 },
    retry: { baseDelayMs: 10 },
    // Off by default: most tests study one failure at a time, and an open circuit would turn the
    // next test's failure into "unavailable". The breaker has its own tests (vsee-breaker.test.ts).
    breaker: { enabled: false },
    metrics: options.metrics,
    ...options.client,
  });
  const app = buildPortal({
    db: testDb.db,
    vsee,
    vseeClient,
    logger,
    config: options.config,
    sessionStore: options.sessionStore,
    rateLimits: options.rateLimits,
    clinicTiming: options.clinicTiming,
    metrics: options.metrics,
  });
  return {
    sandbox,
    testDb,
    app,
    vsee,
    logLines,
    logger,
    close: async () => {
      vseeClient.close();
      await sandbox.close();
      await testDb.close();
    },
  };
}

export type Agent = ReturnType<typeof request.agent>;

/** A signed-up, logged-in patient and their account's VSee code. */
export async function patientOf(harness: ClinicHarness, overrides: Partial<PatientFields> = {}) {
  const agent = request.agent(harness.app);
  const fields = newPatient(overrides);
  await signUp(agent, fields);
  const account = await harness.testDb.db
    .selectFrom('accounts')
    .selectAll()
    .where('email', '=', fields.email.trim().toLowerCase())
    .executeTakeFirstOrThrow();
  return { agent, fields, account };
}

/** The launch key and CSRF token of the dashboard's "See a doctor now" form. */
export async function walkinForm(agent: Agent) {
  const page = await agent.get('/').expect(200);
  const launchKey = /name="launch_key" value="([^"]+)"/.exec(page.text)?.[1];
  if (!launchKey) throw new Error('no launch key on the dashboard');
  return { launchKey, _csrf: await csrfOf(agent, '/') };
}

/** Splits a launch Location into what the tests assert. */
export function parseLaunch(location: string | undefined) {
  if (!location) throw new Error('no Location header');
  const url = new URL(location);
  return {
    origin: url.origin,
    path: url.pathname,
    ssoToken: url.searchParams.get('sso_token'),
    next: url.searchParams.get('next'),
    params: url.searchParams,
  };
}

/** Follows a launch into the sandbox's pages as a browser would (a fresh cookie jar: VSee's own session). */
export async function followIntoSandbox(harness: ClinicHarness, location: string) {
  const browser = request.agent(harness.sandbox.app);
  const url = new URL(location);
  const auth = await browser.get(`${url.pathname}${url.search}`);
  if (auth.status !== 302) throw new Error(`sandbox /auth answered ${auth.status}`);
  const landing = new URL(auth.headers.location!, location);
  const page = await browser.get(`${landing.pathname}${landing.search}`);
  return { auth, page };
}

/** A form page's launch key and CSRF token (the appointment and eConsult pages), and the page itself. */
export async function launchForm(agent: Agent, path: string) {
  const page = await agent.get(path);
  if (page.status !== 200) throw new Error(`${path} answered ${page.status}`);
  const launchKey = /name="launch_key" value="([^"]+)"/.exec(page.text)?.[1];
  if (!launchKey) throw new Error(`no launch key on ${path}`);
  return { page, launchKey, _csrf: csrfFrom(page.text) };
}

/** The booking page's links to its other days, in page order, as paths to request. */
export function dayLinksOf(html: string): string[] {
  return [...html.matchAll(/<a href="([^"]+)" class="day-link"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
}

/**
 * The booking form from `path`, walking its days (the page lists one day's times at a time) until
 * one offers a slot starting more than `aheadMs` from now: that page's form and the slot.
 */
export async function bookingFormWithSlotAfter(agent: Agent, path: string, aheadMs: number) {
  const farEnough = (html: string) => slotsOf(html).find((s) => s.start * 1000 > Date.now() + aheadMs);
  let form = await launchForm(agent, path);
  for (const day of dayLinksOf(form.page.text)) {
    if (farEnough(form.page.text)) break;
    form = await launchForm(agent, day);
  }
  const slot = farEnough(form.page.text);
  if (!slot) throw new Error(`no slot more than ${aheadMs} ms ahead from ${path}`);
  return { form, slot };
}

export interface OfferedSlot {
  /** The form value, `start-end-providerId`. */
  value: string;
  start: number;
  end: number;
  providerId: string;
  /** The day heading the slot is listed under. */
  day: string;
  /** "9:00 AM–9:30 AM" as shown. */
  time: string;
  provider: string;
}

/**
 * The slots the "Schedule an appointment" page offers for the day it shows (one day at a time), in
 * page order, with that day.
 */
export function slotsOf(html: string): OfferedSlot[] {
  const slots: OfferedSlot[] = [];
  for (const block of html.split('<fieldset id="slot"').slice(1)) {
    const day = /data-day="([^"]*)"/.exec(block)?.[1]?.trim() ?? '';
    const items =
      /value="(\d+)-(\d+)-([^"]+)"[^>]*>\s*<label[^>]*><span class="slot-time">([^<]*)<\/span> <span class="slot-provider">([^<]*)</g;
    for (const m of block.matchAll(items)) {
      slots.push({
        value: `${m[1]}-${m[2]}-${m[3]}`,
        start: Number(m[1]),
        end: Number(m[2]),
        providerId: m[3]!,
        day,
        time: m[4]!,
        provider: m[5]!,
      });
    }
  }
  return slots;
}

/** The friendly error page as a patient reads it: its heading and the reference id. */
export function errorPageOf(html: string) {
  return { title: /<h1>([^<]*)<\/h1>/.exec(html)?.[1], ref: testId(html, 'error-ref') };
}

/** The message shown beside a form field (`<p class="field-error" id="{name}-error">`). */
export function fieldError(html: string, name: string): string | undefined {
  const inner = new RegExp(`id="${name}-error"[^>]*>([\\s\\S]*?)</p>`).exec(html)?.[1];
  return inner
    ?.replace(/<span class="visually-hidden">[^<]*<\/span>/g, '')
    .replace(/<[^>]*>/g, '')
    .trim();
}

/** The visits rows of one account, oldest first. */
export function visitRowsOf(harness: ClinicHarness, accountId: number) {
  return harness.testDb.db
    .selectFrom('visits')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
}

/** The audit events of one account, oldest first (optionally one action only). */
export function auditOf(harness: ClinicHarness, accountId: number, action?: AuditAction) {
  let query = harness.testDb.db.selectFrom('audit_events').selectAll().where('account_id', '=', accountId);
  if (action) query = query.where('action', '=', action);
  return query.orderBy('id').execute();
}

/** The VSee visits of the patient with this account's VSee code, oldest first. */
export function sandboxVisitsOf(harness: ClinicHarness, vseeCode: string) {
  const user = harness.sandbox.state.userByCode(vseeCode);
  return user ? harness.sandbox.state.visitsOf(user.id) : [];
}

/** Endpoints the sandbox was called on, in order. */
export function endpointsCalled(harness: ClinicHarness): string[] {
  return harness.sandbox.requestLog.entries().map((c) => c.endpoint);
}

/** One visit's entry on My visits, as the patient sees it: status, when it changed, Rejoin offered. */
export async function myVisit(agent: Agent, id: number) {
  const page = await agent.get('/visits').expect(200);
  const start = page.text.indexOf(`data-testid="visit-${id}"`);
  const item = page.text.slice(start, page.text.indexOf('</li>', start));
  return {
    status: testId(item, 'visit-status'),
    rejoin: item.includes(`/visits/${id}/rejoin`),
    changed: testId(item, 'visit-status-changed'),
    lastUpdated: testId(item, 'visit-last-updated'),
  };
}

/**
 * A sandbox clock that reads an hour before its next working day starts (08:00 UTC) and moves on
 * with real time. The sandbox offers slots from its own clock and the portal asks from the real one:
 * with the real clock inside working hours the first slot offered (and its provider, 15- or 30-minute
 * slots) would depend on the minute the test runs. From here every patient's first slot is the next
 * working day's first one, 09:00 UTC, which the portal's window (real now + 14 days) still contains.
 */
export function beforeNextWorkday(realNowMs = Date.now()) {
  const day = 86_400_000;
  let pinned = Math.floor(realNowMs / day) * day + (WORKDAY_START_HOUR_UTC - 1) * 3_600_000;
  if (pinned <= realNowMs) pinned += day;
  const offset = pinned - realNowMs;
  return {
    now: () => Date.now() + offset,
    /** The first slot's start, Unix seconds: 09:00 UTC of the sandbox's next working day. */
    firstSlotStart: (pinned + 3_600_000) / 1000,
  };
}
