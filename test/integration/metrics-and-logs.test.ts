import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { Metrics } from '../../src/ops/metrics';
import { createMetricsServer } from '../../src/ops/metrics-server';
import { type ClinicHarness, patientOf, startClinic, walkinForm } from '../helpers/clinic';
import { csrfOf } from '../helpers/portal';

async function walkin(agent: Awaited<ReturnType<typeof patientOf>>['agent']) {
  const form = await walkinForm(agent);
  return agent.post('/visits/walkin').type('form').send({ _csrf: form._csrf, launch_key: form.launchKey });
}

/** The value of one sample in Prometheus text, e.g. `portal_launches_total{flow="walkin",outcome="success"}`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      return Number(line.split(' ').pop());
  }
  return undefined;
}

function parsedLines(lines: string[]) {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown> & { level: string; msg: string });
}

describe('metrics on their own listener', () => {
  let h: ClinicHarness;
  let metrics: Metrics;
  let metricsServer: Server;
  let scrape: () => Promise<string>;
  beforeEach(async () => {
    metrics = new Metrics({ processMetrics: true });
    h = await startClinic({ metrics, client: { breaker: { volumeThreshold: 4, resetTimeoutMs: 60_000 } } });
    metricsServer = createMetricsServer(metrics).listen(0, '127.0.0.1');
    await new Promise((resolve) => metricsServer.once('listening', resolve));
    const port = (metricsServer.address() as AddressInfo).port;
    scrape = async () => (await request(`http://127.0.0.1:${port}`).get('/metrics').expect(200)).text;
  });
  afterEach(async () => {
    metricsServer.close();
    await h.close();
  });

  it('counts launches by flow and outcome, VSee calls by endpoint, requests by route template; the public port has no /metrics', async () => {
    const { agent } = await patientOf(h);
    expect((await walkin(agent)).status).toBe(302);
    h.sandbox.knobs.failNext('users/sso', { status: 401 });
    expect((await walkin(agent)).status).toBe(502);
    await agent.get('/visits/424242');

    const text = await scrape();
    expect(sample(text, 'portal_launches_total', { flow: 'walkin', outcome: 'success' })).toBe(1);
    expect(sample(text, 'portal_launches_total', { flow: 'walkin', outcome: 'failure' })).toBe(1);
    expect(
      sample(text, 'vsee_request_duration_seconds_count', { endpoint: 'users/sso', outcome: 'ok' }),
    ).toBe(1);
    expect(
      sample(text, 'vsee_request_duration_seconds_count', { endpoint: 'users/sso', outcome: 'rejected' }),
    ).toBe(1);
    expect(
      sample(text, 'http_request_duration_seconds_count', {
        method: 'GET',
        route: '/visits/:id',
        status: '404',
      }),
    ).toBe(1);
    expect(text).not.toContain('424242');
    expect(sample(text, 'vsee_circuit_open')).toBe(0);
    expect(text).toContain('process_cpu_seconds_total');

    expect((await request(h.app).get('/metrics')).status).toBe(404);
  });

  it('a VSee failure is one warn line with endpoint, status, VSee code and time, never VSee message text or a token', async () => {
    const { agent } = await patientOf(h);
    h.sandbox.knobs.failNext('users/sso', { status: 401 });
    expect((await walkin(agent)).status).toBe(502);

    const warnings = parsedLines(h.logLines).filter((l) => l.level === 'warn' && l.vsee);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.vsee).toMatchObject({ endpoint: 'users/sso', status: 401, outcome: 'rejected' });
    expect(typeof (warnings[0]!.vsee as { ms: unknown }).ms).toBe('number');
    expect(warnings[0]).toMatchObject({ service: 'vsee-patient-bridge', pid: process.pid });
    // The sandbox's error body says "Sandbox: injected failure."; VSee's text may name the patient.
    expect(h.logLines.join('\n')).not.toContain('injected failure');
    expect(JSON.stringify(warnings[0])).not.toMatch(/sso_token|X-ApiSecret|api-secret/i);
  });

  it('the breaker opening is one warn line and vsee_circuit_open turns 1', async () => {
    const { agent } = await patientOf(h);
    const _csrf = await csrfOf(agent, '/');
    h.sandbox.knobs.failNext('users/sso', { status: 500, times: 10 });
    for (let i = 0; i < 6; i += 1) await agent.post('/clinic/go').type('form').send({ _csrf });

    expect(sample(await scrape(), 'vsee_circuit_open')).toBe(1);
    const lines = parsedLines(h.logLines);
    expect(lines.filter((l) => l.level === 'warn' && /circuit breaker open/.test(l.msg))).toHaveLength(1);
  });

  it('one error line per failed request, carrying the error', async () => {
    const { agent } = await patientOf(h);
    h.sandbox.knobs.failNext('users/sso', { status: 500, times: 3 });
    const _csrf = await csrfOf(agent, '/');
    const before = h.logLines.length;
    expect((await agent.post('/clinic/go').type('form').send({ _csrf })).status).toBe(503);
    const errors = parsedLines(h.logLines.slice(before)).filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.err).toMatchObject({ type: 'VseeError' });
  });
});
