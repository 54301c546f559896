import { parse as parseSetCookie } from 'set-cookie-parser';
import request from 'supertest';
import { DEFAULT_RATE_LIMITS, RateLimits } from '../../src/web/rate-limits';
import { openTestDb, type TestDb } from '../helpers/databases';
import { csrfFrom } from '../helpers/html';
import { buildPortal, newPatient, signUp } from '../helpers/portal';

// docs/security.md A2: an unknown email and a wrong password are indistinguishable by status, body,
// cookies and timing (being a patient here is itself sensitive).

describe('login failures look the same whether or not the email is a patient (docs/security.md A2)', () => {
  let testDb: TestDb;
  let app: ReturnType<typeof buildPortal>;
  const patient = newPatient();

  beforeAll(async () => {
    testDb = await openTestDb('sqlite');
    // Limits far out of the way: hundreds of failures here must all reach the password check.
    const rateLimits = new RateLimits({
      ...DEFAULT_RATE_LIMITS,
      loginFailuresPerUserIp: 1e6,
      loginFailuresPerIpPerDay: 1e6,
    });
    app = buildPortal({ db: testDb.db, rateLimits });
    await signUp(request.agent(app), patient);
  });
  afterAll(() => testDb.close());

  async function failedLogin(email: string) {
    const agent = request.agent(app);
    const _csrf = csrfFrom((await agent.get('/login')).text);
    const started = process.hrtime.bigint();
    const res = await agent.post('/login').type('form').send({ email, password: 'not the password', _csrf });
    return { res, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  }

  /** The page with per-response values (CSRF token, nonce, the echoed email) blanked out. */
  const comparable = (html: string, email: string) =>
    html
      .replaceAll(email, 'EMAIL')
      .replace(/name="_csrf" value="[^"]*"/g, '')
      .replace(/nonce="[^"]*"/g, '');

  it('same status, same page and the same cookies for an unknown email and a wrong password', async () => {
    const unknown = 'nobody.here@example.test';
    const { res: wrongPassword } = await failedLogin(patient.email);
    const { res: unknownEmail } = await failedLogin(unknown);

    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(wrongPassword.status);
    expect(comparable(unknownEmail.text, unknown)).toBe(comparable(wrongPassword.text, patient.email));
    const shape = (res: request.Response) =>
      parseSetCookie(res.headers['set-cookie'] ?? []).map(
        ({ value: _value, expires: _expires, ...rest }) => rest,
      );
    expect(shape(unknownEmail)).toEqual(shape(wrongPassword));
  });

  it('the median time of the two failures differs by less than 20 ms', async () => {
    // Interleaved so that load from other processes hits both samples alike; medians, not means,
    // so one stalled request on a busy machine cannot decide the result.
    const samples = { wrongPassword: [] as number[], unknownEmail: [] as number[] };
    for (let i = 0; i < 60; i += 1) {
      samples.wrongPassword.push((await failedLogin(patient.email)).ms);
      samples.unknownEmail.push((await failedLogin(`nobody.${i}@example.test`)).ms);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const delta = Math.abs(median(samples.wrongPassword) - median(samples.unknownEmail));
    expect(delta).toBeLessThan(20);
  }, 30_000);
});
