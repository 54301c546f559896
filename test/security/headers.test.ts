import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DbSessionStore } from '../../src/portal/session-store';
import type { VseeClient } from '../../src/vsee';
import {
  type Agent,
  type ClinicHarness,
  launchForm,
  patientOf,
  slotsOf,
  startClinic,
  walkinForm,
} from '../helpers/clinic';
import { openTestDb } from '../helpers/databases';
import { buildPortal, csrfOf, logIn, newPatient, signUp } from '../helpers/portal';

// docs/security.md H1 (CSP with a per-response nonce) and H2 (headers on every route, including
// redirects and error pages), asserted helmet-style: expected value, or null for "must be absent".

type Expected = Record<string, string | RegExp | null>;

/** helmet's test/helpers.ts `check`, for a response already fetched. */
function check(res: request.Response, expected: Expected): void {
  for (const [name, want] of Object.entries(expected)) {
    const got = res.headers[name.toLowerCase()] as string | undefined;
    const where = `${res.status} ${(res as unknown as { req: { path: string } }).req.path}: ${name}`;
    if (want === null) expect({ where, got }).toEqual({ where, got: undefined });
    else if (want instanceof RegExp)
      expect({ where, got }).toEqual({ where, got: expect.stringMatching(want) });
    else expect({ where, got }).toEqual({ where, got: want });
  }
}

const EVERY_RESPONSE: Expected = {
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'X-Powered-By': null,
};
const DYNAMIC: Expected = { ...EVERY_RESPONSE, 'Cache-Control': 'no-store' };
const HTML: Expected = { ...DYNAMIC, 'Content-Type': 'text/html; charset=utf-8' };

