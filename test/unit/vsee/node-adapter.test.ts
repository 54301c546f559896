import { VseeClient } from '../../../src/vsee';
import { startFakeVsee, type FakeVsee } from '../../helpers/fake-vsee-http';
import { CANARY, settingsFor, ssoJson, thrown } from './support';

// The client's own node:http adapter for axios (src/vsee/node-adapter.ts): what axios's adapter
// did for us and the other VSee client tests do not reach.
describe('VseeClient on its node:http adapter', () => {
  let fake: FakeVsee;
  let client: VseeClient;
  const patient = { code: 'acct-1', firstName: 'Ada', lastName: 'Smith', dob: '1990-01-01' };

  beforeEach(async () => {
    fake = await startFakeVsee();
    client = new VseeClient(settingsFor(fake.apiUrl), { timeouts: { callMs: 5000 } });
  });
  afterEach(async () => {
    client.close();
    await fake.close();
  });

  it('sends the JSON body with its length and the API headers, and reads an answer of many chunks', async () => {
    const padding = 'x'.repeat(300_000);
    fake.script('POST', 'users/sso', { body: JSON.stringify({ ...(ssoJson() as object), padding }) });

    const session = await client.ssoLogin(patient);

    expect(session.token).toBe(CANARY.patientToken);
    const [req] = fake.requests;
    expect(req!.headers['content-length']).toBe(String(Buffer.byteLength(req!.body)));
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers.accept).toBe('application/json');
    expect(req!.headers['x-apikey']).toBe(CANARY.apiKey);
    expect(req!.json).toMatchObject({ code: 'acct-1', first_name: 'Ada' });
  });

  it('reads an answer that starts with a byte order mark', async () => {
    fake.script('POST', 'users/sso', { body: `\uFEFF${JSON.stringify(ssoJson())}` });

    await expect(client.ssoLogin(patient)).resolves.toMatchObject({ token: CANARY.patientToken });
  });

  it('refuses an answer over 1 MB as a bad response, without reading it all', async () => {
    fake.script('POST', 'users/sso', {
      body: JSON.stringify({ ...(ssoJson() as object), padding: 'x'.repeat(1_100_000) }),
    });

    const error = await thrown(() => client.ssoLogin(patient));

    expect(error).toMatchObject({ kind: 'bad_response', cause: { code: 'ERR_BAD_RESPONSE' } });
  });
});
