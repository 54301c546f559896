import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { type ClinicHarness, parseLaunch, startClinic } from '../helpers/clinic';
import { LAUNCH_ISSUER, LAUNCH_SECRET, PORTAL_URL } from '../helpers/launch-tokens';
import { testConfig } from '../helpers/portal';

const ROOT = join(__dirname, '..', '..');
const EXAMPLE = join(ROOT, 'docs', 'examples', 'sign-launch-link.mjs');

describe('the Node signing example in docs/integrating.md', () => {
  let harness: ClinicHarness;
  beforeAll(async () => {
    harness = await startClinic({
      config: testConfig({
        PUBLIC_URL: PORTAL_URL,
        LAUNCH_JWT_SECRET: LAUNCH_SECRET,
        LAUNCH_JWT_ISSUER: LAUNCH_ISSUER,
      }),
    });
  });
  afterAll(() => harness?.close());

  it('is the file this test runs, word for word', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'integrating.md'), 'utf8');
    expect(doc).toContain(readFileSync(EXAMPLE, 'utf8'));
  });

  it('prints a link that logs the patient in and goes to the clinic', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [EXAMPLE], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        LAUNCH_JWT_SECRET: LAUNCH_SECRET,
        LAUNCH_JWT_ISSUER: LAUNCH_ISSUER,
        PORTAL_URL,
      },
    });
    const link = new URL(stdout.trim());
    expect(`${link.origin}${link.pathname}`).toBe(`${PORTAL_URL}/launch`);

    const res = await request(harness.app).get(`${link.pathname}${link.search}`);

    expect(res.status).toBe(302);
    expect(parseLaunch(res.headers.location).ssoToken).toBeTruthy();
    const sso = harness.sandbox.requestLog.entries().find((e) => e.endpoint === 'users/sso');
    expect(sso?.fields).toMatchObject({ first_name: 'Ada', last_name: 'Lovelace', dob: '1985-12-10' });
  });
});
