import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { type Child, startChild } from './ipc';
import { floor, launches, type LoadResult, naive, page, type RunLength } from './load';
import { logInNaivePatients, signUpPatients, VISITS_PER_PAGE_PATIENT } from './patients';
import type { PortalReady } from './portal-proc';
import type { SandboxReady, SandboxStats } from './sandbox-proc';

/**
 * npm run bench -- [--patients 50] [--seconds 10 | --requests 3000] [--latency 20] [--pool 50] [--soak 120] [--soak-warmup 20]
 *   [--pages 5] [--warmup 3] [--database-url postgres://…] [--redis-url redis://…] [--sqlite-synchronous full]
 *   [--cpu-prof]
 * See BENCHMARKS.md for what each phase measures and why.
 */
const { values: flags } = parseArgs({
  options: {
    patients: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '10' },
    latency: { type: 'string', default: '20' },
    pool: { type: 'string', default: '50' },
    soak: { type: 'string', default: '120' },
    'soak-warmup': { type: 'string', default: '20' },
    pages: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '3' },
    'database-url': { type: 'string', default: '' },
    'db-pool': { type: 'string', default: '10' },
    'redis-url': { type: 'string', default: '' },
    'log-level': { type: 'string', default: 'warn' },
    'sqlite-synchronous': { type: 'string', default: 'normal' },
    'cpu-prof': { type: 'boolean', default: false },
    requests: { type: 'string', default: '0' },
  },
});
const num = (key: keyof typeof flags) => Number(flags[key]);
const patients = num('patients');
const seconds = num('seconds');
const latency = num('latency');
const pool = num('pool');
const soak = num('soak');
const soakWarmup = num('soak-warmup');
const pagesSeconds = num('pages');
const warmup = num('warmup');
// A fixed number of presses per measured run instead of --seconds: CPU per press then divides the
// same work whatever else the machine is doing (a timed run on a busy box counts fewer presses).
const measured: RunLength = num('requests') > 0 ? { requests: num('requests') } : seconds;

/** What --database-url chose, as the report names it. */
function databaseLabel(): string {
  const url = flags['database-url'] ?? '';
  const synchronous = `synchronous=${flags['sqlite-synchronous']}`;
  if (!url) return `SQLite file (${synchronous})`;
  if (url === 'sqlite::memory:') return `SQLite in memory (${synchronous})`;
  return url.startsWith('sqlite:') ? `SQLite ${url.slice('sqlite:'.length)} (${synchronous})` : 'PostgreSQL';
}
const ms = (v: number) => `${v.toFixed(1)} ms`;
const line = (name: string, r: LoadResult) =>
  `${name.padEnd(22)} ${r.rps.toFixed(0).padStart(8)} ${ms(r.p50).padStart(9)} ${ms(r.p99).padStart(9)} ${String(r.errors).padStart(7)} ${String(r.requests).padStart(9)}`;
/** CPU time (user + system, µs) of the parent (autocannon) and of each child, read together. */
async function cpuTimes(children: Array<Child<unknown>>): Promise<number[]> {
  const total = (u: NodeJS.CpuUsage) => u.user + u.system;
  const own = total(process.cpuUsage());
  return [
    own,
    ...(await Promise.all(children.map(async (c) => total(await c.call<NodeJS.CpuUsage>('cpu'))))),
  ];
}

/**
 * Runs `load` and says what each process spent per request of it, e.g. "autocannon 0.14, sandbox
 * 0.88, portal 2.75" (ms): autocannon is this process, the others are the named children.
 */
async function withCpuPerRequest(
  children: Record<string, Child<unknown>>,
  load: () => Promise<LoadResult>,
): Promise<{ result: LoadResult; cpu: string }> {
  const names = ['autocannon', ...Object.keys(children)];
  const before = await cpuTimes(Object.values(children));
  const result = await load();
  const after = await cpuTimes(Object.values(children));
  const requests = Math.max(result.requests, 1);
  const cpu = names
    .map((name, i) => `${name} ${((after[i]! - before[i]!) / 1000 / requests).toFixed(2)}`)
    .join(', ');
  return { result, cpu };
}

/**
 * With --cpu-prof, `server` (the portal or the naive peer) profiles `load` alone:
 * bench/profiles/<name>.cpuprofile, e.g. portal-launches and naive-launches side by side.
 */
