import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { z } from 'zod';
import { REDACT_PATHS } from '../../src/web/logger';
import {
  type ClinicHarness,
  launchForm,
  patientOf,
  slotsOf,
  startClinic,
  walkinForm,
} from '../helpers/clinic';
import { csrfFrom } from '../helpers/html';
import { csrfOf, logIn } from '../helpers/portal';
import { capturingLogger } from '../helpers/logs';

// docs/security.md L1 (no secrets or PHI in the logs, checked with canaries through every flow) and
// L2 (one schema-valid audit event per launch and per login, and no forged log lines).

const canaryToken = () => `CANARY${randomBytes(12).toString('hex')}`;

describe('canaries through every flow never reach the log (docs/security.md L1)', () => {
  let h: ClinicHarness;
  beforeAll(async () => {
    // "No visit" is believed at once, so each failure below reaches its own error page (with the
    // default grace the first lost answer would hold the patient on the checking page).
    h = await startClinic({ sandbox: { tokenFactory: canaryToken }, clinicTiming: { lateCreateGraceMs: 0 } });
  });
  afterAll(() => h.close());

  it('no SSO or appointment token, PHI, password, API credential or session cookie appears in any log line', async () => {
    const firstName = `PHI-${randomUUID()}`;
    const reason = `PHI-reason-${randomUUID()}`;
    const password = `CANARY-PW-${randomUUID()}`;
    const { agent, fields } = await patientOf(h, {
      first_name: firstName,
      last_name: `PHI-last-${randomUUID()}`,
      dob: '1971-03-04',
      email: `phi.${randomUUID()}@example.test`,
      password,
    });
    const cookies: string[] = [];
    const keep = (res: request.Response) => {
      for (const c of res.headers['set-cookie'] ?? []) cookies.push(c.split(';')[0]!.split('=')[1]!);
      return res;
    };

    // Happy paths: Go to Clinic, See a doctor now (with a reason), appointment (book, open), eConsult, invite, rejoin.
    keep(
      await agent
        .post('/clinic/go')
        .type('form')
        .send({ _csrf: await csrfOf(agent, '/') }),
    );
    const walkin = await walkinForm(agent);
    expect(
      keep(
        await agent
          .post('/visits/walkin')
          .type('form')
          .send({ ...walkinPost(walkin), reason }),
      ).status,
    ).toBe(302);
    const slotsPage = await launchForm(agent, '/appointments/new');
    const booked = await agent
      .post('/appointments')
      .type('form')
      .send({
        _csrf: slotsPage._csrf,
        launch_key: slotsPage.launchKey,
        slot: slotsOf(slotsPage.page.text)[0]!.value,
        reason,
      });
    expect(booked.status).toBe(303);
    const appointment = await agent.get(booked.headers.location!);
    expect(appointment.status).toBe(200);
    const opened = await agent
      .post(`${booked.headers.location!}/open`)
      .type('form')
      .send({ _csrf: csrfFrom(appointment.text) });
    expect(opened.status).toBe(302);
    const econsult = await launchForm(agent, '/econsult/new');
    expect(
      (
        await agent
          .post('/econsult')
          .type('form')
          .send({ _csrf: econsult._csrf, launch_key: econsult.launchKey, reason, details: reason })
      ).status,
    ).toBe(303);
    const visits = await agent.get('/visits');
    const invite = /href="(\/visits\/\d+\/invite)"/.exec(visits.text)![1]!;
    expect((await agent.get(invite)).status).toBe(200);
    const rejoin = /action="(\/visits\/\d+\/rejoin)"/.exec(visits.text)![1]!;
    expect(
      (
        await agent
          .post(rejoin)
          .type('form')
          .send({ _csrf: csrfFrom(visits.text) })
      ).status,
    ).toBe(302);

    // A failed login with the canary as the password, and a successful one (a new session cookie).
    expect((await logIn(request.agent(h.app), fields.email, `${password}-wrong`)).status).toBe(401);
    keep(await logIn(request.agent(h.app), fields.email, password));

    // Failures: VSee answers 500, hangs past the client's timeout, and sends malformed JSON. A second
    // patient with the same PHI, since the first has used up the 3 visit creations a minute (A4).
    const second = await patientOf(h, { first_name: firstName, dob: fields.dob, password });
    for (const spec of [{ status: 500 }, { mode: 'hang' as const }, { mode: 'malformed' as const }]) {
      h.sandbox.knobs.failNext('visits/add_walkin', spec);
      const form = await walkinForm(second.agent);
      const res = await second.agent
        .post('/visits/walkin')
        .type('form')
        .send({ ...walkinPost(form), reason });
      expect(res.status).toBeGreaterThanOrEqual(500);
    }
    h.sandbox.knobs.reset();

    const tokens = [...h.sandbox.state.tokens.values()].flatMap((t) => [t.token, t.refreshToken]);
    const appointmentTokens = [...h.sandbox.state.visits.values()]
      .map((v) => v.appointmentToken)
      .filter((t): t is string => Boolean(t));
    const sids = (await h.testDb.db.selectFrom('sessions').select('sid').execute()).map((r) => r.sid);
    expect(tokens.length).toBeGreaterThanOrEqual(8);
    expect(appointmentTokens.length).toBeGreaterThanOrEqual(1);
    expect(cookies.length).toBeGreaterThanOrEqual(2);

    const log = h.logLines.join('\n');
    expect(h.logLines.length).toBeGreaterThan(20);
    const secrets: Record<string, string[]> = {
      'SSO token': tokens,
      'appointment token': appointmentTokens,
      'canary prefix': ['CANARY'],
      'first name': [firstName],
      'last name': [fields.last_name],
      reason: [reason],
      dob: [fields.dob],
      email: [fields.email, second.fields.email],
      password: [password],
      'API key/secret/admin token': [h.vsee.apiKey, h.vsee.apiSecret, h.vsee.adminToken ?? 'unset'].filter(
        (s) => s !== 'unset',
      ),
      'session cookie': cookies.flatMap((c) => [c, decodeURIComponent(c)]),
      'session id': sids,
    };
    for (const [what, values] of Object.entries(secrets)) {
      const leaked = values.filter((v) => log.includes(v));
      expect({ what, leaked }).toEqual({ what, leaked: [] });
    }
  }, 30_000);

  function walkinPost(form: { launchKey: string; _csrf: string }) {
    return { _csrf: form._csrf, launch_key: form.launchKey };
  }
});

