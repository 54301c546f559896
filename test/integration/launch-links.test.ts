import request from 'supertest';
import type { JWTPayload } from 'jose';
import { type ClinicHarness, parseLaunch, startClinic } from '../helpers/clinic';
import {
  type JwksServer,
  LAUNCH_ISSUER,
  LAUNCH_SECRET,
  launchClaims,
  PORTAL_URL,
  signHs256,
  startJwksServer,
  unsignedToken,
} from '../helpers/launch-tokens';
import { newPatient, signUp, testConfig } from '../helpers/portal';

const RETURN_URL = 'https://portal.clinic.example/home';

describe('signed launch links', () => {
  let harness: ClinicHarness;
  let jwks: JwksServer;

  beforeAll(async () => {
    jwks = await startJwksServer();
    harness = await startClinic({
      config: testConfig({
        PUBLIC_URL: PORTAL_URL,
        LAUNCH_JWT_SECRET: LAUNCH_SECRET,
        LAUNCH_JWKS_URL: jwks.url,
        LAUNCH_JWT_ISSUER: LAUNCH_ISSUER,
        LAUNCH_RETURN_URL: RETURN_URL,
      }),
    });
  });
  afterAll(async () => {
    await harness?.close();
    await jwks?.close();
  });
  beforeEach(() => harness.sandbox.requestLog.clear());

  const db = () => harness.testDb.db;
  const vseeCalls = () => harness.sandbox.requestLog.entries().map((e) => e.endpoint);
  const accountCount = async () =>
    (
      await db()
        .selectFrom('accounts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
  const lastAudit = () =>
    db().selectFrom('audit_events').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
  const ssoCall = () => harness.sandbox.requestLog.entries().find((e) => e.endpoint === 'users/sso');

  describe('when the token is valid', () => {
    it('logs the patient in as a new account and goes to the clinic in one 302 (HS256)', async () => {
      const claims = launchClaims();
      const agent = request.agent(harness.app);

      const res = await agent.get(`/launch?token=${await signHs256(claims)}`);

      expect(res.status).toBe(302);
      const launch = parseLaunch(res.headers.location);
      expect(launch.origin).toBe(new URL(harness.vsee.clinicUrl).origin);
      expect(launch.ssoToken).toBeTruthy();
      expect(ssoCall()?.fields).toMatchObject({
        first_name: 'Ada',
        last_name: 'Lovelace',
        dob: '1985-12-10',
      });
      const identity = await db()
        .selectFrom('identities')
        .innerJoin('accounts', 'accounts.id', 'identities.account_id')
        .selectAll()
        .where('subject', '=', String(claims.sub))
        .executeTakeFirstOrThrow();
      expect(identity).toMatchObject({ issuer: LAUNCH_ISSUER, first_name: 'Ada', password_hash: null });
      // The portal's opaque code by default, never the clinic's id or the email.
      expect(ssoCall()?.fields.code).toBe(identity.vsee_code);
      expect(await lastAudit()).toMatchObject({ action: 'launch_clinic', outcome: 'success' });
      // The session is the patient's: their dashboard, without a password.
      const home = await agent.get('/').expect(200);
      expect(home.text).toContain('Ada Lovelace');
    });

    it('accepts an ES256 token verified with the clinic portal’s JWKS and starts a walk-in with the reason', async () => {
      const res = await request(harness.app).get(
        `/launch?token=${await jwks.sign(launchClaims({ action: 'walkin', reason: 'Sore throat' }))}`,
      );

      expect(res.status).toBe(302);
      expect(parseLaunch(res.headers.location).next).toMatch(/visits\/start\/\d+$/);
      expect(vseeCalls()).toEqual(expect.arrayContaining(['users/sso', 'intakes', 'visits/add_walkin']));
      const intake = harness.sandbox.requestLog.entries().find((e) => e.endpoint === 'intakes');
      expect(JSON.stringify(intake?.fields)).toContain('Sore throat');
    });

    it('accepts the token as a form field posted from the clinic’s site (no CSRF token of ours)', async () => {
      const res = await request(harness.app)
        .post('/launch')
        .set('Origin', 'https://portal.clinic.example')
        .set('Sec-Fetch-Site', 'cross-site')
        .type('form')
        .send({ token: await signHs256(launchClaims()) });

      expect(res.status).toBe(302);
      expect(parseLaunch(res.headers.location).ssoToken).toBeTruthy();
    });

    it.each([
      ['schedule', '/appointments/new'],
      ['econsult', '/econsult/new'],
      ['visits', '/visits'],
    ])('action %s opens the portal page %s, logged in', async (action, page) => {
      const agent = request.agent(harness.app);
      const res = await agent.get(`/launch?token=${await signHs256(launchClaims({ action }))}`);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(page);
      await agent.get(page).expect(200);
    });

    it('finds the same account by (issuer, subject) next time and updates its details from the claims', async () => {
      const sub = `mrn-returning-${Date.now()}`;
      await request(harness.app)
        .get(`/launch?token=${await signHs256(launchClaims({ sub }))}`)
        .expect(302);
      const before = await accountCount();

      await request(harness.app)
        .get(
          `/launch?token=${await signHs256(launchClaims({ sub, family_name: 'King', email: 'ada.king@example.test' }))}`,
        )
        .expect(302);

      expect(await accountCount()).toBe(before);
      const row = await db()
        .selectFrom('identities')
        .innerJoin('accounts', 'accounts.id', 'identities.account_id')
        .selectAll()
        .where('subject', '=', sub)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ last_name: 'King', email: 'ada.king@example.test' });
    });

    it('never links to a local account by email: the same address gets its own account', async () => {
      const email = `shared.${Date.now()}@example.test`;
      const local = request.agent(harness.app);
      await signUp(local, newPatient({ email })).then((r) => expect(r.status).toBe(303));

      await request(harness.app)
        .get(`/launch?token=${await signHs256(launchClaims({ email }))}`)
        .expect(302);

      const rows = await db()
        .selectFrom('accounts')
        .select(['id', 'password_hash'])
        .where('email', '=', email)
        .execute();
      expect(rows).toHaveLength(2);
      expect(rows.filter((r) => r.password_hash === null)).toHaveLength(1);
    });

    it('never writes the token to a log line', async () => {
      const token = await signHs256(launchClaims());
      harness.logLines.length = 0;
      await request(harness.app).get(`/launch?token=${token}`).expect(302);
      await request(harness.app).get(`/launch?token=${token}`).expect(409);
      const logged = harness.logLines.join('\n');
      expect(logged).toContain('/launch');
      expect(logged).not.toContain(token.split('.')[2]);
      expect(logged).not.toContain(token.split('.')[1]);
    });
  });

  describe('when the token must be refused', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const cases: [string, () => Promise<string>, string, number][] = [
      ['expired', () => signHs256(launchClaims({ iat: now() - 400, exp: now() - 100 })), 'expired', 401],
      [
        'issued in the future',
        () => signHs256(launchClaims({ iat: now() + 300, exp: now() + 400 })),
        'not_yet_valid',
        401,
      ],
      ['signed with another secret', () => signHs256(launchClaims(), 'x'.repeat(40)), 'bad_signature', 401],
      ['unsigned (alg none)', async () => unsignedToken(launchClaims()), 'unsigned', 401],
      [
        'from another issuer',
        () => signHs256(launchClaims({ iss: 'https://evil.example' })),
        'wrong_issuer',
        401,
      ],
      [
        'for another portal',
        () => signHs256(launchClaims({ aud: 'https://other-portal.example' })),
        'wrong_audience',
        401,
      ],
      [
        'too long-lived',
        () => signHs256(launchClaims({ iat: now(), exp: now() + 601 })),
        'too_long_lived',
        401,
      ],
      ['malformed', async () => 'not-a-jwt', 'malformed', 400],
      ['missing the names', () => signHs256(launchClaims({ given_name: undefined })), 'malformed', 400],
      ['with an unknown action', () => signHs256(launchClaims({ action: 'delete' })), 'malformed', 400],
      [
        'with a reason over 500 characters',
        () => signHs256(launchClaims({ action: 'walkin', reason: 'x'.repeat(501) })),
        'malformed',
        400,
      ],
      ['without a jti', () => signHs256(launchClaims({ jti: undefined })), 'malformed', 400],
    ];

    it.each(cases)(
      'refuses a token %s: plain page, way back, no VSee call, no account, audit reason',
      async (_name, make, reason, status) => {
        const accountsBefore = await accountCount();

        const res = await request(harness.app).get(`/launch?token=${await make()}`);

        expect(res.status).toBe(status);
        expect(res.text).toMatch(/This link (is not valid|has expired)/);
        expect(res.text).toContain(`href="${RETURN_URL}"`);
        expect(res.text).not.toMatch(/Error|at .*\.ts/);
        expect(vseeCalls()).toEqual([]);
        expect(await accountCount()).toBe(accountsBefore);
        expect(await lastAudit()).toMatchObject({
          action: 'launch_link',
          outcome: 'rejected',
          reason,
          account_id: null,
        });
      },
    );

    it('refuses a second use of the same token, and changes nothing', async () => {
      const sub = `mrn-replay-${Date.now()}`;
      const token = await signHs256(launchClaims({ sub }));
      await request(harness.app).get(`/launch?token=${token}`).expect(302);
      harness.sandbox.requestLog.clear();

      const res = await request(harness.app).get(`/launch?token=${token}`);

      expect(res.status).toBe(409);
      expect(res.text).toContain('This link has already been used');
      expect(vseeCalls()).toEqual([]);
      expect(await lastAudit()).toMatchObject({ action: 'launch_link', reason: 'replayed' });
    });

    it('does not change an existing account when the token is refused', async () => {
      const sub = `mrn-keep-${Date.now()}`;
      await request(harness.app)
        .get(`/launch?token=${await signHs256(launchClaims({ sub }))}`)
        .expect(302);

      const forged: JWTPayload = launchClaims({ sub, given_name: 'Mallory' });
      await request(harness.app)
        .get(`/launch?token=${await signHs256(forged, 'y'.repeat(40))}`)
        .expect(401);

      const row = await db()
        .selectFrom('identities')
        .innerJoin('accounts', 'accounts.id', 'identities.account_id')
        .select('first_name')
        .where('subject', '=', sub)
        .executeTakeFirstOrThrow();
      expect(row.first_name).toBe('Ada');
    });

    it('refuses an ES256 token signed by a key the JWKS does not hold', async () => {
      const other = await startJwksServer();
      try {
        const res = await request(harness.app).get(`/launch?token=${await other.sign(launchClaims())}`);
        expect(res.status).toBe(401);
        expect(vseeCalls()).toEqual([]);
      } finally {
        await other.close();
      }
    });
  });
});

