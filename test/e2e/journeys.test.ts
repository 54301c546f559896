// Callbacks passed to page.evaluate run in the browser, so this file also sees the DOM types.
/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  type BrowserClinic,
  describeWithBrowser,
  launchBrowser,
  newWatchedContext,
  type PageProblems,
  screenshot,
  startBrowserClinic,
} from '../helpers/browser';
import { visitRowsOf } from '../helpers/clinic';
import { newPatient, type PatientFields } from '../helpers/portal';

/** A last name no other test uses, so "this patient" on a VSee page means exactly this one. */
function uniqueLastName(): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let suffix = '';
  for (let i = 0; i < 8; i += 1) suffix += letters[Math.floor(Math.random() * letters.length)];
  return `Lovelace-${suffix}`;
}

/** What a sandbox (VSee) page must show for the journey to count as landing in the right place. */
interface Landing {
  /** The clinic path, e.g. `/visits/start/12`. */
  path: string;
  title: string;
  loggedInAs: string;
  visitId?: string;
  patientName?: string;
  joinCode?: string;
}

describeWithBrowser('the patient journey in a real browser, against the sandbox', () => {
  let browser: Browser;
  let clinic: BrowserClinic;
  let open: { context: BrowserContext; problems: PageProblems }[] = [];

  beforeAll(async () => {
    [browser, clinic] = await Promise.all([launchBrowser(), startBrowserClinic()]);
  });
  afterAll(async () => {
    await browser?.close();
    await clinic?.close();
  });
  afterEach(async () => {
    clinic.harness.sandbox.knobs.reset();
    const problems = open.flatMap((o) => o.problems.list);
    await Promise.all(open.map((o) => o.context.close()));
    open = [];
    // Any CSP violation or console error in any page of the test fails it.
    expect(problems).toEqual([]);
  });

  async function newPage(options: Parameters<typeof newWatchedContext>[1] = {}): Promise<Page> {
    const watched = await newWatchedContext(browser, options);
    open.push(watched);
    return watched.page;
  }

  const portal = (path: string) => `${clinic.portalUrl}${path}`;
  const clinicPath = (path: string) => new URL(path.replace(/^\//, ''), clinic.harness.vsee.clinicUrl);
  const fullName = (p: PatientFields) => `${p.first_name} ${p.last_name}`;

  async function signUp(page: Page, shots = false): Promise<PatientFields & { accountId: number }> {
    const fields = newPatient({ last_name: uniqueLastName() });
    await page.goto(portal('/signup'));
    if (shots) await screenshot(page, '02-signup');
    await page.getByLabel('First name').fill(fields.first_name);
    await page.getByLabel('Last name').fill(fields.last_name);
    await page.getByLabel('Date of birth').fill(fields.dob);
    await page.getByLabel('Email address').fill(fields.email);
    await page.getByLabel('Password').fill(fields.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(portal('/'));
    await expectText(page, 'h1', `Hello, ${fields.first_name}`);
    const account = await clinic.harness.testDb.db
      .selectFrom('accounts')
      .select('id')
      .where('email', '=', fields.email.toLowerCase())
      .executeTakeFirstOrThrow();
    return { ...fields, accountId: account.id };
  }

  async function expectText(page: Page, selector: string, text: string) {
    expect((await page.locator(selector).first().textContent())?.trim()).toBe(text);
  }

  /** The VSee visit id of the patient's latest visit of that kind, as the portal recorded it. */
  async function latestVseeVisit(accountId: number, kind: string): Promise<string> {
    const rows = (await visitRowsOf(clinic.harness, accountId)).filter((r) => r.kind === kind);
    const id = rows.at(-1)?.vsee_visit_id;
    if (!id) throw new Error(`no ${kind} visit recorded for account ${accountId}`);
    return id;
  }

  /** Asserts the browser is on this sandbox page, showing this patient and this visit. */
  async function expectLanding(page: Page, want: Landing): Promise<void> {
    await page.waitForLoadState('domcontentloaded');
    const url = new URL(page.url());
    const expected = clinicPath(want.path);
    expect(`${url.origin}${url.pathname}`).toBe(`${expected.origin}${expected.pathname}`);
    const byTestId = async (id: string) =>
      (await page.getByTestId(id).textContent({ timeout: 2000 }))?.trim();
    expect(await byTestId('page-title')).toBe(want.title);
    expect(await byTestId('logged-in-as')).toBe(want.loggedInAs);
    if (want.visitId !== undefined) expect(await byTestId('visit-id')).toBe(want.visitId);
    if (want.patientName !== undefined) expect(await byTestId('patient-name')).toBe(want.patientName);
    if (want.joinCode !== undefined) expect(await byTestId('join-code')).toBe(want.joinCode);
  }

  /** Presses "See a doctor now" on the dashboard and returns the VSee visit it created. */
  async function seeDoctorNow(page: Page, patient: { accountId: number }, reason = 'A sore throat') {
    await page.goto(portal('/'));
    await page.getByLabel(/Reason for your visit/).fill(reason);
    await page.getByRole('button', { name: 'See a doctor now' }).click();
    await page.waitForURL((url) => url.pathname.includes('/visits/start/'));
    return latestVseeVisit(patient.accountId, 'walkin');
  }

  test('Go to Clinic lands on the clinic dashboard, logged in as this patient', async () => {
    const page = await newPage();
    await page.goto(portal('/'));
    await screenshot(page, '01-home');
    const patient = await signUp(page, true);
    await screenshot(page, '03-dashboard');

    await page.getByRole('button', { name: 'Go to Clinic' }).click();
    await page.waitForURL((url) => url.pathname.endsWith('/u/clinic'));

    await expectLanding(page, { path: '/u/clinic', title: 'My visits', loggedInAs: fullName(patient) });
    await expect(page.getByTestId('no-visits').textContent()).resolves.toContain('no visits');
    // The check can fail: this page is not a visit room, so expecting one must throw.
    await expect(
      expectLanding(page, {
        path: '/visits/start/1',
        title: 'Visit room 1',
        loggedInAs: fullName(patient),
      }),
    ).rejects.toThrow();
  });

  test('See a doctor now shows progress, cannot be pressed twice, and lands in this visit room', async () => {
    const page = await newPage();
    const patient = await signUp(page);
    // VSee takes its time, so the patient sees the progress text and may press again.
    clinic.harness.sandbox.knobs.setLatency('visits/add_walkin', 1000);
    // Each submit reports what the button shows and whether app.js let it through. (While a form
    // navigation is pending the page cannot be evaluated, so the page reports to the test instead.)
    const submits: { text: string; busy: string | null; prevented: boolean }[] = [];
    await page.exposeBinding('__reportSubmit', (_source, state: (typeof submits)[number]) => {
      submits.push(state);
    });
    await page.evaluate(() => {
      const form = document.querySelector<HTMLFormElement>('form[action="/visits/walkin"]')!;
      const report = (window as unknown as { __reportSubmit: (s: unknown) => void }).__reportSubmit;
      form.addEventListener('submit', (event) => {
        const button = form.querySelector('button[type=submit]')!;
        setTimeout(() =>
          report({
            text: button.textContent,
            busy: button.getAttribute('aria-disabled'),
            prevented: event.defaultPrevented,
          }),
        );
      });
    });
    await page.getByLabel(/Reason for your visit/).fill('A sore throat');
    await page.getByRole('button', { name: 'See a doctor now' }).click({ noWaitAfter: true });
    // The impatient second press (focus is still on the button) must not start a second launch.
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname.includes('/visits/start/'));

    const busy = { text: 'Connecting you to the clinic…', busy: 'true' };
    expect(submits).toEqual([
      { ...busy, prevented: false },
      { ...busy, prevented: true },
    ]);
    const rows = (await visitRowsOf(clinic.harness, patient.accountId)).filter((r) => r.kind === 'walkin');
    expect(rows).toHaveLength(1);
    const vseeId = rows[0]!.vsee_visit_id!;
    await expectLanding(page, {
      path: `/visits/start/${vseeId}`,
      title: `Visit room ${vseeId}`,
      loggedInAs: fullName(patient),
      visitId: vseeId,
      patientName: fullName(patient),
    });
    expect((await page.getByTestId('visit-status').textContent())?.trim()).not.toBe('');
    await screenshot(page, '05-vsee-visit-room', { checkLayout: false });
  });

  test('Schedule an appointment: pick a slot in my time zone, then open the appointment', async () => {
    const page = await newPage();
    const patient = await signUp(page);
    await page.getByRole('button', { name: 'Schedule an appointment' }).click();
    await page.waitForURL((url) => url.pathname === '/appointments/new');
    // The browser's zone (the context runs in New York) is named on the page.
    await expect(page.locator('main').textContent()).resolves.toMatch(/America\/New_York \(E[SD]T\)/);
    await screenshot(page, '06-schedule');

    await page.locator('.slot-list label').first().click();
    await page.getByLabel(/Reason for your visit/).fill('Follow-up');
    await page.getByRole('button', { name: 'Book this time' }).click();
    await page.waitForURL((url) => /^\/appointments\/\d+$/.test(url.pathname));
    await expect(page.getByTestId('appointment-when').textContent()).resolves.toMatch(/ E[SD]T$/);
    await screenshot(page, '07-appointment-booked');

    const vseeId = await latestVseeVisit(patient.accountId, 'appointment');
    await page.getByRole('button', { name: 'Open appointment' }).click();
    await page.waitForURL((url) => url.pathname.includes('/members/appointment/'));
    await expectLanding(page, {
      path: `/members/appointment/${vseeId}`,
      title: `Appointment ${vseeId}`,
      loggedInAs: fullName(patient),
      visitId: vseeId,
      patientName: fullName(patient),
    });
  });

  test('Ask a doctor (eConsult): the confirmation, then the clinic dashboard lists this eConsult', async () => {
    const page = await newPage();
    const patient = await signUp(page);
    await page.getByRole('link', { name: 'Ask a doctor' }).click();
    await page.waitForURL((url) => url.pathname === '/econsult/new');
    await page.getByLabel('What is your question about?').fill('A rash on my arm');
    await page.getByLabel(/Details/).fill('Since Tuesday, itchy.');
    await page.getByRole('button', { name: 'Send to the clinic' }).click();
    await page.waitForURL((url) => /^\/econsult\/\d+$/.test(url.pathname));
    await expectText(page, 'h1', 'Your question was sent');
    await screenshot(page, '08-econsult-sent');

    const vseeId = await latestVseeVisit(patient.accountId, 'econsult');
    await page.getByRole('button', { name: 'Go to the clinic dashboard' }).click();
    await page.waitForURL((url) => url.pathname.endsWith('/u/clinic'));
    await expectLanding(page, { path: '/u/clinic', title: 'My visits', loggedInAs: fullName(patient) });
    const row = page.locator(`[data-testid="visit-row"][data-visit-id="${vseeId}"]`);
    await expect(row.textContent()).resolves.toContain('eConsult');
  });

  test('Invite someone: the invitee opens the join link in their own browser and joins this visit', async () => {
    const page = await newPage();
    const patient = await signUp(page);
    const vseeId = await seeDoctorNow(page, patient);

    // Through the header link, which tells the portal the browser's zone: times are New York's, named.
    await page.goto(portal('/'));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My visits' }).click();
    await page.waitForURL((url) => url.pathname === '/visits');
    await expect(page.locator('main').textContent()).resolves.toContain('America/New_York');
    await expect(page.locator('.visit-when').first().textContent()).resolves.toMatch(/ E[SD]T$/);
    await screenshot(page, '09-my-visits');
    await page.getByRole('link', { name: 'Invite someone' }).click();
    await page.waitForURL((url) => /^\/visits\/\d+\/invite$/.test(url.pathname));
    await screenshot(page, '10-invite');
    const joinLink = await page.getByTestId('join-link').inputValue();
    const code = /\/visits\/join\/([^/?#]+)$/.exec(joinLink)?.[1];
    expect(code).toBeDefined();

    const guest = await newPage();
    await guest.goto(joinLink);
    await expectLanding(guest, {
      path: `/visits/join/${code}`,
      title: `Join visit ${vseeId}`,
      loggedInAs: 'Guest (invited)',
      visitId: vseeId,
      patientName: fullName(patient),
      joinCode: code,
    });
    await screenshot(guest, '11-vsee-join-as-guest', { checkLayout: false });
  });

  test('Rejoin from My visits goes back into the same visit room', async () => {
    const page = await newPage();
    const patient = await signUp(page);
    const vseeId = await seeDoctorNow(page, patient);

    await page.goto(portal('/visits'));
    await page.getByRole('button', { name: 'Rejoin' }).click();
    await page.waitForURL((url) => url.pathname.includes('/visits/start/'));
    await expectLanding(page, {
      path: `/visits/start/${vseeId}`,
      title: `Visit room ${vseeId}`,
      loggedInAs: fullName(patient),
      visitId: vseeId,
      patientName: fullName(patient),
    });
    expect(
      (await visitRowsOf(clinic.harness, patient.accountId)).filter((r) => r.kind === 'walkin'),
    ).toHaveLength(1);
  });

  test('My visits with no visits says what to do next', async () => {
    const page = await newPage();
    await signUp(page);
    await page.getByRole('link', { name: 'My visits' }).first().click();
    await page.waitForURL((url) => url.pathname === '/visits');
    await expect(page.locator('.empty-state').textContent()).resolves.toMatch(/no visits yet/);
    await expect(page.locator('.empty-state a[href="/"]').count()).resolves.toBe(1);
    await screenshot(page, '04-my-visits-empty');
  });

  test('after logout, the Back button shows no patient data', async () => {
    const page = await newPage();
    const patient = await signUp(page);
    await seeDoctorNow(page, patient);
    await page.goto(portal('/visits'));
    await page.goto(portal('/profile'));
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL((url) => url.pathname === '/login');

    // Back through the portal's own pages (profile, My visits); before them lies VSee's page. They
    // are no-store, so the browser asks again and the server, finding no session, sends it to Log in.
    for (let i = 0; i < 2; i += 1) {
      await page.goBack();
      expect(new URL(page.url()).origin).toBe(clinic.portalUrl);
      await expectText(page, 'h1', 'Log in');
      const text = (await page.locator('body').textContent()) ?? '';
      expect(text).not.toContain(patient.last_name);
      expect(text).not.toContain(patient.email);
      expect(text).not.toContain('Hello,');
    }
  });

  test('with JavaScript disabled, sign-up and See a doctor now still work', async () => {
    const page = await newPage({ javaScriptEnabled: false });
    const patient = await signUp(page);
    const vseeId = await seeDoctorNow(page, patient);
    await expectLanding(page, {
      path: `/visits/start/${vseeId}`,
      title: `Visit room ${vseeId}`,
      loggedInAs: fullName(patient),
      visitId: vseeId,
      patientName: fullName(patient),
    });
  });
});
