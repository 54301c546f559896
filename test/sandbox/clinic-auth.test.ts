import request from 'supertest';
import { createSandbox } from '../../src/sandbox';
import { CLINIC, manualClock, sandboxCookie, ssoPatient, testId } from './helpers';

describe('GET {clinic}auth?sso_token=&next=', () => {
  it('sets the sandbox session cookie and redirects to next inside the clinic', async () => {
    const { app } = createSandbox();
    const { token } = await ssoPatient(app);

    const res = await request(app)
      .get(`${CLINIC}/auth`)
      .query({ sso_token: token, next: '/visits/start/1501' });

    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/vc/next/visits/start/1501');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const cookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('vsee_sandbox_session='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/vc\/next\//);
  });

  it('defaults next to the dashboard and keeps a query string in next', async () => {
    const { app } = createSandbox();
    const a = await ssoPatient(app, 'a');
    const b = await ssoPatient(app, 'b');
    const plain = await request(app).get(`${CLINIC}/auth`).query({ sso_token: a.token });
    const withQuery = await request(app)
      .get(`${CLINIC}/auth`)
      .query({ sso_token: b.token, next: '/members/appointment/7?token=abc' });
    expect(plain.headers.location).toBe('/vc/next/u/clinic');
    expect(withQuery.headers.location).toBe('/vc/next/members/appointment/7?token=abc');
  });

  it('logs the patient in: the dashboard names them', async () => {
    const { app } = createSandbox();
    const { token } = await ssoPatient(app, 'p', { first_name: 'Robin', last_name: 'Quinn' });
    const login = await request(app).get(`${CLINIC}/auth`).query({ sso_token: token });
    const page = await request(app)
      .get(`${CLINIC}/u/clinic`)
      .set('Cookie', sandboxCookie(login.headers['set-cookie']) ?? '');
    expect(page.status).toBe(200);
    expect(testId(page.text, 'logged-in-as')).toBe('Robin Quinn');
  });

  it('shows an error page for an unknown or missing token, and sets no cookie', async () => {
    const { app } = createSandbox();
    for (const query of [{ sso_token: 'f'.repeat(32) }, {}]) {
      const res = await request(app).get(`${CLINIC}/auth`).query(query);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(testId(res.text, 'error-message')).toBe('This sign-in link is not valid.');
      expect(sandboxCookie(res.headers['set-cookie'])).toBeUndefined();
    }
  });

  it('refuses the admin token as a browser sign-in', async () => {
    const { app } = createSandbox();
    const res = await request(app)
      .get(`${CLINIC}/auth`)
      .query({ sso_token: 'sandbox-admin-token-not-a-secret' });
    expect(res.status).toBe(401);
  });

  it('shows an error page for an expired token', async () => {
    const clock = manualClock();
    const { app } = createSandbox({ now: clock.now });
    const { token } = await ssoPatient(app);
    clock.advance(86_400_000);
    const res = await request(app).get(`${CLINIC}/auth`).query({ sso_token: token });
    expect(res.status).toBe(401);
    expect(testId(res.text, 'error-message')).toBe('This sign-in link has expired.');
  });

  it('accepts a token once for the browser login (API calls may keep using it)', async () => {
    const { app } = createSandbox();
    const { token } = await ssoPatient(app);
    await request(app).get(`${CLINIC}/auth`).query({ sso_token: token }).expect(302);
    const again = await request(app).get(`${CLINIC}/auth`).query({ sso_token: token });
    expect(again.status).toBe(401);
    expect(testId(again.text, 'error-message')).toBe('This sign-in link was already used.');
  });

  it.each([
    '//evil.test/x',
    '/\\evil.test',
    'https://evil.test/',
    'u/clinic',
    '/u/clinic\r\nSet-Cookie: x=1',
  ])('refuses next=%j and does not consume the token', async (next) => {
    const { app } = createSandbox();
    const { token } = await ssoPatient(app);
    const res = await request(app).get(`${CLINIC}/auth`).query({ sso_token: token, next });
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    await request(app).get(`${CLINIC}/auth`).query({ sso_token: token }).expect(302);
  });

  it('hides the sandbox navigation for the session when disable_navigation=1', async () => {
    const { app } = createSandbox();
    const a = await ssoPatient(app, 'a');
    const b = await ssoPatient(app, 'b');
    const hidden = await request(app)
      .get(`${CLINIC}/auth`)
      .query({ sso_token: a.token, disable_navigation: '1' });
    const shown = await request(app).get(`${CLINIC}/auth`).query({ sso_token: b.token });

    const pageHidden = await request(app)
      .get(`${CLINIC}/u/clinic`)
      .set('Cookie', sandboxCookie(hidden.headers['set-cookie']) ?? '');
    const pageShown = await request(app)
      .get(`${CLINIC}/u/clinic`)
      .set('Cookie', sandboxCookie(shown.headers['set-cookie']) ?? '');

    expect(pageHidden.status).toBe(200);
    expect(pageHidden.text).not.toContain('data-testid="sandbox-nav"');
    expect(pageShown.text).toContain('data-testid="sandbox-nav"');
  });

  it('starts a new session id at every login', async () => {
    const { app } = createSandbox();
    const first = await request(app)
      .get(`${CLINIC}/auth`)
      .query({ sso_token: (await ssoPatient(app)).token });
    const second = await request(app)
      .get(`${CLINIC}/auth`)
      .set('Cookie', sandboxCookie(first.headers['set-cookie']) ?? '')
      .query({ sso_token: (await ssoPatient(app)).token });
    expect(sandboxCookie(second.headers['set-cookie'])).not.toBe(sandboxCookie(first.headers['set-cookie']));
  });
});
