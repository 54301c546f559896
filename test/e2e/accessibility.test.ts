// Callbacks passed to page.evaluate run in the browser, so this file also sees the DOM types.
/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  axeViolations,
  type BrowserClinic,
  DESKTOP,
  describeWithBrowser,
  launchBrowser,
  newWatchedContext,
  PHONE,
  screenshot,
  startBrowserClinic,
} from '../helpers/browser';
import { newPatient, type PatientFields } from '../helpers/portal';

describeWithBrowser('accessibility of every portal page, in a real browser', () => {
  let browser: Browser;
  let clinic: BrowserClinic;

  beforeAll(async () => {
    [browser, clinic] = await Promise.all([launchBrowser(), startBrowserClinic()]);
  });
  afterAll(async () => {
    await browser?.close();
    await clinic?.close();
  });
  afterEach(() => clinic.harness.sandbox.knobs.reset());

  const portal = (path: string) => `${clinic.portalUrl}${path}`;

  async function fillSignup(page: Page, fields: PatientFields) {
    await page.getByLabel('First name').fill(fields.first_name);
    await page.getByLabel('Last name').fill(fields.last_name);
    await page.getByLabel('Date of birth').fill(fields.dob);
    await page.getByLabel('Email address').fill(fields.email);
    await page.getByLabel('Password').fill(fields.password);
  }

  async function signUpAs(page: Page, fields: PatientFields) {
    await page.goto(portal('/signup'));
    await fillSignup(page, fields);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(portal('/'));
  }

  /** Serious and critical axe violations of the page as it is now, plus sideways scrolling at 360 px. */
  async function audit(page: Page, name: string, found: Record<string, unknown>) {
    const violations = await axeViolations(page);
    if (violations.length > 0) found[name] = violations;
    await page.setViewportSize(PHONE);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) found[`${name} at 360px`] = `scrolls sideways by ${overflow}px`;
    await page.setViewportSize(DESKTOP);
  }

  /** Checks the error summary has focus and every invalid field names its message. */
  async function expectErrorsAnnounced(page: Page) {
    await page.locator('[data-error-summary]').first().waitFor();
    await page.waitForLoadState('load');
    const state = await page.evaluate(() => {
      const focused = document.activeElement;
      const invalid = [...document.querySelectorAll('[aria-invalid="true"]')].map((field) => {
        const ids = (field.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
        const described = ids.map((id) => document.getElementById(id)?.textContent?.trim() ?? '');
        return { id: field.id, described: described.join(' ') };
      });
      const links = [...document.querySelectorAll('[data-error-summary] a[href^="#"]')].map((a) =>
        a.getAttribute('href')!.slice(1),
      );
      return {
        summaryFocused: focused?.hasAttribute('data-error-summary') ? true : focused?.outerHTML.slice(0, 120),
        summaryRole: document.querySelector('[data-error-summary]')?.getAttribute('role'),
        invalid,
        links,
      };
    });
    expect(state.summaryFocused).toBe(true);
    expect(state.summaryRole).toBe('alert');
    expect(state.invalid.length).toBeGreaterThan(0);
    for (const field of state.invalid) expect(field.described).not.toBe('');
    // Every summary link leads to a field that exists and is marked invalid.
    for (const target of state.links) expect(state.invalid.map((f) => f.id)).toContain(target);
  }

  /**
   * A page for axe. axe is injected as a script, which the portal's CSP rightly refuses: this context
   * alone bypasses the CSP; the journeys (and the keyboard test below) run in CSP-enforcing contexts.
   */
  async function axeAudit(run: (page: Page, found: Record<string, unknown>) => Promise<void>) {
    const context: BrowserContext = await browser.newContext({
      bypassCSP: true,
      viewport: DESKTOP,
      timezoneId: 'Europe/Berlin',
    });
    const page = await context.newPage();
    const found: Record<string, unknown> = {};
    try {
      await run(page, found);
    } finally {
      await context.close();
    }
    expect(found).toEqual({});
  }

  test('axe: no serious or critical violation on the logged-out pages, forms with errors, 404', async () => {
    await axeAudit(async (page, found) => {
      await page.goto(portal('/'));
      await audit(page, 'home', found);
      await page.goto(portal('/login'));
      await audit(page, 'login', found);
      await page.getByRole('button', { name: 'Log in' }).click();
      await expectErrorsAnnounced(page);
      await audit(page, 'login with errors', found);
      await page.getByLabel('Email address').fill('nobody@example.test');
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByTestId('login-failed').waitFor();
      await audit(page, 'login failed', found);
      await page.goto(portal('/signup'));
      await audit(page, 'signup', found);
      await page.getByRole('button', { name: 'Create account' }).click();
      await expectErrorsAnnounced(page);
      await audit(page, 'signup with errors', found);
      await screenshot(page, '12-signup-errors');
      await page.goto(portal('/no-such-page'));
      await audit(page, 'not found', found);
    });
  });

  test('axe: dashboard, profile and scheduling pages, with their errors and confirmation', async () => {
    await axeAudit(async (page, found) => {
      await signUpAs(page, newPatient());
      await audit(page, 'dashboard', found);
      await page.goto(portal('/visits'));
      await audit(page, 'my visits (empty)', found);
      await page.goto(portal('/'));
      await page.locator('#reason').evaluate((input) => input.removeAttribute('maxlength'));
      await page.locator('#reason').fill('x'.repeat(600));
      await page.getByRole('button', { name: 'See a doctor now' }).click();
      await page.locator('#reason-error').waitFor();
      expect(await page.locator('#reason').getAttribute('aria-describedby')).toBe('reason-error');
      await audit(page, 'dashboard with a walk-in error', found);
      await page.goto(portal('/profile'));
      await audit(page, 'profile', found);
      await page.getByLabel('First name').fill('');
      await page.getByRole('button', { name: 'Save details' }).click();
      await expectErrorsAnnounced(page);
      await audit(page, 'profile with errors', found);
      await page.goto(portal('/profile'));
      await page.getByRole('button', { name: 'Change password' }).click();
      await expectErrorsAnnounced(page);
      await audit(page, 'change password with errors', found);

      await page.goto(portal('/appointments/new?tz=Europe/Berlin'));
      await audit(page, 'schedule', found);
      await page.getByRole('button', { name: 'Book this time' }).click();
      await page.locator('#slot-error').waitFor();
      await audit(page, 'schedule with errors', found);
      await page.locator('.slot-list label').first().click();
      await page.getByRole('button', { name: 'Book this time' }).click();
      await page.waitForURL((url) => /^\/appointments\/\d+$/.test(url.pathname));
      await audit(page, 'appointment booked', found);
      await page.getByRole('link', { name: 'Invite someone' }).click();
      await page.waitForURL((url) => url.pathname.endsWith('/invite'));
      await audit(page, 'invite', found);
    });
  });

  test('axe: eConsult pages, My visits with visits, and the friendly error page', async () => {
    await axeAudit(async (page, found) => {
      await signUpAs(page, newPatient());
      await page.goto(portal('/econsult/new'));
      await audit(page, 'ask a doctor', found);
      await page.getByRole('button', { name: 'Send to the clinic' }).click();
      await expectErrorsAnnounced(page);
      await audit(page, 'ask a doctor with errors', found);
      await page.getByLabel('What is your question about?').fill('A rash');
      await page.getByRole('button', { name: 'Send to the clinic' }).click();
      await page.waitForURL((url) => /^\/econsult\/\d+$/.test(url.pathname));
      await audit(page, 'question sent', found);
      await page.goto(portal('/visits'));
      await audit(page, 'my visits', found);

      // VSee refuses the sign-in: the friendly page with a reference id.
      clinic.harness.sandbox.knobs.failNext('users/sso', { status: 503, times: 5 });
      await page.goto(portal('/'));
      await page.getByRole('button', { name: 'Go to Clinic' }).click();
      await page.getByTestId('error-ref').waitFor();
      await audit(page, 'error page', found);
      await screenshot(page, '13-error-page');
    });
  });

  test('the journey to See a doctor now works with the keyboard alone, with visible focus', async () => {
    const { context, page, problems } = await newWatchedContext(browser);
    const unfocusable: string[] = [];

    /** Presses Tab until the focused element has this id or text; checks every focus stop is visible. */
    async function tabTo(target: { id?: string; text?: string }) {
      for (let i = 0; i < 40; i += 1) {
        await page.keyboard.press('Tab');
        const state = await page.evaluate((want) => {
          const el = document.activeElement;
          if (!el || el === document.body) return { hit: false, visible: true, what: 'body' };
          const style = getComputedStyle(el);
          const visible =
            (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) ||
            style.boxShadow !== 'none';
          const hit =
            (want.id !== undefined && el.id === want.id) ||
            (want.text !== undefined && el.textContent?.trim() === want.text && el.closest('main') !== null);
          return { hit, visible, what: el.outerHTML.slice(0, 80) };
        }, target);
        if (!state.visible)
          unfocusable.push(`${state.what} after ${i + 1} Tab(s) towards ${JSON.stringify(target)}`);
        if (state.hit) return;
      }
      throw new Error(`Tab never reached ${JSON.stringify(target)}`);
    }

    try {
      const patient = newPatient();
      await page.goto(portal('/'));
      await tabTo({ text: 'Sign up' });
      await page.keyboard.press('Enter');
      await page.waitForURL(portal('/signup'));
      await tabTo({ id: 'first_name' });
      await page.keyboard.type(patient.first_name);
      await tabTo({ id: 'last_name' });
      await page.keyboard.type(patient.last_name);
      await tabTo({ id: 'dob' });
      const [year, month, day] = patient.dob.split('-');
      await page.keyboard.type(`${month}${day}${year}`);
      await tabTo({ id: 'email' });
      await page.keyboard.type(patient.email);
      await tabTo({ id: 'password' });
      await page.keyboard.type(patient.password);
      await page.keyboard.press('Enter');
      await page.waitForURL(portal('/'));

      await tabTo({ id: 'reason' });
      await page.keyboard.type('A sore throat');
      await tabTo({ text: 'See a doctor now' });
      await page.keyboard.press('Enter');
      await page.waitForURL((url) => url.pathname.includes('/visits/start/'));
      await expect(page.getByTestId('page-title').textContent()).resolves.toMatch(/^Visit room \d+$/);
    } finally {
      await context.close();
    }
    expect(unfocusable).toEqual([]);
    expect(problems.list).toEqual([]);
  });
});
