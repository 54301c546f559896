import request from 'supertest';
import { type ClinicHarness, startClinic } from '../helpers/clinic';
import { authorizeAtProvider, devOidcEnv } from '../helpers/oidc';
import { testConfig } from '../helpers/portal';
import { csrfFrom } from '../helpers/html';
import { type RunningSandbox, startSandbox } from '../../src/sandbox';

const PORTAL_URL = 'http://127.0.0.1:3998';

/** Path and query of the callback URL the provider sent the browser to. */
const local = (url: string) => {
  const u = new URL(url);
  expect(u.origin).toBe(PORTAL_URL);
  return `${u.pathname}${u.search}`;
};

describe.each(['patient-portal', 'patient-portal-post'])('OpenID Connect login (client %s)', (clientId) => {
  let harness: ClinicHarness;
  // A sandbox of its own serves the identity provider (startClinic's serves VSee): it must listen
  // before the portal is configured, since the issuer URL carries its port.
  let identityProvider: RunningSandbox;

  beforeAll(async () => {
    identityProvider = await startSandbox({ identityProvider: { portalUrls: [PORTAL_URL] } });
    harness = await startClinic({
      config: testConfig({ PUBLIC_URL: PORTAL_URL, ...devOidcEnv(identityProvider, clientId) }),
    });
  });
  afterAll(async () => {
    await harness?.close();
    await identityProvider?.close();
  });

  const db = () => harness.testDb.db;
  const lastAudit = () =>
    db().selectFrom('audit_events').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();

  it('logs the patient in through the provider (code flow with PKCE) and links (issuer, sub)', async () => {
    const portal = request.agent(harness.app);
    const { callback } = await authorizeAtProvider(portal, identityProvider, 'patient-ada');
    const url = new URL(callback);
    expect(url.searchParams.get('code')).toBeTruthy();
    expect(url.searchParams.get('state')).toBeTruthy();

    const done = await portal.get(local(callback));

    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/');
    const home = await portal.get('/').expect(200);
    expect(home.text).toContain('Ada Lovelace');
    const row = await db()
      .selectFrom('identities')
      .innerJoin('accounts', 'accounts.id', 'identities.account_id')
      .selectAll()
      .where('subject', '=', 'patient-ada')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      issuer: identityProvider.oidcIssuer,
      first_name: 'Ada',
      last_name: 'Lovelace',
      dob: '1985-12-10',
      password_hash: null,
    });
    expect(await lastAudit()).toMatchObject({ action: 'oidc_login', outcome: 'success', account_id: row.id });

    // Go to Clinic: VSee hears the provider's names and birth date.
    harness.sandbox.requestLog.clear();
    const go = await portal
      .post('/clinic/go')
      .type('form')
      .send({ _csrf: csrfFrom(home.text) });
    expect(go.status).toBe(302);
    const sso = harness.sandbox.requestLog.entries().find((e) => e.endpoint === 'users/sso');
    expect(sso?.fields).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace', dob: '1985-12-10' });

    // No password form for an account that has no password.
    const profile = await portal.get('/profile').expect(200);
    expect(profile.text).not.toContain('name="current_password"');
  });

  it('goes back to a same-site returnTo after login, never to another site', async () => {
    const portal = request.agent(harness.app);
    const { callback } = await authorizeAtProvider(
      portal,
      identityProvider,
      'patient-grace',
      '/auth/oidc?returnTo=/visits',
    );
    expect((await portal.get(local(callback))).headers.location).toBe('/visits');

    const other = request.agent(harness.app);
    const evil = await authorizeAtProvider(
      other,
      identityProvider,
      'patient-grace',
      '/auth/oidc?returnTo=//evil.example',
    );
    expect((await other.get(local(evil.callback))).headers.location).toBe('/');
  });

  it('refuses a replayed callback with a plain page and an audit event, and logs no code', async () => {
    const portal = request.agent(harness.app);
    const { callback } = await authorizeAtProvider(portal, identityProvider, 'patient-ada');
    await portal.get(local(callback)).expect(303);
    harness.logLines.length = 0;

    const again = await portal.get(local(callback));

    expect(again.status).toBe(400);
    expect(again.text).toContain('This login has already been used or has expired');
    expect(again.text).toContain('href="/login"');
    expect(await lastAudit()).toMatchObject({
      action: 'oidc_login',
      outcome: 'failure',
      reason: 'no_login_in_progress',
    });
    const code = new URL(callback).searchParams.get('code')!;
    expect(harness.logLines.join('\n')).not.toContain(code);
  });

  it('refuses a forged callback (a state it did not send)', async () => {
    const portal = request.agent(harness.app);
    const { callback } = await authorizeAtProvider(portal, identityProvider, 'patient-ada');
    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged-state');

    const res = await portal.get(local(forged.href));

    expect(res.status).toBe(400);
    expect(res.text).toContain('The login did not work');
    expect(await lastAudit()).toMatchObject({ action: 'oidc_login', reason: 'invalid_response' });
  });

  it('says so in plain words when the patient cancels at the provider', async () => {
    const portal = request.agent(harness.app);
    const start = await portal.get('/auth/oidc').expect(303);
    const provider = request.agent(identityProvider.app);
    const auth = await provider.get(
      new URL(start.headers.location!).pathname + new URL(start.headers.location!).search,
    );
    const interaction = new URL(auth.headers.location!, identityProvider.url).pathname;
    await provider.get(interaction).expect(200);
    const aborted = await provider.get(`${interaction}/abort`);
    const resumed = await provider.get(new URL(aborted.headers.location!, identityProvider.url).pathname);

    const res = await portal.get(local(resumed.headers.location!));

    expect(res.status).toBe(403);
    expect(res.text).toContain('You did not allow the login');
    expect(await lastAudit()).toMatchObject({ action: 'oidc_login', reason: 'denied' });
  });

  it('refuses a provider that does not give the patient’s name', async () => {
    const portal = request.agent(harness.app);
    const { callback } = await authorizeAtProvider(portal, identityProvider, 'noname');
    const res = await portal.get(local(callback));
    expect(res.status).toBe(502);
    expect(res.text).toContain('did not tell us your name');
  });

  it('ends the provider session too at logout', async () => {
    const portal = request.agent(harness.app);
    const { callback } = await authorizeAtProvider(portal, identityProvider, 'patient-ada');
    await portal.get(local(callback)).expect(303);
    const home = await portal.get('/').expect(200);

    const out = await portal
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfFrom(home.text) });

    expect(out.status).toBe(303);
    const end = new URL(out.headers.location!);
    expect(`${end.origin}${end.pathname}`).toBe(`${identityProvider.oidcIssuer}/session/end`);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${PORTAL_URL}/login?logged_out=1`);
    await portal.get('/profile').expect(303);
  });
});

describe('OpenID Connect login when the provider is down', () => {
  it('answers a plain 503 page with a way back, and an audit event', async () => {
    const harness = await startClinic({
      config: testConfig({
        PUBLIC_URL: PORTAL_URL,
        OIDC_ISSUER: 'http://127.0.0.1:9/oidc',
        OIDC_CLIENT_ID: 'portal',
        OIDC_CLIENT_SECRET: 'secret',
      }),
    });
    try {
      const res = await request(harness.app).get('/auth/oidc');
      expect(res.status).toBe(503);
      expect(res.text).toContain('Your clinic&#39;s login is not answering');
      expect(res.text).toContain('href="/login"');
      const audit = await harness.testDb.db.selectFrom('audit_events').selectAll().executeTakeFirstOrThrow();
      expect(audit).toMatchObject({ action: 'oidc_login', reason: 'provider_down' });
    } finally {
      await harness.close();
    }
  });
});