async function profiled(server: Child<unknown>, name: string, load: () => Promise<LoadResult>) {
  if (!flags['cpu-prof']) return load();
  await server.call('profileStart');
  try {
    return await load();
  } finally {
    await server.call('profileStop', name);
  }
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

async function main(): Promise<void> {
  const children: Array<Child<unknown>> = [];
  const started = Date.now();
  try {
    const sandbox = await startChild<SandboxReady>('sandbox-proc', { BENCH_LATENCY_MS: String(latency) });
    children.push(sandbox);
    const common = {
      BENCH_VSEE: JSON.stringify(sandbox.ready.vsee),
      BENCH_POOL: String(pool),
      BENCH_PATIENTS: String(patients),
    };

    // The floor, with a short warm-up so neither side pays for JIT or opening its pool in the figures.
    const floorProc = await startChild<{ url: string }>('floor-proc', common);
    children.push(floorProc);
    await sandbox.call('reset');
    if (warmup > 0) await floor(floorProc.ready.url, patients, warmup);
    const { result: floorResult, cpu: floorCpu } = await withCpuPerRequest(
      { sandbox, floor: floorProc },
      () => floor(floorProc.ready.url, patients, measured),
    );
    const floorStats = await sandbox.call<SandboxStats>('stats');
    await floorProc.stop();

    // The naive peer (naive-peer.ts): the same press as a plain Express + passport + axios app.
    const naiveProc = await startChild<{ url: string }>('naive-peer', common);
    children.push(naiveProc);
    const naiveCookies = await logInNaivePatients(naiveProc.ready.url, patients * 3);
    await sandbox.call('reset');
    if (warmup > 0) await naive(naiveProc.ready.url, naiveCookies, patients, warmup);
    const { result: naiveResult, cpu: naiveCpu } = await withCpuPerRequest(
      { sandbox, naive: naiveProc },
      () =>
        profiled(naiveProc, 'naive-launches', () =>
          naive(naiveProc.ready.url, naiveCookies, patients, measured),
        ),
    );
    const naiveStats = await sandbox.call<SandboxStats>('stats');
    await naiveProc.stop();

    const portal = await startChild<PortalReady>(
      'portal-proc',
      {
        ...common,
        BENCH_SESSION_SECRET: randomBytes(32).toString('hex'),
        BENCH_DATABASE_URL: flags['database-url'] ?? '',
        BENCH_DB_POOL: flags['db-pool'] ?? '10',
        BENCH_REDIS_URL: flags['redis-url'] ?? '',
        BENCH_LOG_LEVEL: flags['log-level'] ?? 'warn',
        BENCH_SQLITE_SYNCHRONOUS: flags['sqlite-synchronous'] ?? 'normal',
      },
      ['--expose-gc'],
    );
    children.push(portal);
    const base = portal.ready.url;
    // Three per connection: each press's patient waits a turn, so their last walk-in is over (load.ts).
    const signedUp = await signUpPatients(base, patients * 3);
    await sandbox.call('reset');
    if (warmup > 0) await launches(base, signedUp, patients, warmup);
    const warmStats = await sandbox.call<SandboxStats>('stats');
    await sandbox.call('reset');
    const { result: portalResult, cpu: portalCpu } = await withCpuPerRequest({ sandbox, portal }, () =>
      profiled(portal, 'portal-launches', () => launches(base, signedUp, patients, measured)),
    );
    const portalStats = await sandbox.call<SandboxStats>('stats');

    // Pages are read by patients of their own, each with the same few past visits (the launch
    // patients have hundreds by now), so the figure is that of a typical patient's page.
    let pages: Record<'home' | 'visits', { result: LoadResult; cpu: string }> | undefined;
    if (pagesSeconds > 0) {
      const readers = await signUpPatients(base, patients);
      await portal.call(
        'seedVisits',
        readers.map((r) => r.email),
      );
      if (warmup > 0) await page(base, '/visits', readers, patients, warmup);
      pages = {
        home: await withCpuPerRequest({ portal }, () =>
          profiled(portal, 'portal-home', () => page(base, '/', readers, patients, pagesSeconds)),
        ),
        visits: await withCpuPerRequest({ portal }, () =>
          profiled(portal, 'portal-visits', () => page(base, '/visits', readers, patients, pagesSeconds)),
        ),
      };
    }

    let soakReport: string[] = [];
    if (soak > 0) {
      // After the pages phase and a full GC the portal is smaller than under launch load; the first
      // seconds of launches bring its working set back. Warm it first, so before and after compare
      // the same state and the figure is growth over the soak, not the working set returning.
      await sandbox.call('reset');
      if (soakWarmup > 0) await launches(base, signedUp, patients, soakWarmup);
      const soakWarmStats = await sandbox.call<SandboxStats>('stats');
      const before = await portal.call<NodeJS.MemoryUsage>('memory');
      await sandbox.call('reset');
      const underLoad: number[] = [];
      const sampler = setInterval(
        () => void portal.call<number>('rss').then((rss) => underLoad.push(rss)),
        10_000,
      );
      const soaked = await launches(base, signedUp, patients, soak);
      clearInterval(sampler);
      const soakStats = await sandbox.call<SandboxStats>('stats');
      const after = await portal.call<NodeJS.MemoryUsage>('memory');
      const growth = ((after.rss - before.rss) / before.rss) * 100;
      soakReport = [
        '',
        `Soak: ${soak} s of launches at ${patients} patients: ${line('', soaked).trim()} (rps p50 p99 errors requests)`,
        `  portal RSS after ${soakWarmup} s of warm-up launches ${mb(before.rss)}, after the soak ${mb(after.rss)}: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} %` +
          ` (heap used ${mb(before.heapUsed)} → ${mb(after.heapUsed)}, after a full GC each time)`,
        `  RSS under load every 10 s (MB): ${underLoad.map((rss) => (rss / 1_048_576).toFixed(0)).join(' ')}`,
        `  sandbox connections accepted: soak warm-up ${soakWarmStats.connections} (the pool opened again` +
          ` after the page runs, which call no VSee: idle sockets close after 4 s), soak ${soakStats.connections}`,
      ];
    }

    const chain = 3 * latency;
    const report = [
      '',
      `VSee Patient Bridge benchmark — ${new Date().toISOString()}`,
      `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} at the end`,
      `patients (connections) ${patients}, ${typeof measured === 'number' ? `${seconds} s` : `${measured.requests} presses`} per run, upstream latency ${latency} ms per VSee call (chain ${chain} ms),` +
        ` VSee pool ${pool}, database ${databaseLabel()}, sessions in ${flags['redis-url'] ? 'Redis' : 'the database'}`,
      '',
      `${'See a doctor now'.padEnd(22)} ${'req/s'.padStart(8)} ${'p50'.padStart(9)} ${'p99'.padStart(9)} ${'errors'.padStart(7)} ${'requests'.padStart(9)}`,
      line('floor (node:http)', floorResult),
      line('naive peer (express)', naiveResult),
      line('portal', portalResult),
      '',
      `throughput portal/floor: ${(portalResult.rps / floorResult.rps).toFixed(2)} (target ≥ 0.70), portal/naive: ${(portalResult.rps / naiveResult.rps).toFixed(2)} (target ≥ 1.0)`,
      `added latency over the upstream chain: p50 ${ms(portalResult.p50 - floorResult.p50)} over the floor` +
        ` (${ms(portalResult.p50 - chain)} over ${chain} ms) (target ≤ 3 ms)`,
      `p99 portal/floor: ${(portalResult.p99 / floorResult.p99).toFixed(2)} (target ≤ 1.5), portal/naive: ${(portalResult.p99 / naiveResult.p99).toFixed(2)}`,
      `sandbox connections accepted: floor ${floorStats.connections}, naive run ${naiveStats.connections}, portal warm-up ${warmStats.connections},` +
        ` portal run ${portalStats.connections} (pool ${pool})`,
      `CPU per press (ms): floor run: ${floorCpu}; naive run: ${naiveCpu}; portal run: ${portalCpu}`,
      `VSee calls in the portal run: ${Object.entries(portalStats.calls)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
      ...(pages
        ? [
            '',
            `${`Pages (${VISITS_PER_PAGE_PATIENT} visits each)`.padEnd(22)} ${'req/s'.padStart(8)} ${'p50'.padStart(9)} ${'p99'.padStart(9)} ${'errors'.padStart(7)} ${'requests'.padStart(9)}`,
            line('GET /', pages.home.result),
            line('GET /visits', pages.visits.result),
            `CPU per page (ms): GET / ${pages.home.cpu}; GET /visits ${pages.visits.cpu} (target ≥ 1500 GET /visits per second)`,
          ]
        : []),
      ...soakReport,
      '',
      `total time ${((Date.now() - started) / 1000).toFixed(0)} s`,
    ];
    process.stdout.write(`${report.join('\n')}\n`);
  } finally {
    for (const child of children.reverse()) await child.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
