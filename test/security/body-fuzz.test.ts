import type { Server } from 'node:http';
import fc from 'fast-check';
import request from 'supertest';
import { VseeClient } from '../../src/vsee';
import { createLogger } from '../../src/web/logger';
import { DEFAULT_RATE_LIMITS, RateLimits } from '../../src/web/rate-limits';
import { type ClinicHarness, startClinic } from '../helpers/clinic';
import { csrfFrom, sessionCookie } from '../helpers/html';
import { buildPortal, newPatient, signUp } from '../helpers/portal';

// docs/security.md R3: whatever arrives as a body (Unicode, oversize, repeated or nested keys, JSON, the
// wrong content type), a POST answers a 2xx/3xx/4xx and never a 5xx, and nothing reaches VSee.
// The checklist's 5000 runs, each a full HTTP round trip (some with an argon2 check).

const ALLOWED = [200, 302, 303, 400, 401, 403, 409, 413, 415, 422, 429];
const ENDPOINTS = ['/login', '/signup', '/visits/walkin', '/econsult'] as const;

const CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'application/x-www-form-urlencoded; charset=utf-16',
  'application/x-www-form-urlencoded; charset=iso-8859-1',
  'application/json',
  'text/plain',
  'text/html',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/x-www-form-urlencoded, application/json',
  'garbage',
];

const FIELD_NAMES = [
  'email',
  'password',
  'first_name',
  'last_name',
  'dob',
  'reason',
  'details',
  'launch_key',
  'slot',
  'email[]',
  'password[]',
  'reason[]',
  'a[b][c]',
  'email[a]',
  '__proto__',
  '__proto__[polluted]',
  'constructor[prototype][polluted]',
  '_csrf',
  '_csrf[]',
];

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.constantFrom('', ' ', 'a@b.c', '1985-12-10', '00000000-0000-4000-8000-000000000000', '%', '%zz', '&&=='),
  fc.integer({ min: 9_000, max: 20_000 }).map((n) => 'é'.repeat(n)),
);

/** A form body; `csrf` true puts the session's real token in, so the fuzz reaches the handlers. */
const formBody = (token: string) =>
  fc
    .record({
      fields: fc.array(
        fc.tuple(fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.string({ maxLength: 20 })), text),
        {
          maxLength: 12,
        },
      ),
      csrf: fc.boolean(),
      encode: fc.boolean(),
    })
    .map(({ fields, csrf, encode }) => {
      const pairs = csrf ? [...fields, ['_csrf', token] as [string, string]] : fields;
      const enc = encode ? encodeURIComponent : (s: string) => s;
      return pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
    });

const jsonBody = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null');
const rawBody = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 2000 }),
  fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b).toString('latin1')),
);

describe('fuzzed bodies never crash a POST or reach VSee (docs/security.md R3)', () => {
  let h: ClinicHarness;
  let server: Server;
  let cookie: string;
  let token: string;

  beforeAll(async () => {
    h = await startClinic();
    // The launch limits are lifted so the fuzz reaches validation instead of stopping at 429.
    const rateLimits = new RateLimits({
      ...DEFAULT_RATE_LIMITS,
      visitCreationsPerMinute: 1e6,
      launchesPerMinute: 1e6,
    });
    const logger = createLogger('silent');
    const app = buildPortal({
      db: h.testDb.db,
      vsee: h.vsee,
      vseeClient: new VseeClient(h.vsee, { logger, timeouts: { callMs: 1500 } }),
      logger,
      rateLimits,
    });
    server = app.listen(0, '127.0.0.1');
    const agent = request.agent(server);
    const signup = await signUp(agent, newPatient());
    cookie = sessionCookie(signup.headers['set-cookie'])!;
    token = csrfFrom((await agent.get('/')).text);
    h.sandbox.requestLog.clear();
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await h.close();
  });

  it('5000 arbitrary bodies across /login, /signup, /visits/walkin and /econsult: no 5xx, and no rejected body reaches VSee', async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ENDPOINTS),
        fc.constantFrom(...CONTENT_TYPES),
        fc.oneof({ weight: 3, arbitrary: formBody(token) }, jsonBody, rawBody),
        async (path, contentType, body) => {
          const callsBefore = h.sandbox.requestLog.entries().length;
          const res = await request(server)
            .post(path)
            .set('Cookie', cookie)
            .set('Content-Type', contentType)
            .send(body);
          seen.add(res.status);
          // Only an accepted launch (302 into VSee, 303 to the eConsult page) may call VSee: over 5000
          // runs the fuzz does assemble a genuinely valid form (a UUID launch key plus the real CSRF
          // token), and that one must launch. Every rejected body must leave VSee untouched.
          const reachedVsee = h.sandbox.requestLog.entries().length > callsBefore;
          expect({
            path,
            contentType,
            body: body.slice(0, 200),
            allowed: ALLOWED.includes(res.status),
            rejectedButReachedVsee: reachedVsee && res.status !== 302 && res.status !== 303,
            status: res.status,
          }).toMatchObject({ allowed: true, rejectedButReachedVsee: false });
        },
      ),
      { numRuns: 5000 },
    );

    // The fuzz must reach past the guards, or it proves little: validation errors must be among the answers.
    expect([...seen]).toEqual(expect.arrayContaining([400, 403, 413, 415]));
  }, 300_000);
});
