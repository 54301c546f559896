import type { Browser } from 'playwright-core';
import { DEV_OIDC_CLIENT, type RunningSandbox, startSandbox } from '../../src/sandbox';
import {
  type BrowserClinic,
  describeWithBrowser,
  launchBrowser,
  newWatchedContext,
  startBrowserClinic,
} from '../helpers/browser';

describeWithBrowser('logging in through the clinic’s identity provider in a real browser', () => {
  let browser: Browser;
  let clinic: BrowserClinic;
  let identityProvider: RunningSandbox;

  beforeAll(async () => {
    // The provider's sandbox listens first (the issuer carries its port); it learns the portal's
    // URL, its client's redirect URI, once the portal has one.
    identityProvider = await startSandbox();
    const issuer = `${identityProvider.url}/oidc`;
    [browser, clinic] = await Promise.all([
      launchBrowser(),
      startBrowserClinic({
        env: {
          OIDC_ISSUER: issuer,
          OIDC_CLIENT_ID: DEV_OIDC_CLIENT.clientId,
          OIDC_CLIENT_SECRET: DEV_OIDC_CLIENT.clientSecret,
          OIDC_NAME: 'Sandbox Health',
        },
      }),
    ]);
    identityProvider.serveIdentityProvider(identityProvider.url, { portalUrls: [clinic.portalUrl] });
  });
  afterAll(async () => {
    await browser?.close();
    await clinic?.close();
    await identityProvider?.close();
  });

  it('logs in at the provider, presses See a doctor now, and VSee hears the provider’s name and birth date', async () => {
    const { context, page, problems } = await newWatchedContext(browser);
    try {
      await page.goto(`${clinic.portalUrl}/login`);
      await page.getByRole('link', { name: 'Log in with Sandbox Health' }).click();

      // The provider's own login page (any password for its test patients).
      await page.waitForURL((url) => url.href.startsWith(`${identityProvider.url}/oidc/`));
      await page.locator('input[name="login"]').fill('patient-grace');
      await page.locator('input[name="password"]').fill('any password');
      await page.getByRole('button', { name: 'Sign-in' }).click();

      await page.waitForURL(`${clinic.portalUrl}/`);
      expect((await page.locator('h1').first().textContent())?.trim()).toBe('Hello, Grace');

      clinic.harness.sandbox.requestLog.clear();
      await page.getByLabel(/Reason for your visit/).fill('A cough');
      await page.getByRole('button', { name: 'See a doctor now' }).click();
      await page.waitForURL((url) => url.pathname.includes('/visits/start/'));

      const sso = clinic.harness.sandbox.requestLog.entries().find((e) => e.endpoint === 'users/sso');
      expect(sso?.fields).toMatchObject({ first_name: 'Grace', last_name: 'Hopper', dob: '1966-12-09' });
      // The portal's pages had no CSP violation or console error.
      expect(problems.list.filter((p) => p.includes(clinic.portalUrl))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
