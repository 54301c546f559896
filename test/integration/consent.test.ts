import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csrfFrom, testId } from '../helpers/html';
import {
  type ClinicHarness,
  endpointsCalled,
  parseLaunch,
  patientOf,
  startClinic,
  walkinForm,
} from '../helpers/clinic';
import { testConfig } from '../helpers/portal';

const FIRST_TEXT = 'Telehealth consent, version one.\n\nVideo visits are not for emergencies.';
const SECOND_TEXT = 'Telehealth consent, version two.\n\nWe may record nothing without asking you.';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A clinic whose CONSENT_FILE holds `text`. */
async function clinicWithConsent(text: string): Promise<ClinicHarness> {
  const file = join(mkdtempSync(join(tmpdir(), 'consent-')), 'consent.md');
  writeFileSync(file, text);
  return startClinic({ config: testConfig({ CONSENT_FILE: file }) });
}

/** The hidden fields of the consent form, as the page carries them. */
function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[m[1]!] = m[2]!;
  return fields;
}

describe('consent before the first visit (CONSENT_FILE)', () => {
  let h: ClinicHarness;
  beforeAll(async () => {
    h = await clinicWithConsent(FIRST_TEXT);
  });
  afterAll(() => h.close());

  it('See a doctor now shows the consent with the reason kept; VSee hears nothing until the patient agrees', async () => {
    const { agent, account } = await patientOf(h);
    const { launchKey, _csrf } = await walkinForm(agent);
    const form = { _csrf, launch_key: launchKey };
    h.sandbox.requestLog.clear();

    const asked = await agent
      .post('/visits/walkin')
      .type('form')
      .send({ ...form, reason: 'Sore throat & fever' });

    expect(asked.status).toBe(200);
    expect(asked.text).toContain('Video visits are not for emergencies.');
    const carried = hiddenFields(asked.text);
    expect(carried).toMatchObject({
      launch_key: form.launch_key,
      reason: 'Sore throat &amp; fever',
      consent_version: sha256(FIRST_TEXT),
    });
    expect(h.sandbox.requestLog.entries()).toEqual([]);
    expect(await h.testDb.db.selectFrom('consents').selectAll().execute()).toHaveLength(0);

    // Continuing without ticking the box asks again, still without VSee.
    const unticked = await agent
      .post('/visits/walkin')
      .type('form')
      .send({
        _csrf: csrfFrom(asked.text),
        launch_key: form.launch_key,
        reason: 'Sore throat & fever',
        consent_version: sha256(FIRST_TEXT),
      });
    expect(unticked.status).toBe(400);
    expect(unticked.text).toContain('Tick the box to agree');
    expect(h.sandbox.requestLog.entries()).toEqual([]);

    const agreed = await agent
      .post('/visits/walkin')
      .type('form')
      .send({
        _csrf: csrfFrom(unticked.text),
        launch_key: form.launch_key,
        reason: 'Sore throat & fever',
        consent_version: sha256(FIRST_TEXT),
        agree: 'yes',
      });

    expect(agreed.status).toBe(302);
    expect(parseLaunch(agreed.headers.location).path).toMatch(/\/auth$/);
    expect(endpointsCalled(h).slice(0, 3)).toEqual(['users/sso', 'intakes', 'visits/add_walkin']);
    const intake = h.sandbox.requestLog.entries().find((c) => c.endpoint === 'intakes')!;
    expect(intake.fields).toMatchObject({ reason_for_visit: 'Sore throat & fever' });
    const consents = await h.testDb.db
      .selectFrom('consents')
      .selectAll()
      .where('account_id', '=', account.id)
      .execute();
    expect(consents).toEqual([
      expect.objectContaining({
        version: sha256(FIRST_TEXT),
        text: FIRST_TEXT,
        ip: expect.stringMatching(/127\.0\.0\.1|::1/),
      }),
    ]);
    expect(Math.abs(Date.parse(consents[0]!.agreed_at) - Date.now())).toBeLessThan(60_000);

    // Agreed once: the next launch goes straight to VSee.
    h.sandbox.requestLog.clear();
    const again = await walkinForm(agent);
    const second = await agent
      .post('/visits/walkin')
      .type('form')
      .send({ _csrf: again._csrf, launch_key: again.launchKey });
    expect(second.status).toBe(302);
  });

  it('the profile says when the patient agreed and shows the text they agreed to', async () => {
    const { agent } = await patientOf(h);
    const before = await agent.get('/profile').expect(200);
    expect(testId(before.text, 'consent-status')).toMatch(/not agreed/);

    const { launchKey, _csrf } = await walkinForm(agent);
    const form = { _csrf, launch_key: launchKey };
    await agent
      .post('/visits/walkin')
      .type('form')
      .send({ ...form, consent_version: sha256(FIRST_TEXT), agree: 'yes' });

    const after = await agent.get('/profile').expect(200);
    expect(testId(after.text, 'consent-status')).toMatch(
      /You agreed to the clinic.*telehealth consent on .*\d:\d\d (AM|PM) UTC/,
    );
    const read = await agent.get('/profile/consent').expect(200);
    expect(read.text).toContain('Telehealth consent, version one.');
  });

  it('booking and Ask a doctor are held the same way', async () => {
    const { agent } = await patientOf(h);
    const page = await agent.get('/econsult/new').expect(200);
    h.sandbox.requestLog.clear();
    const res = await agent
      .post('/econsult')
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        launch_key: /name="launch_key" value="([^"]+)"/.exec(page.text)![1],
        reason: 'Rash',
        details: 'Two days',
      });
    expect(res.status).toBe(200);
    expect(hiddenFields(res.text)).toMatchObject({ reason: 'Rash', details: 'Two days' });
    expect(h.sandbox.requestLog.entries()).toEqual([]);
  });

  it('a changed text is a new version: a patient who agreed to the old one is asked again', async () => {
    const { agent } = await patientOf(h);
    const { launchKey, _csrf } = await walkinForm(agent);
    const form = { _csrf, launch_key: launchKey };
    await agent
      .post('/visits/walkin')
      .type('form')
      .send({ ...form, consent_version: sha256(FIRST_TEXT), agree: 'yes' });

    const changed = await clinicWithConsent(SECOND_TEXT);
    try {
      // A patient who agreed to the first text, on a portal whose CONSENT_FILE now holds the second.
      const { agent: sameAgent, account: other } = await patientOf(changed);
      await changed.testDb.db
        .insertInto('consents')
        .values({
          account_id: other.id,
          version: sha256(FIRST_TEXT),
          text: FIRST_TEXT,
          agreed_at: new Date().toISOString(),
          ip: null,
        })
        .execute();
      const fresh = await walkinForm(sameAgent);
      const again = { _csrf: fresh._csrf, launch_key: fresh.launchKey };
      changed.sandbox.requestLog.clear();
      const res = await sameAgent.post('/visits/walkin').type('form').send(again);
      expect(res.status).toBe(200);
      expect(res.text).toContain('Telehealth consent, version two.');
      expect(hiddenFields(res.text).consent_version).toBe(sha256(SECOND_TEXT));
      expect(changed.sandbox.requestLog.entries()).toEqual([]);
    } finally {
      await changed.close();
    }
  });
});
