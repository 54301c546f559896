import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { CLINIC_ROUTES, type ClinicRoute } from '../../src/clinic/routes';
import { DEFAULT_RATE_LIMITS, RateLimits } from '../../src/web/rate-limits';
import {
  type Agent,
  beforeNextWorkday,
  type ClinicHarness,
  launchForm,
  patientOf,
  slotsOf,
  startClinic,
  visitRowsOf,
  walkinForm,
} from '../helpers/clinic';
import { csrfOf } from '../helpers/portal';

// Generated from the route table: a launch route added to CLINIC_ROUTES is tested here the day it
// is added. Each case must leave the sandbox's request log empty: a refused launch never reaches VSee.

const LAUNCH_ROUTES = CLINIC_ROUTES.filter((r) => r.launches);
const LAUNCH_POSTS = LAUNCH_ROUTES.filter((r) => r.method === 'post');

const label = (r: ClinicRoute) => `${r.method.toUpperCase()} ${r.path}`;

describe('every launch route of the route table is protected', () => {
  let h: ClinicHarness;
  let patient: Agent;
  /** A real walk-in and a real appointment of the patient: the `:id` of the routes below. */
  const ids = { walkin: 0, appointment: 0 };
  /** A form that every launch route would accept, so only the protection under test stands in the way. */
  let validForm: () => Record<string, string>;

  beforeAll(async () => {
    h = await startClinic({
      sandbox: { now: beforeNextWorkday().now },
      // The control cases create more visits in a minute than a patient may (launch-limits.test.ts).
      rateLimits: new RateLimits({ ...DEFAULT_RATE_LIMITS, visitCreationsPerMinute: 100 }),
    });
    const { agent, account } = await patientOf(h);
    patient = agent;

    const walkin = await walkinForm(agent);
    const pressed = await agent
      .post('/visits/walkin')
      .type('form')
      .send({ launch_key: walkin.launchKey, _csrf: walkin._csrf });
    expect(pressed.status).toBe(302);
    const booking = await launchForm(agent, '/appointments/new');
    const slots = slotsOf(booking.page.text);
    const booked = await agent
      .post('/appointments')
      .type('form')
      .send({ _csrf: booking._csrf, launch_key: booking.launchKey, slot: slots[0]!.value });
    expect(booked.status).toBe(303);
    const rows = await visitRowsOf(h, account.id);
    ids.walkin = rows.find((r) => r.kind === 'walkin')!.id;
    ids.appointment = rows.find((r) => r.kind === 'appointment')!.id;
    validForm = () => ({
      launch_key: randomUUID(),
      reason: 'Cough',
      details: 'Since Monday',
      slot: slots[1]!.value,
      tz: 'UTC',
    });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sandbox.requestLog.clear());

  /** The route's path with `:id` replaced by a visit of the patient of the right kind. */
  const pathOf = (route: ClinicRoute) =>
    route.path.replace(':id', String(route.path.startsWith('/appointments') ? ids.appointment : ids.walkin));

  it('the table lists the launch routes (an empty table would make the tests below vacuous)', () => {
    expect(LAUNCH_ROUTES.map(label)).toEqual(
      expect.arrayContaining(['POST /clinic/go', 'POST /visits/walkin', 'POST /appointments/:id/open']),
    );
    expect(LAUNCH_POSTS.length).toBeGreaterThanOrEqual(5);
  });

  it.each(LAUNCH_ROUTES.map((r) => [label(r), r] as const))(
    '%s logged out → 303 to /login, no VSee call',
    async (_name, route) => {
      // A logged-out visitor with a valid CSRF token of their own: only the login check can stop them.
      const visitor = request.agent(h.app);
      const _csrf = await csrfOf(visitor, '/login');
      h.sandbox.requestLog.clear();

      const res =
        route.method === 'get'
          ? await visitor.get(pathOf(route))
          : await visitor
              .post(pathOf(route))
              .type('form')
              .send({ ...validForm(), _csrf });

      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login');
      expect(h.sandbox.requestLog.entries()).toEqual([]);
    },
  );

  it.each(LAUNCH_POSTS.map((r) => [label(r), r] as const))(
    '%s logged in without a CSRF token → 403, no VSee call',
    async (_name, route) => {
      const res = await patient.post(pathOf(route)).type('form').send(validForm());

      expect(res.status).toBe(403);
      expect(res.headers.location).toBeUndefined();
      expect(h.sandbox.requestLog.entries()).toEqual([]);
    },
  );

  it.each(LAUNCH_POSTS.map((r) => [label(r), r] as const))(
    'the control: %s logged in with the token reaches VSee',
    async (_name, route) => {
      const _csrf = await csrfOf(patient, '/');
      h.sandbox.requestLog.clear();

      const res = await patient
        .post(pathOf(route))
        .type('form')
        .send({ ...validForm(), _csrf });

      expect(res.status).toBeLessThan(400);
      expect(h.sandbox.requestLog.entries().map((c) => c.endpoint)).toContain('users/sso');
    },
  );
});