/** The CSP as a map of directive → sources. */
function cspOf(res: request.Response): Map<string, string[]> {
  const header = res.headers['content-security-policy'] as string | undefined;
  if (!header) throw new Error(`${res.status}: no Content-Security-Policy`);
  return new Map(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe('security headers on every route (docs/security.md H1, H2)', () => {
  let h: ClinicHarness;
  let agent: Agent;
  const pages = new Map<string, request.Response>();

  /** Every route a patient can reach, logged out and logged in, collected once for all the checks. */
  beforeAll(async () => {
    h = await startClinic({ vsee: { adminToken: undefined } });
    const anonymous = request.agent(h.app);
    for (const path of ['/', '/login', '/signup', '/no/such/page'])
      pages.set(`anon ${path}`, await anonymous.get(path));
    pages.set('healthz', await anonymous.get('/healthz'));
    pages.set('static', await anonymous.get('/static/js/app.js'));

    const patient = await patientOf(h);
    agent = patient.agent;
    pages.set('login 303', await logIn(request.agent(h.app), patient.fields.email, patient.fields.password));

    const walkin = await walkinForm(agent);
    pages.set(
      'launch 302',
      await agent
        .post('/visits/walkin')
        .type('form')
        .send({ _csrf: walkin._csrf, launch_key: walkin.launchKey }),
    );
    const appointment = await launchForm(agent, '/appointments/new');
    const booked = await agent
      .post('/appointments')
      .type('form')
      .send({
        _csrf: appointment._csrf,
        launch_key: appointment.launchKey,
        slot: slotsOf(appointment.page.text)[0]!.value,
      });
    const econsult = await launchForm(agent, '/econsult/new');
    const asked = await agent
      .post('/econsult')
      .type('form')
      .send({ _csrf: econsult._csrf, launch_key: econsult.launchKey, reason: 'Rash' });
    const visits = await agent.get('/visits');
    const invite = /href="(\/visits\/\d+\/invite)"/.exec(visits.text)![1]!;
    for (const path of ['/', '/profile', '/visits', '/appointments/new', '/econsult/new', '/no/such/page']) {
      pages.set(`user ${path}`, await agent.get(path));
    }
    for (const path of [booked.headers.location!, asked.headers.location!, invite]) {
      pages.set(`user ${path.replace(/\d+/, ':id')}`, await agent.get(path));
    }

    const broken = await openTestDb('sqlite');
    const brokenApp = buildPortal({ db: broken.db, vsee: h.vsee });
    const brokenAgent = request.agent(brokenApp);
    await signUp(brokenAgent, newPatient());
    await broken.db.destroy();
    pages.set('500', await brokenAgent.get('/profile'));
  }, 30_000);
  afterAll(() => h.close());

  it('every route answered as expected (the inventory the other checks rely on)', () => {
    const statuses = Object.fromEntries([...pages].map(([k, res]) => [k, res.status]));
    expect(statuses).toEqual({
      'anon /': 200,
      'anon /login': 200,
      'anon /signup': 200,
      'anon /no/such/page': 404,
      healthz: 200,
      static: 200,
      'login 303': 303,
      'launch 302': 302,
      'user /': 200,
      'user /profile': 200,
      'user /visits': 200,
      'user /appointments/new': 200,
      'user /econsult/new': 200,
      'user /no/such/page': 404,
      'user /appointments/:id': 200,
      'user /econsult/:id': 200,
      'user /visits/:id/invite': 200,
      '500': 500,
    });
  });

  it('H2: HSTS, nosniff, no-referrer, COOP and no X-Powered-By everywhere; no-store everywhere but /static', () => {
    for (const [name, res] of pages) {
      if (name === 'static') {
        check(res, { ...EVERY_RESPONSE, 'Cache-Control': /^public, max-age=\d+$/ });
      } else if (/^text\/html/.test(String(res.headers['content-type']))) {
        check(res, HTML);
      } else {
        check(res, DYNAMIC);
      }
    }
    check(pages.get('healthz')!, { 'Content-Type': 'application/json; charset=utf-8' });
  });

  it('H2: every page, the 404 and the 500 included, is HTML with a charset', () => {
    for (const [name, res] of pages) {
      if (['healthz', 'static', 'login 303', 'launch 302'].includes(name)) continue;
      check(res, { 'Content-Type': 'text/html; charset=utf-8' });
    }
  });

  it('H1: every HTML response has the CSP, with a nonce that is on every <script> and differs per response', () => {
    const nonces = new Set<string>();
    let htmlPages = 0;
    for (const [, res] of pages) {
      if (!/^text\/html/.test(String(res.headers['content-type']))) continue;
      htmlPages += 1;
      const csp = cspOf(res);
      const scriptSrc = csp.get('script-src')!;
      expect(scriptSrc[0]).toBe("'self'");
      expect(scriptSrc).toHaveLength(2);
      const nonce = /^'nonce-([A-Za-z0-9+/=]{16,})'$/.exec(scriptSrc[1]!)?.[1];
      expect(nonce).toBeDefined();
      nonces.add(nonce!);
      const scripts = [...res.text.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce!}"`);
      expect(csp.get('script-src-attr')).toEqual(["'none'"]);
      expect(csp.get('object-src')).toEqual(["'none'"]);
      expect(csp.get('base-uri')).toEqual(["'self'"]);
      expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
      // The launch is a form POST answered by a redirect to VSee; Chromium applies form-action to it.
      expect(csp.get('form-action')).toEqual(["'self'", new URL(h.vsee.clinicUrl).origin]);
    }
    expect(htmlPages).toBeGreaterThan(10);
    expect(nonces.size).toBe(htmlPages);
  });

  it('H1: the launch 302 carries no body and no token-bearing page', () => {
    const res = pages.get('launch 302')!;
    expect(res.text).toBe('');
  });
});

describe('the views carry no inline script (docs/security.md H1)', () => {
  const root = join(__dirname, '..', '..', 'views');
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ejs'));

  it('finds the templates', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files)('%s: no on*= handler attributes and no <script> with inline content', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    expect(text.match(/\son[a-z]+\s*=/gi)).toBeNull();
    // EJS tags (`<%= … %>`) inside the start tag contain a `>` of their own.
    for (const m of text.matchAll(/<script\b((?:<%[\s\S]*?%>|[^>])*)>([\s\S]*?)<\/script>/gi)) {
      expect(m[2]!.trim()).toBe('');
      expect(m[1]).toContain('nonce="<%= cspNonce %>"');
    }
    expect(text).not.toMatch(/javascript:/i);
  });
});

describe('errors (docs/security.md O5)', () => {
  it('when a handler rejects, the patient gets a 500 page with a reference and no stack, and the app keeps serving', async () => {
    const testDb = await openTestDb('sqlite');
    try {
      // A VSee client whose every call rejects with a plain (unexpected) Error, as a bug would.
      const failing = new Proxy({} as VseeClient, {
        get: (_target, prop) =>
          prop === 'then' ? undefined : () => Promise.reject(new Error('kaboom at secret internals')),
      });
      const app = buildPortal({ db: testDb.db, vseeClient: failing });
      const agent = request.agent(app);
      await signUp(agent, newPatient());
      const _csrf = await csrfOf(agent, '/');

      const res = await agent.post('/clinic/go').type('form').send({ _csrf });

      expect(res.status).toBe(500);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toMatch(/data-testid="error-ref">[0-9a-f-]{36}</);
      expect(res.text).not.toMatch(/\bat \S+ \(|\bat \//);
      expect(res.text).not.toContain('kaboom');
      expect((await agent.get('/profile')).status).toBe(200);
    } finally {
      await testDb.close();
    }
  });

  it('when middleware throws synchronously, the same: 500 page with a reference, and the next request is served', async () => {
    const testDb = await openTestDb('sqlite');
    try {
      const store = new DbSessionStore(testDb.db);
      let explode = false;
      const get = store.get.bind(store);
      store.get = (sid: string, callback: Parameters<DbSessionStore['get']>[1]) => {
        if (explode) throw new Error('kaboom at secret internals');
        get(sid, callback);
      };
      const app = buildPortal({ db: testDb.db, sessionStore: store });
      const agent = request.agent(app);
      await signUp(agent, newPatient());
      explode = true;

      const res = await agent.get('/profile');

      expect(res.status).toBe(500);
      expect(res.text).toMatch(/data-testid="error-ref">[0-9a-f-]{36}</);
      expect(res.text).not.toMatch(/\bat \S+ \(|\bat \//);
      expect(res.text).not.toContain('kaboom');
      explode = false;
      expect((await agent.get('/profile')).status).toBe(200);
    } finally {
      await testDb.close();
    }
  });
});
