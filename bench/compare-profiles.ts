import { readFileSync } from 'node:fs';

/**
 * npx tsx bench/compare-profiles.ts bench/profiles/portal-launches.cpuprofile \
 *   bench/profiles/naive-launches.cpuprofile 6000
 *
 * Where two servers' CPU went, side by side, in ms per press: each profile's samples (self time)
 * grouped into the same few categories (SQLite, Node core, axios, the Express stack, our code…).
 * Made for `npm run bench -- --cpu-prof`, which profiles the portal and the naive peer on the same
 * launch load; the last argument is that run's presses. The profiler itself adds a few per cent.
 */

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string } }>;
  samples: number[];
  timeDeltas: number[];
}

// better-sqlite3's native methods (no URL): the statement runs, SQLite's own work and its syscalls.
const SQLITE_NATIVE = new Set(['all', 'run', 'get', 'iterate', 'exec', 'prepare']);
const SOCKET_WRITES = new Set(['writev', 'writeLatin1String', 'writeUtf8String', 'writeBuffer']);
const EXPRESS_STACK = new Set([
  'express',
  'router',
  'body-parser',
  'path-to-regexp',
  'finalhandler',
  'send',
  'qs',
  'raw-body',
  'on-finished',
  'type-is',
  'content-type',
  'depd',
  'encodeurl',
  'escape-html',
  'parseurl',
  'vary',
  'statuses',
  'mime-types',
  'accepts',
  'negotiator',
  'cookie',
  'cookie-signature',
  'proxy-addr',
  'forwarded',
  'fresh',
  'etag',
  'debug',
  'ms',
  'http-errors',
  'on-headers',
  'uid-safe',
  'crc',
  'iconv-lite',
  'is-promise',
  'ipaddr.js',
]);

function categoryOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (SQLITE_NATIVE.has(functionName)) return 'SQLite (native, with its syscalls)';
    if (SOCKET_WRITES.has(functionName)) return 'socket writes';
    return 'other native / V8';
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) {
    if (pkg === 'kysely') return 'Kysely';
    if (pkg === 'axios' || pkg === 'follow-redirects' || pkg === 'proxy-from-env') return 'axios';
    if (EXPRESS_STACK.has(pkg)) return 'Express stack';
    if (pkg.startsWith('passport')) return 'passport';
    return pkg;
  }
  const ours = /\/src\/([^/]+)/.exec(url)?.[1];
  if (ours) return `portal src/${ours.replace(/\.ts$/, '')}`;
  if (url.includes('/bench/')) return 'bench harness';
  if (url.startsWith('node:')) return 'Node core';
  return 'other';
}

function millisecondsByCategory(file: string): Map<string, number> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = nodes.get(id);
    if (!frame) return;
    const category = categoryOf(frame.url, frame.functionName);
    totals.set(category, (totals.get(category) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  totals.delete('idle');
  return totals;
}

function main(): void {
  const [left, right, pressesArg] = process.argv.slice(2);
  if (!left || !right) {
    console.error('usage: compare-profiles.ts <a.cpuprofile> <b.cpuprofile> [presses]');
    process.exit(2);
  }
  const presses = Number(pressesArg ?? 1) || 1;
  const a = millisecondsByCategory(left);
  const b = millisecondsByCategory(right);
  const name = (file: string) => file.replace(/.*\//, '').replace(/\.cpuprofile$/, '');
  const perPress = (ms = 0) => (ms / presses).toFixed(3).padStart(10);
  const categories = [...new Set([...a.keys(), ...b.keys()])].sort(
    (x, y) => (a.get(y) ?? 0) + (b.get(y) ?? 0) - (a.get(x) ?? 0) - (b.get(x) ?? 0),
  );
  console.log(`${'ms per press'.padEnd(36)}${name(left).padStart(16)}${name(right).padStart(16)}`);
  for (const category of categories) {
    const [x, y] = [a.get(category) ?? 0, b.get(category) ?? 0];
    if (x / presses < 0.0005 && y / presses < 0.0005) continue;
    console.log(`${category.padEnd(36)}${perPress(x).padStart(16)}${perPress(y).padStart(16)}`);
  }
  const sum = (m: Map<string, number>) => [...m.values()].reduce((s, v) => s + v, 0);
  console.log(`${'busy, in all'.padEnd(36)}${perPress(sum(a)).padStart(16)}${perPress(sum(b)).padStart(16)}`);
}

main();
