import { performance } from 'node:perf_hooks';
import { DEFAULT_RATE_LIMITS, RateLimits } from '../../src/web/rate-limits';
import { type ClinicHarness, errorPageOf, patientOf, startClinic } from '../helpers/clinic';
import { csrfOf } from '../helpers/portal';

// The open period. The presses while open stop at half of it, counted from the last press that
// reached VSee, so none can become the probe however slow the machine is (100 presses outlasted a
// 6 s period with the load average at 19 on two cores).
const RESET_MS = 10_000;
const PRESSES_WHILE_OPEN = 40;
/** Fewer presses than this inside half the open period and the timing says nothing. */
const ENOUGH_PRESSES = 10;
/** The per-call timeout: a call that reached VSee while it hangs would take at least this long. */
const CALL_MS = 1500;

describe('circuit breaker in front of VSee (docs/security.md O4)', () => {
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
    /** The circuit opened after the last press that reached VSee began, and before the loop ended. */
    let openedAfter = 0;
    for (let i = 0; i < 20; i += 1) {
      const started = Date.now();
      const calls = h.sandbox.requestLog.entries().length;
      expect((await go()).status).toBe(503);
      if (h.sandbox.requestLog.entries().length > calls) openedAfter = started;
    }
    const openedBy = Date.now();
    const callsWhenOpen = h.sandbox.requestLog.entries().length;
    h.sandbox.knobs.reset();
    // VSee now hangs past the call timeout: only an answer that never waits for it can be fast.
    h.sandbox.knobs.setLatency('users/sso', CALL_MS * 2);

    const timings: number[] = [];
    while (timings.length < PRESSES_WHILE_OPEN && Date.now() < openedAfter + RESET_MS / 2) {
      const started = performance.now();
      const res = await go();
      timings.push(performance.now() - started);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
    }
    const page = errorPageOf((await go()).text);
    expect(page.title).toContain('not answering');
    expect(h.sandbox.requestLog.entries().length).toBe(callsWhenOpen);
    expect(timings.length).toBeGreaterThanOrEqual(ENOUGH_PRESSES);
    timings.sort((a, b) => a - b);
    // Relative to the call timeout, not an absolute figure a loaded machine could miss.
    expect(timings[Math.floor(timings.length * 0.9)]!).toBeLessThan(CALL_MS / 3);
    h.sandbox.knobs.reset();

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, openedBy + RESET_MS + 200 - Date.now())));
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
