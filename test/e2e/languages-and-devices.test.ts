// Callbacks passed to page.evaluate run in the browser, so this file also sees the DOM types.
/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  axeViolations,
  type BrowserClinic,
  describeWithBrowser,
  launchBrowser,
  newWatchedContext,
  type PageProblems,
  PHONE,
  screenshot,
  startBrowserClinic,
} from '../helpers/browser';
import { textOf } from '../helpers/i18n';
import { newPatient } from '../helpers/portal';

/** Fake camera and microphone, and a permission prompt that answers by itself ("deny" refuses). */
const FAKE_MEDIA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

// Four axe runs, screenshots and a trip through the sandbox on a shared, busy machine.
jest.setTimeout(120_000);

describeWithBrowser('the portal in English and Spanish, and the device check, in a real browser', () => {
  let browser: Browser;
  let clinic: BrowserClinic;
  let open: { context: BrowserContext; problems: PageProblems }[] = [];

  beforeAll(async () => {
    [browser, clinic] = await Promise.all([
      launchBrowser(FAKE_MEDIA),
      // A branded portal, as a clinic would run it (the README's screenshots come from here).
      startBrowserClinic({
        env: {
          CLINIC_NAME: 'Riverside Family Clinic',
          CLINIC_PHONE: '+1 (555) 010-2030',
          CLINIC_TIMEZONE: 'America/New_York',
          PRIVACY_URL: 'https://example.org/privacy',
          TERMS_URL: 'https://example.org/terms',
        },
      }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await clinic?.close();
  });
  afterEach(async () => {
    const problems = open.flatMap((o) => o.problems.list);
    await Promise.all(open.map((o) => o.context.close()));
    open = [];
    expect(problems).toEqual([]);
  });

  async function newPage(b: Browser, options: Parameters<typeof newWatchedContext>[1] = {}): Promise<Page> {
    const watched = await newWatchedContext(b, { bypassCSP: true, ...options });
    open.push(watched);
    return watched.page;
  }
  const portal = (path: string) => `${clinic.portalUrl}${path}`;

  async function expectAxeClean(page: Page) {
    expect(await axeViolations(page)).toEqual([]);
  }

  describe.each([
    ['en', 'en-US'],
    ['es', 'es-ES'],
  ])('in %s (browser locale %s)', (lang, locale) => {
    const t = (key: string) => textOf(key, lang);

    test('sign-up → dashboard → See a doctor now → My visits, with nothing serious for axe', async () => {
      const page = await newPage(browser, { locale });
      const fields = newPatient();
      await page.goto(portal('/'));
      await screenshot(page, `14-branded-home-${lang}`);
      await page.goto(portal('/signup'));
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      await expectAxeClean(page);
      await page.getByLabel(t('signup.firstName')).fill(fields.first_name);
      await page.getByLabel(t('signup.lastName')).fill(fields.last_name);
      await page.getByLabel(t('signup.dob')).fill(fields.dob);
      await page.getByLabel(t('signup.email')).fill(fields.email);
      await page.getByLabel(t('signup.password'), { exact: true }).fill(fields.password);
      await page.getByRole('button', { name: t('signup.submit') }).click();
      await page.waitForURL(portal('/'));
      await expect(page.getByTestId('clinic-name').textContent()).resolves.toBe('Riverside Family Clinic');
      await expect(page.locator('h1').textContent()).resolves.toBe(
        t('dashboard.hello').replace('{{name}}', fields.first_name),
      );
      await expectAxeClean(page);
      // See a doctor now is the first action on the dashboard.
      const firstAction = page.locator('.action-grid .action-card h3').first();
      await expect(firstAction.textContent()).resolves.toBe(t('actions.nowTitle'));
      await screenshot(page, `14-branded-dashboard-${lang}`);

      await page.getByLabel(new RegExp(t('actions.reason'))).fill('Tos');
      await page.getByRole('button', { name: t('actions.nowTitle') }).click();
      await page.waitForURL((url) => url.pathname.includes('/visits/start/'));

      await page.goto(portal('/'));
      await expect(page.getByTestId('open-walkin').locator('h3').textContent()).resolves.toBe(
        t('dashboard.inWaitingRoom'),
      );
      await expect(page.getByRole('button', { name: t('dashboard.rejoin') }).isVisible()).resolves.toBe(true);
      await expectAxeClean(page);
      await screenshot(page, `15-dashboard-waiting-room-${lang}`);

      await page
        .getByRole('link', { name: t('layout.myVisits'), exact: true })
        .first()
        .click();
      await page.waitForURL((url) => url.pathname === '/visits');
      await expect(page.getByTestId('visit-status').first().textContent()).resolves.toBe(t('status.waiting'));
      await expectAxeClean(page);
    });

    test('on a phone the header folds into a Menu button that opens the links', async () => {
      const page = await newPage(browser, { locale, viewport: PHONE });
      await page.goto(portal('/'));
      const menu = page.getByRole('button', { name: t('layout.menu') });
      await expect(menu.isVisible()).resolves.toBe(true);
      const login = page
        .getByRole('navigation', { name: t('layout.mainNav') })
        .getByRole('link', { name: t('layout.login') });
      await expect(login.isVisible()).resolves.toBe(false);
      await menu.click();
      await expect(menu.getAttribute('aria-expanded')).resolves.toBe('true');
      await expect(login.isVisible()).resolves.toBe(true);
      await expectAxeClean(page);
    });
  });

  test('the device check shows the camera and the microphone level with fake devices', async () => {
    const page = await newPage(browser);
    await page.goto(portal('/device-check'));
    await expectAxeClean(page);
    await page.getByRole('button', { name: textOf('device.start') }).click();
    await page.waitForSelector('[data-device-check][data-result]');
    await expect(page.getAttribute('[data-device-check]', 'data-result')).resolves.toBe('ok');
    await expect(page.getByTestId('device-status').textContent()).resolves.toBe(textOf('device.ok'));
    await page.waitForFunction(() => {
      const video = document.querySelector('video')!;
      return video.videoWidth > 0;
    });
    await page.waitForFunction(() => Number(document.querySelector('meter')!.value) > 0, undefined, {
      timeout: 5000,
    });
    // Keyboard: the stop button has focus, and stopping hands focus back to start.
    await page.keyboard.press('Enter');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe(
      textOf('device.start'),
    );
    await screenshot(page, '16-device-check');
  });

  test('when the browser refuses the camera, the device check says so and how to allow it', async () => {
    const denying = await launchBrowser([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream=deny',
    ]);
    try {
      const page = await newPage(denying, { locale: 'es-ES' });
      await page.goto(portal('/device-check'));
      await page.getByRole('button', { name: textOf('device.start', 'es') }).click();
      await page.waitForSelector('[data-device-check][data-result]');
      await expect(page.getAttribute('[data-device-check]', 'data-result')).resolves.toBe('denied');
      await expect(page.getByTestId('device-status').textContent()).resolves.toBe(
        textOf('device.denied', 'es'),
      );
      await expect(page.getByTestId('device-help').textContent()).resolves.toBe(
        textOf('device.deniedHelp', 'es'),
      );
      await expectAxeClean(page);
    } finally {
      await Promise.all(open.map((o) => o.context.close()));
      open = [];
      await denying.close();
    }
  });
});
