import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import pino from 'pino';
import { VseeClient, VseeError, flowDeadline, isVseeError } from '../../../src/vsee';
import { startFakeVsee, type FakeVsee, type ScriptedAnswer } from '../../helpers/fake-vsee-http';
import { NOTHING_LISTENS_PORT } from '../../helpers/waiting';
import { CANARY, settingsFor, ssoJson, thrown } from './support';

const patient = { code: 'acct-1', firstName: CANARY.patientName, lastName: 'Smith', dob: '1990-01-01' };

/** Every rendering of an error a log or a page could end up with. */
function renderings(error: unknown): string {
  const e = error as Error;
  return [String(e), e.stack, JSON.stringify(e), inspect(e, { depth: 5 })].join('\n');
}

function expectNoSecrets(text: string): void {
  for (const canary of Object.values(CANARY)) expect(text).not.toContain(canary);
  expect(text).not.toMatch(/127\.0\.0\.1|sso_token|x-api/i);
}

/**
 * The client's per-call timeout here. Long enough that a loaded machine (load average 25 on two
 * cores) answers a scripted reply within it, the first call of the file included (1 s was not
 * enough for it); the timing assertions below are relative to it.
 */
const CALL_MS = 2000;

describe('VseeClient failures', () => {
  let fake: FakeVsee;
  let client: VseeClient;
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);

  beforeEach(async () => {
    lines.length = 0;
    fake = await startFakeVsee();
    client = new VseeClient(settingsFor(fake.apiUrl), {
      logger,
      timeouts: { callMs: CALL_MS },
      retry: { baseDelayMs: 1 },
    });
  });
  afterEach(async () => {
    client.close();
    await fake.close();
  });

  async function ssoFailure(...answers: ScriptedAnswer[]): Promise<VseeError> {
    fake.script('POST', 'users/sso', ...answers);
    const error = await thrown(() => client.ssoLogin(patient));
    expect(isVseeError(error)).toBe(true);
    expectNoSecrets(renderings(error));
    return error as VseeError;
  }

  it("when VSee answers 401, the error is rejected with status and code but not VSee's message", async () => {
    const error = await ssoFailure({ status: 401, json: { code: 401, message: CANARY.vseeMessage } });

    expect(error).toMatchObject({
      kind: 'rejected',
      endpoint: 'users/sso',
      status: 401,
      vseeCode: 401,
      retryable: false,
    });
    expect(error.message).toBe('VSee users/sso failed: rejected');
    expect(error.cause).toBeUndefined();
  });

  it('when VSee answers 500, the error is unavailable and retryable', async () => {
    const error = await ssoFailure({ status: 500, json: { code: 500, message: CANARY.vseeMessage } });

    expect(error).toMatchObject({ kind: 'unavailable', status: 500, retryable: true });
  });

  it('when VSee answers 429, the error is unavailable (try later), not rejected', async () => {
    const error = await ssoFailure({ status: 429, headers: { 'Retry-After': '3' }, json: { code: 429 } });

    expect(error).toMatchObject({ kind: 'unavailable', status: 429, retryAfterMs: 3000 });
  });

  it('when VSee never answers, the call times out after callMs', async () => {
    const started = Date.now();
    const error = await ssoFailure('hang');

    expect(error.kind).toBe('timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(CALL_MS - 10);
    expect(Date.now() - started).toBeLessThan(CALL_MS * 3);
  });

  it('when the flow deadline passes first, the error is a non-retryable timeout', async () => {
    client.close();
    client = new VseeClient(settingsFor(fake.apiUrl), { timeouts: { callMs: 5000 } });
    fake.script('GET', 'rooms/acmeroom', 'hang');

    const started = Date.now();
    const error = await thrown(() => client.getRoom(undefined, flowDeadline(150)));

    expect(error).toMatchObject({ kind: 'timeout', retryable: false });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(fake.requests).toHaveLength(1);
  });

  it('when nothing listens on the port, the error is unavailable with only the error code as cause', async () => {
    const offline = new VseeClient(settingsFor(`http://127.0.0.1:${NOTHING_LISTENS_PORT}/vc/next/api_v3/`));
    try {
      const error = await thrown(() => offline.ssoLogin(patient));
      expect(error).toMatchObject({ kind: 'unavailable', cause: { code: 'ECONNREFUSED' } });
      expectNoSecrets(renderings(error));
    } finally {
      offline.close();
    }
  });

  it('when VSee drops the connection, the error is unavailable', async () => {
    const error = await ssoFailure('destroy');

    expect(error).toMatchObject({ kind: 'unavailable', cause: { code: 'ECONNRESET' } });
  });

  it('when the body is not JSON, the error is bad_response', async () => {
    const error = await ssoFailure({ body: `{"data": {"token": "${CANARY.patientToken}"` });

    expect(error).toMatchObject({ kind: 'bad_response', status: 200, retryable: false });
  });

  it('when data.token.token is missing, the error is bad_response naming the field', async () => {
    const error = await ssoFailure({ json: { data: { id: '10008', token: { expiry: 1 } } } });

    expect(error).toMatchObject({ kind: 'bad_response', invalidFields: ['data.token.token'] });
  });

  it('when a visit answer has no id, the error is bad_response', async () => {
    fake.script('POST', 'visits/add_walkin', { json: { data: { type: '1', status: '10' } } });

    const error = await thrown(() => client.addWalkin({ intakeId: 'i' }, CANARY.patientToken));

    expect(error).toMatchObject({
      kind: 'bad_response',
      endpoint: 'visits/add_walkin',
      invalidFields: ['data.id'],
    });
  });

  it('when a 200 carries an error body, it is the error it describes', async () => {
    const error = await ssoFailure({ json: { code: 403, message: CANARY.vseeMessage } });

    expect(error).toMatchObject({ kind: 'rejected', status: 403, vseeCode: 403 });
  });

  it('when VSee redirects, the client does not follow and fails with bad_response (docs/security.md C3)', async () => {
    const error = await ssoFailure({ status: 302, headers: { Location: '/vc/next/api_v3/users/sso' } });

    expect(error).toMatchObject({ kind: 'bad_response', status: 302 });
    expect(fake.requests).toHaveLength(1);
  });

  it('logs one debug line per call with endpoint, status and time, and nothing secret', async () => {
    fake.script('POST', 'users/sso', { json: ssoJson() });
    fake.script('POST', 'intakes', { status: 400, json: { code: 400, message: CANARY.vseeMessage } });

    const session = await client.ssoLogin(patient);
    await thrown(() =>
      client.createIntake({ memberId: session.userId, reasonForVisit: 'PHI-reason' }, session.token),
    );

    expect(lines).toHaveLength(2);
    const [first, second] = lines.map((l) => JSON.parse(l) as { vsee: Record<string, unknown>; msg: string });
    expect(first).toMatchObject({
      msg: 'vsee call',
      vsee: { endpoint: 'users/sso', status: 200, outcome: 'ok' },
    });
    expect(second).toMatchObject({ vsee: { endpoint: 'intakes', status: 400, outcome: 'rejected' } });
    expect(typeof first?.vsee.ms).toBe('number');
    expectNoSecrets(lines.join('\n'));
    expect(lines.join('\n')).not.toContain('PHI-reason');
  });
});
