import request from 'supertest';
import { type Agent, type ClinicHarness, patientOf, startClinic, walkinForm } from '../helpers/clinic';
import { csrfOf, logIn } from '../helpers/portal';

// docs/security.md C1: a launch mints an SSO token and may create a visit, so a forged one must be refused
// before VSee hears of it. Every case below must leave the sandbox's request log empty.

type Launch = '/clinic/go' | '/visits/walkin';

describe('a forged launch never reaches VSee (docs/security.md C1)', () => {
  let h: ClinicHarness;
  beforeAll(async () => {
    h = await startClinic();
  });
  afterAll(() => h.close());
  beforeEach(() => h.sandbox.requestLog.clear());

  async function press(agent: Agent, path: Launch, fields: Record<string, string>, headers = {}) {
    const { launchKey } = await walkinForm(agent);
    h.sandbox.requestLog.clear();
    return agent
      .post(path)
      .set(headers)
      .type('form')
      .send({ launch_key: launchKey, ...fields });
  }

  const LAUNCHES: Launch[] = ['/clinic/go', '/visits/walkin'];

  it.each(LAUNCHES)('POST %s without a CSRF token → 403, no VSee call', async (path) => {
    const { agent } = await patientOf(h);
    const res = await press(agent, path, {});
    expect(res.status).toBe(403);
    expect(res.headers.location).toBeUndefined();
    expect(h.sandbox.requestLog.entries()).toEqual([]);
  });

  it.each(LAUNCHES)("POST %s with another patient's token → 403, no VSee call", async (path) => {
    const other = await patientOf(h);
    const foreign = await csrfOf(other.agent, '/');
    const { agent } = await patientOf(h);
    const res = await press(agent, path, { _csrf: foreign });
    expect(res.status).toBe(403);
    expect(h.sandbox.requestLog.entries()).toEqual([]);
  });

  it.each(LAUNCHES)('POST %s with the token from before login → 403, no VSee call', async (path) => {
    const { fields } = await patientOf(h);
    const agent = request.agent(h.app);
    const preLogin = await csrfOf(agent, '/login');
    expect((await logIn(agent, fields.email, fields.password)).status).toBe(303);
    const res = await press(agent, path, { _csrf: preLogin });
    expect(res.status).toBe(403);
    expect(h.sandbox.requestLog.entries()).toEqual([]);
  });

  it.each(
    LAUNCHES.flatMap((path) => [
      [path, 'Origin', 'https://evil.test'],
      [path, 'Sec-Fetch-Site', 'cross-site'],
    ]),
  )('POST %s with %s: %s and a valid token → 403, no VSee call', async (path, header, value) => {
    const { agent } = await patientOf(h);
    const _csrf = await csrfOf(agent, '/');
    const res = await press(agent, path as Launch, { _csrf }, { [header]: value });
    expect(res.status).toBe(403);
    expect(h.sandbox.requestLog.entries()).toEqual([]);
  });

  it('the control case: the same POST with the right token and no cross-site header launches', async () => {
    const { agent } = await patientOf(h);
    const _csrf = await csrfOf(agent, '/');
    const res = await press(agent, '/clinic/go', { _csrf });
    expect(res.status).toBe(302);
    expect(h.sandbox.requestLog.entries().map((c) => c.endpoint)).toEqual(['users/sso']);
  });

  it.each(LAUNCHES)('GET %s does not launch: 404, no VSee call', async (path) => {
    const { agent } = await patientOf(h);
    h.sandbox.requestLog.clear();
    const res = await agent.get(path);
    expect(res.status).toBe(404);
    expect(h.sandbox.requestLog.entries()).toEqual([]);
  });
});
