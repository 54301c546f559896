import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { type BenchPatient, PROXY_HEADERS } from './patients';

/** One load run as the report shows it. */
export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  /** Connection errors, timeouts and answers other than the expected status. */
  errors: number;
}

function summarize(result: autocannon.Result, expected: number): LoadResult {
  const ok =
    (result.statusCodeStats as Record<string, { count: number } | undefined>)[String(expected)]?.count ?? 0;
  const answered = result.requests.total;
  return {
    requests: answered,
    rps: answered / (result.duration || 1),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + (answered - ok),
  };
}

/** How long a run lasts: seconds, or a fixed number of requests (the same work however busy the box is). */
export type RunLength = number | { requests: number };

const lengthOf = (length: RunLength) =>
  typeof length === 'number' ? { duration: length } : { amount: length.requests };

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ timeout: 10, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * "See a doctor now" pressed by `connections` patients at once, each press with a fresh launch key
 * (a reused key would be deduplicated, not a new visit). Patients take turns first in, first out
 * from a pool larger than the connections, so a patient's previous walk-in has been marked over
 * (portal-proc.ts) before they press again: every press takes the three-call path (run.ts signs
 * up three per connection and reports any `visits/:id` check, the sign that one did not).
 */
export async function launches(
  base: string,
  patients: BenchPatient[],
  connections: number,
  length: RunLength,
) {
  // autocannon builds some requests it never sends (and so never answers): a patient taken for one
  // of those comes back only when nobody else is free, as the one waiting longest.
  const free = [...patients];
  const busySince = new Map<BenchPatient, number>();
  const take = () => {
    let patient = free.shift();
    if (!patient) patient = [...busySince].sort((x, y) => x[1] - y[1])[0]![0];
    busySince.set(patient, performance.now());
    return patient;
  };
  const release = (patient: BenchPatient) => {
    if (busySince.delete(patient)) free.push(patient);
  };
  const result = await run({
    url: base,
    connections,
    ...lengthOf(length),
    requests: [
      {
        method: 'POST',
        path: '/visits/walkin',
        setupRequest: (req, context) => {
          const patient = take();
          (context as { patient?: BenchPatient }).patient = patient;
          return {
            ...req,
            headers: {
              ...PROXY_HEADERS,
              cookie: patient.cookie,
              'content-type': 'application/x-www-form-urlencoded',
            },
            body: `_csrf=${encodeURIComponent(patient.csrf)}&launch_key=${randomUUID()}`,
          };
        },
        onResponse: (_status, _body, context) => {
          const { patient } = context as { patient?: BenchPatient };
          if (patient) release(patient);
        },
      },
    ],
  });
  // autocannon stops with presses still in flight: let them (and their walk-ins' ending) finish
  // before the next run starts, or its first presses could find a walk-in still open.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return summarize(result, 302);
}

/** The floor gets the same request shape (a form POST), which it ignores. */
export async function floor(base: string, connections: number, length: RunLength) {
  const result = await run({
    url: `${base}/visits/walkin`,
    method: 'POST',
    connections,
    ...lengthOf(length),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `_csrf=x&launch_key=${randomUUID()}`,
  });
  return summarize(result, 302);
}

/** A logged-in page (`/` or `/visits`), patients in turn. */
export async function page(
  base: string,
  path: string,
  patients: BenchPatient[],
  connections: number,
  length: RunLength,
) {
  let n = 0;
  const result = await run({
    url: base,
    connections,
    ...lengthOf(length),
    requests: [
      {
        method: 'GET',
        path,
        setupRequest: (req) => ({
          ...req,
          headers: { ...PROXY_HEADERS, cookie: patients[n++ % patients.length]!.cookie },
        }),
      },
    ],
  });
  return summarize(result, 200);
}

/** The naive peer (naive-peer.ts): the same press, each with a logged-in patient's cookie in turn. */
export async function naive(base: string, cookies: string[], connections: number, length: RunLength) {
  let n = 0;
  const result = await run({
    url: base,
    connections,
    ...lengthOf(length),
    requests: [
      {
        method: 'POST',
        path: '/visits/walkin',
        setupRequest: (req) => ({
          ...req,
          headers: {
            cookie: cookies[n++ % cookies.length]!,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: `launch_key=${randomUUID()}`,
        }),
      },
    ],
  });
  return summarize(result, 302);
}