describe('the logger redacts credentials logged by mistake (docs/security.md L1)', () => {
  it('every redact path is blanked', () => {
    const { logger, lines } = capturingLogger();
    logger.info(
      {
        req: {
          headers: {
            cookie: 'S1',
            authorization: 'S2',
            'x-apitoken': 'S3',
            'x-apikey': 'S4',
            'x-apisecret': 'S5',
          },
        },
        res: { headers: { 'set-cookie': 'S6', location: 'S7' } },
        headers: {
          cookie: 'S8',
          authorization: 'S9',
          'x-apitoken': 'S10',
          'x-apikey': 'S11',
          'x-apisecret': 'S12',
        },
        user: { password: 'S13', password_hash: 'S14', sso_token: 'S15', token: 'S16' },
        settings: { apiKey: 'S17', apiSecret: 'S18', adminToken: 'S19', location: 'S20' },
        password: 'S21',
        sso_token: 'S22',
        token: 'S23',
        location: 'S24',
      },
      'oops',
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/"S\d+"/);
    const line = JSON.parse(lines[0]!) as Record<string, Record<string, unknown>>;
    expect(line.password).toBe('[redacted]');
    expect(line.req!.headers).toEqual({
      cookie: '[redacted]',
      authorization: '[redacted]',
      'x-apitoken': '[redacted]',
      'x-apikey': '[redacted]',
      'x-apisecret': '[redacted]',
    });
    expect(line.settings).toEqual({
      apiKey: '[redacted]',
      apiSecret: '[redacted]',
      adminToken: '[redacted]',
      location: '[redacted]',
    });
    expect(lines[0]!.match(/\[redacted\]/g)).toHaveLength(24);
  });

  it('covers the fields the checklist names', () => {
    for (const path of [
      'req.headers.cookie',
      '*.password',
      '*.sso_token',
      '*.apiKey',
      '*.apiSecret',
      'res.headers.location',
    ]) {
      expect(REDACT_PATHS).toContain(path);
    }
  });
});

