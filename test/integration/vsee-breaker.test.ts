import { performance } from 'node:perf_hooks';
import { DEFAULT_RATE_LIMITS, RateLimits } from '../../src/web/rate-limits';
import { type ClinicHarness, errorPageOf, patientOf, startClinic } from '../helpers/clinic';
import { csrfOf } from '../helpers/portal';

// Long enough that the fast answers below all fall inside the open period even on a loaded machine
// (100 presses outlasted a 6 s open period with the load average at 19 on two cores).
const RESET_MS = 10_000;
const PRESSES_WHILE_OPEN = 40;
/** The per-call timeout: a call that reached VSee while it hangs would take at least this long. */
const CALL_MS = 1500;

describe('circuit breaker in front of VSee (SECURITY O4)', () => {
  let h: ClinicHarness;
  beforeEach(async () => {
    h = await startClinic({
      client: {
        timeouts: { callMs: CALL_MS },
        breaker: { volumeThreshold: 10, errorThresholdPercentage: 50, resetTimeoutMs: RESET_MS },
      },
      // This test presses the button 120 times a minute on purpose.
      rateLimits: new RateLimits({ ...DEFAULT_RATE_LIMITS, launchesPerMinute: 1000 }),
    });
  });
  afterEach(() => h.close());

  it('opens after repeated VSee failures, then answers fast with no VSee call, and closes again after a good probe', async () => {
    const { agent } = await patientOf(h);
    const _csrf = await csrfOf(agent, '/');
    const go = () => agent.post('/clinic/go').type('form').send({ _csrf });

    h.sandbox.knobs.failNext('users/sso', { status: 500, times: 20 });
    for (let i = 0; i < 20; i += 1) expect((await go()).status).toBe(503);
    const openedAt = Date.now();
    const callsWhenOpen = h.sandbox.requestLog.entries().length;
    h.sandbox.knobs.reset();
    // VSee now hangs past the call timeout: only an answer that never waits for it can be fast.
    h.sandbox.knobs.setLatency('users/sso', CALL_MS * 2);

    const timings: number[] = [];
    for (let i = 0; i < PRESSES_WHILE_OPEN; i += 1) {
      const started = performance.now();
      const res = await go();
      timings.push(performance.now() - started);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
    }
    const page = errorPageOf((await go()).text);
    expect(page.title).toContain('not answering');
    expect(h.sandbox.requestLog.entries().length).toBe(callsWhenOpen);
    timings.sort((a, b) => a - b);
    // Relative to the call timeout, not an absolute figure a loaded machine could miss.
    expect(timings[PRESSES_WHILE_OPEN - 3]!).toBeLessThan(CALL_MS / 3);
    h.sandbox.knobs.reset();

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, openedAt + RESET_MS + 200 - Date.now())));
    expect((await go()).status).toBe(302);
    expect((await go()).status).toBe(302);
  });

  it('VSee refusing requests (4xx) does not open the circuit', async () => {
    const { agent } = await patientOf(h);
    const _csrf = await csrfOf(agent, '/');
    h.sandbox.knobs.failNext('users/sso', { status: 401, times: 15 });
    for (let i = 0; i < 15; i += 1)
      expect((await agent.post('/clinic/go').type('form').send({ _csrf })).status).toBe(502);
    expect((await agent.post('/clinic/go').type('form').send({ _csrf })).status).toBe(302);
  });

  it('a run of VSee 429 answers (slow down) does not open the circuit: the next press reaches VSee', async () => {
    const { agent } = await patientOf(h);
    const _csrf = await csrfOf(agent, '/');
    const go = () => agent.post('/clinic/go').type('form').send({ _csrf });
    h.sandbox.knobs.failNext('users/sso', { status: 429, times: 30 });
    for (let i = 0; i < 15; i += 1) expect((await go()).status).toBe(503);
    h.sandbox.knobs.reset();
    h.sandbox.requestLog.clear();

    const res = await go();

    expect(res.status).toBe(302);
    expect(h.sandbox.requestLog.entries().map((c) => c.endpoint)).toEqual(['users/sso']);
  });
});