describe('VSEE_PATIENT_CODE=subject', () => {
  it('sends the clinic’s patient id (sub) as the VSee code', async () => {
    const harness = await startClinic({
      config: testConfig({
        PUBLIC_URL: PORTAL_URL,
        LAUNCH_JWT_SECRET: LAUNCH_SECRET,
        LAUNCH_JWT_ISSUER: LAUNCH_ISSUER,
        VSEE_PATIENT_CODE: 'subject',
      }),
    });
    try {
      await request(harness.app)
        .get(`/launch?token=${await signHs256(launchClaims({ sub: 'MRN-000123' }))}`)
        .expect(302);
      const sso = harness.sandbox.requestLog.entries().find((e) => e.endpoint === 'users/sso');
      expect(sso?.fields.code).toBe('MRN-000123');
    } finally {
      await harness.close();
    }
  });
});

describe('signed launch links while local accounts must confirm their email', () => {
  let harness: ClinicHarness;
  beforeAll(async () => {
    harness = await startClinic({
      config: testConfig({
        PUBLIC_URL: PORTAL_URL,
        LAUNCH_JWT_SECRET: LAUNCH_SECRET,
        LAUNCH_JWT_ISSUER: LAUNCH_ISSUER,
        REQUIRE_VERIFIED_EMAIL: 'on',
      }),
    });
  });
  afterAll(() => harness?.close());

  it('a patient arriving from the clinic’s portal is not asked to confirm an address the clinic vouches for', async () => {
    const agent = request.agent(harness.app);
    const res = await agent.get(`/launch?token=${await signHs256(launchClaims({ action: 'schedule' }))}`);
    expect(res.status).toBe(303);

    const slots = await agent.get(res.headers.location!);

    expect(slots.status).toBe(200);
    expect(harness.sandbox.requestLog.entries().map((e) => e.endpoint)).toContain('availability');
    expect((await agent.get('/').expect(200)).text).not.toContain('verify-email');
  });
});