const AuditRow = z.strictObject({
  id: z.number().int().positive(),
  at: z.iso.datetime({ offset: false }),
  account_id: z.number().int().positive().nullable(),
  action: z.string().regex(/^[a-z_]+$/),
  outcome: z.enum(['success', 'failure', 'rejected']),
  vsee_visit_id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .nullable(),
  request_id: z.uuid(),
  ip: z.string().min(1),
  // Why a login or launch link was refused: a fixed word, never text from the request.
  reason: z
    .string()
    .regex(/^[a-z_]+$/)
    .nullable(),
});

describe('audit events (docs/security.md L2)', () => {
  let h: ClinicHarness;
  beforeAll(async () => {
    h = await startClinic();
  });
  afterAll(() => h.close());

  const rowsOf = (accountId: number | null) =>
    h.testDb.db
      .selectFrom('audit_events')
      .selectAll()
      .where('account_id', accountId === null ? 'is' : '=', accountId)
      .orderBy('id')
      .execute();

  it('one walk-in launch writes exactly one schema-valid launch event, with the VSee visit id', async () => {
    const { agent, account } = await patientOf(h);
    const form = await walkinForm(agent);
    const before = (await rowsOf(account.id)).length;

    const res = await agent
      .post('/visits/walkin')
      .type('form')
      .send({ _csrf: form._csrf, launch_key: form.launchKey });

    expect(res.status).toBe(302);
    const rows = (await rowsOf(account.id)).slice(before);
    expect(rows).toHaveLength(1);
    const event = AuditRow.parse(rows[0]);
    expect(event).toMatchObject({ account_id: account.id, action: 'launch_walkin', outcome: 'success' });
    expect(event.at.endsWith('Z')).toBe(true);
    expect(Math.abs(Date.parse(event.at) - Date.now())).toBeLessThan(60_000);
    const visit = h.sandbox.state.visitsOf(h.sandbox.state.userByCode(account.vsee_code)!.id).pop()!;
    expect(event.vsee_visit_id).toBe(visit.id);
  });

  it('a failed login writes a failure event with no account and no trace of the password', async () => {
    const { fields } = await patientOf(h);
    const password = `CANARY-PW-${randomUUID()}`;
    const before = (await rowsOf(null)).length;

    expect((await logIn(request.agent(h.app), fields.email, password)).status).toBe(401);

    const rows = (await rowsOf(null)).slice(before);
    expect(rows).toHaveLength(1);
    expect(AuditRow.parse(rows[0])).toMatchObject({ account_id: null, action: 'login', outcome: 'failure' });
    expect(JSON.stringify(rows[0])).not.toContain(password);
    expect(JSON.stringify(rows[0])).not.toContain(fields.email);
  });

  it('an email carrying a newline and a JSON object forges no log line', async () => {
    const forged = 'x@example.test\n{"level":"fatal","msg":"forged"}';
    h.logLines.length = 0;

    const agent = request.agent(h.app);
    const _csrf = await csrfOf(agent, '/login');
    const res = await agent.post('/login').type('form').send({ email: forged, password: 'whatever', _csrf });

    expect([400, 401]).toContain(res.status);
    const lines = h.logLines.join('').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const parsed = JSON.parse(line) as { level?: string; msg?: string };
      expect(parsed.level).not.toBe('fatal');
      expect(parsed.msg).not.toBe('forged');
    }
  });
});
