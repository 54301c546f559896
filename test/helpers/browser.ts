// Callbacks passed to page.evaluate run in the browser, so this file also sees the DOM types.
/// <reference lib="dom" />
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { skippedSuite } from './services';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';
import { type ClinicHarness, startClinic } from './clinic';
import { testConfig } from './portal';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const ROOT = join(__dirname, '..', '..');
/**
 * Where screenshots go: test-results/ (ignored by git) on every run, so `npm test` leaves the tree
 * clean; docs/screenshots/ (shown in the README) with `npm run screenshots`.
 */
export const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS
  ? join(ROOT, 'docs', 'screenshots')
  : join(ROOT, 'test-results', 'screenshots');
const AXE_PATH = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

/** Widths the pages must work at: a small phone and a laptop. */
export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 800 };

/**
 * `describe` when the system Chromium is there. Locally a missing browser skips loudly; under
 * CI=true it is a failure, never a silent skip (mirrors describeWith in services.ts).
 */
export function describeWithBrowser(name: string, fn: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(name, () => {
      // A journey drives a real browser through several pages and VSee calls: on two shared cores a
      // single one has taken 27 s, too close to Jest's 30 s default.
      jest.setTimeout(120_000);
      fn();
    });
    return;
  }
  if (process.env.CI === 'true') {
    throw new Error(`${CHROMIUM_PATH} not found: under CI=true the browser tests must run, not skip`);
  }
  process.stderr.write(`\n  ⚠ ${CHROMIUM_PATH} not found: skipping the browser tests "${name}"\n`);
  skippedSuite(name, CHROMIUM_PATH);
}

/** The system Chromium, headless, with nothing that reaches beyond loopback (plus `extraArgs`). */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

export interface BrowserClinic {
  harness: ClinicHarness;
  /** The portal's origin, e.g. http://127.0.0.1:43123 (its PUBLIC_URL). */
  portalUrl: string;
  close(): Promise<void>;
}

/**
 * A real portal over HTTP on 127.0.0.1, wired to a real sandbox. The port is taken first so the
 * portal's PUBLIC_URL (against which it checks the Origin of every POST) is the one the browser uses.
 */
export async function startBrowserClinic(
  options: Omit<Parameters<typeof startClinic>[0] & object, 'config'> & {
    /** More portal settings (e.g. OIDC_*), on top of PUBLIC_URL. */
    env?: Record<string, string>;
  } = {},
): Promise<BrowserClinic> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const portalUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { env, ...clinicOptions } = options;
  const harness = await startClinic({
    ...clinicOptions,
    config: testConfig({ ...env, PUBLIC_URL: portalUrl }),
  });
  server.on('request', harness.app);
  return {
    harness,
    portalUrl,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await harness.close();
    },
  };
}

/** Everything that went wrong in a page that a patient would not see but a test must: */
export interface PageProblems {
  /** console errors, uncaught exceptions and CSP violations, in order. */
  list: string[];
}

/**
 * Records console errors, uncaught exceptions and `securitypolicyviolation` events of every page
 * the context opens (across navigations, through an exposed binding).
 */
export async function watchProblems(context: BrowserContext): Promise<PageProblems> {
  const problems: PageProblems = { list: [] };
  await context.exposeBinding('__reportProblem', (_source, text: string) => {
    problems.list.push(text);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __reportProblem?: (t: string) => void }).__reportProblem;
      report?.(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI} on ${location.href}`);
    });
  });
  const watch = (page: Page) => {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.list.push(`console error on ${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.list.push(`uncaught on ${page.url()}: ${error.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return problems;
}

/** A fresh, CSP-enforcing context whose problems are recorded; `expectNoProblems` after use. */
export async function newWatchedContext(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const context = await browser.newContext({ viewport: DESKTOP, timezoneId: 'America/New_York', ...options });
  const problems = await watchProblems(context);
  const page = await context.newPage();
  return { context, page, problems };
}

/** The whole page, cut at `maxHeight` (two weeks of appointment slots would make a 30,000 px image). */
async function pageClip(page: Page, maxHeight: number) {
  const size = await page.evaluate(() => ({
    width: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
  }));
  return {
    fullPage: true,
    clip: { x: 0, y: 0, width: size.width, height: Math.min(size.height, maxHeight) },
  };
}

/**
 * Saves `name`-desktop.png and `name`-phone.png. For the portal's pages (not the sandbox's, which
 * only stand in for VSee) it also checks the page does not scroll sideways at 360 px.
 */
export async function screenshot(
  page: Page,
  name: string,
  options: { checkLayout?: boolean } = {},
): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const original = page.viewportSize() ?? DESKTOP;
  await page.setViewportSize(DESKTOP);
  await page.screenshot({
    path: join(SCREENSHOT_DIR, `${name}-desktop.png`),
    ...(await pageClip(page, 1400)),
  });
  await page.setViewportSize(PHONE);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-phone.png`), ...(await pageClip(page, 1600)) });
  await page.setViewportSize(original);
  if ((options.checkLayout ?? true) && overflow > 0)
    throw new Error(`${name} (${page.url()}) scrolls sideways by ${overflow}px at 360px`);
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core on the page as it is now and returns its serious and critical violations. The page
 * must belong to a `bypassCSP` context: axe is injected as a script the portal's CSP would refuse.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_PATH });
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document): Promise<AxeResults> } }).axe;
    interface AxeResults {
      violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
    }
    const r = await axe.run(document);
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  });
  return results.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
