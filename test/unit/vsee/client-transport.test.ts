import { VseeClient } from '../../../src/vsee';
import {
  selfSignedCertificate,
  startFakeVsee,
  startSilentTcpServer,
  type FakeVsee,
} from '../../helpers/fake-vsee-http';
import { CANARY, settingsFor, ssoJson, thrown, visitJson } from './support';

const TOKEN = CANARY.patientToken;
const room = { data: { code: 'acmeroom' } };

/** Per-call timeout: long enough for a scripted answer on a loaded machine (300 ms and 1 s were not). */
const CALL_MS = 2000;

describe('VseeClient transport: retries, keep-alive, connect timeout, TLS', () => {
  let fake: FakeVsee;
  let client: VseeClient;

  beforeEach(async () => {
    fake = await startFakeVsee();
    client = new VseeClient(settingsFor(fake.apiUrl), {
      timeouts: { callMs: CALL_MS },
      retry: { baseDelayMs: 5 },
    });
  });
  afterEach(async () => {
    client.close();
    await fake.close();
  });

  it('retries a GET after 503, 503 and then succeeds (3 requests)', async () => {
    fake.script('GET', 'visits/1525', { status: 503 }, { status: 503 }, { json: visitJson() });

    const visit = await client.getVisit('1525', TOKEN);

    expect(visit.id).toBe('1525');
    expect(fake.requests).toHaveLength(3);
  });

  it('gives a GET up after three attempts', async () => {
    fake.script('GET', 'rooms/acmeroom', { status: 503 });

    const error = await thrown(() => client.getRoom());

    expect(error).toMatchObject({ kind: 'unavailable', status: 503 });
    expect(fake.requests).toHaveLength(3);
  });

  it('retries a GET that timed out', async () => {
    fake.script('GET', 'rooms/acmeroom', 'hang', { json: room });

    await expect(client.getRoom()).resolves.toMatchObject({ code: 'acmeroom' });
    expect(fake.requests).toHaveLength(2);
  });

  it('does not retry a GET that VSee rejected', async () => {
    fake.script('GET', 'visits/1525', { status: 403, json: { code: 403, message: 'no' } });

    await expect(client.getVisit('1525', TOKEN)).rejects.toMatchObject({ kind: 'rejected' });
    expect(fake.requests).toHaveLength(1);
  });

  it('honours Retry-After (up to the cap) before retrying a GET', async () => {
    fake.script('GET', 'rooms/acmeroom', { status: 503, headers: { 'Retry-After': '1' } }, { json: room });

    const started = Date.now();
    await client.getRoom();

    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.requests).toHaveLength(2);
  });

  it.each([
    ['503', { status: 503 }],
    ['a timeout', 'hang'],
    ['a dropped connection', 'destroy'],
  ] as const)('never retries a POST: add_walkin after %s reaches VSee once', async (_name, answer) => {
    fake.script('POST', 'visits/add_walkin', answer);

    await thrown(() => client.addWalkin({ intakeId: 'i' }, TOKEN));

    expect(fake.requests).toHaveLength(1);
  });

  it('reuses one keep-alive connection for consecutive calls', async () => {
    fake.script('POST', 'users/sso', { json: ssoJson() });
    fake.script('POST', 'intakes', { json: { data: { id: 'i-1' } } });
    fake.script('POST', 'visits/add_walkin', { json: visitJson() });
    fake.script('GET', 'visits/1525', { json: visitJson() });

    const session = await client.ssoLogin({ code: 'acct-1', firstName: 'A', lastName: 'B' });
    const intake = await client.createIntake({ memberId: session.userId, kind: 'walkin' }, session.token);
    const visit = await client.addWalkin({ intakeId: intake.id }, session.token);
    await client.getVisit(visit.id, session.token);

    expect(fake.requests).toHaveLength(4);
    expect(fake.connections()).toBe(1);
  });

  it('fails with timeout when the TCP/TLS connection is not up within connectMs', async () => {
    const silent = await startSilentTcpServer();
    const stalled = new VseeClient(settingsFor(`https://127.0.0.1:${silent.port}/api_v3/`), {
      timeouts: { connectMs: 150, callMs: 3000 },
      retry: { attempts: 1 },
    });
    try {
      const started = Date.now();
      const error = await thrown(() => stalled.getRoom());
      expect(error).toMatchObject({ kind: 'timeout', cause: { code: 'VSEE_CONNECT_TIMEOUT' } });
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      stalled.close();
      await silent.close();
    }
  });

  const tls = selfSignedCertificate();
  (tls ? it : it.skip)(
    'rejects a certificate it cannot verify, without sending the request (docs/security.md C3)',
    async () => {
      const untrusted = await startFakeVsee('/api_v3/', tls);
      untrusted.script('POST', 'users/sso', { json: ssoJson() });
      const viaTls = new VseeClient(settingsFor(untrusted.apiUrl));
      try {
        const error = await thrown(() => viaTls.ssoLogin({ code: 'acct-1', firstName: 'A', lastName: 'B' }));
        expect(error).toMatchObject({ kind: 'unavailable', retryable: false });
        expect(untrusted.requests).toHaveLength(0);
      } finally {
        viaTls.close();
        await untrusted.close();
      }
    },
  );
});
