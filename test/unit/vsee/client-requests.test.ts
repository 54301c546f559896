import { VseeClient } from '../../../src/vsee';
import { startFakeVsee, type FakeVsee } from '../../helpers/fake-vsee-http';
import { CANARY, settingsFor, ssoJson, visitJson } from './support';

const TOKEN = CANARY.patientToken;
const patient = {
  code: 'acct-3f9c2b',
  firstName: 'John',
  lastName: 'Smith',
  dob: '1990-01-01',
  email: 'j@x.test',
};

describe('VseeClient requests and answers', () => {
  let fake: FakeVsee;
  let client: VseeClient;

  beforeEach(async () => {
    fake = await startFakeVsee('/vc/next/api_v3/');
    client = new VseeClient(settingsFor(fake.apiUrl, { providerId: '509' }));
  });
  afterEach(async () => {
    client.close();
    await fake.close();
  });

  const only = () => {
    expect(fake.requests).toHaveLength(1);
    return fake.requests[0]!;
  };

  describe('ssoLogin', () => {
    it('posts exactly the patient identity fields with key and secret, under the API prefix', async () => {
      fake.script('POST', 'users/sso', { json: ssoJson() });

      const session = await client.ssoLogin(patient);

      const req = only();
      expect(req.method).toBe('POST');
      expect(req.url).toBe('/vc/next/api_v3/users/sso');
      expect(req.headers['x-accountcode']).toBe('acme');
      expect(req.headers['x-apikey']).toBe(CANARY.apiKey);
      expect(req.headers['x-apisecret']).toBe(CANARY.apiSecret);
      expect(req.headers['x-apitoken']).toBeUndefined();
      expect(req.headers['content-type']).toMatch(/^application\/json/);
      expect(req.headers.accept).toBe('application/json');
      expect(req.headers['user-agent']).toBe('vsee-patient-bridge');
      expect(req.json).toEqual({
        first_name: 'John',
        last_name: 'Smith',
        dob: '1990-01-01',
        email: 'j@x.test',
        type: 200,
        code: 'acct-3f9c2b',
      });
      expect(session).toEqual({ userId: '10008', token: TOKEN, expiresAt: 1473821786 });
    });

    it('when the clinic disables emails, sends disable_emails=1; leaves out what the patient lacks', async () => {
      client.close();
      client = new VseeClient(settingsFor(fake.apiUrl, { disableEmails: true }));
      fake.script('POST', 'users/sso', { json: ssoJson() });

      await client.ssoLogin({ code: 'acct-1', firstName: 'A', lastName: 'B' });

      expect(only().json).toEqual({
        first_name: 'A',
        last_name: 'B',
        type: 200,
        code: 'acct-1',
        disable_emails: 1,
      });
    });

    it('refuses an email as the SSO code without calling VSee', async () => {
      await expect(client.ssoLogin({ ...patient, code: 'j@x.test' })).rejects.toThrow(TypeError);
      expect(fake.requests).toHaveLength(0);
    });
  });

  it('createIntake posts the room, type, member, reason and configured provider with the patient token', async () => {
    fake.script('POST', 'intakes', {
      json: { data: { id: '56e8c536-566c-44b6-bbca-66f0ac1f0144', custom: 1 } },
    });

    const intake = await client.createIntake(
      { memberId: '508', kind: 'walkin', reasonForVisit: 'cough' },
      TOKEN,
    );

    const req = only();
    expect(req.url).toBe('/vc/next/api_v3/intakes');
    expect(req.headers['x-apitoken']).toBe(TOKEN);
    expect(req.headers['x-accountcode']).toBe('acme');
    expect(req.headers['x-apikey']).toBeUndefined();
    expect(req.headers['x-apisecret']).toBeUndefined();
    expect(req.json).toEqual({
      room_code: 'acmeroom',
      type: 1,
      member_id: '508',
      reason_for_visit: 'cough',
      provider_id: '509',
    });
    expect(intake).toEqual({ id: '56e8c536-566c-44b6-bbca-66f0ac1f0144' });
  });

  it('addWalkin posts intake, room and provider and maps the documented visit object', async () => {
    fake.script('POST', 'visits/add_walkin', { json: visitJson() });

    const visit = await client.addWalkin({ intakeId: 'i-1' }, TOKEN);

    const req = only();
    expect(req.url).toBe('/vc/next/api_v3/visits/add_walkin');
    expect(req.headers['x-apitoken']).toBe(TOKEN);
    expect(req.json).toEqual({ intake_id: 'i-1', room_code: 'acmeroom', provider_id: '509' });
    expect(visit).toEqual({
      id: '1525',
      code: '56e8c580f55c44a2868b66f0ac1f0144',
      type: '1',
      status: '10',
      memberId: '508',
      providerId: '509',
      start: 1458095488,
      end: 1458096388,
      provider: { id: '509', firstName: 'Ada', lastName: 'Lovelace', title: 'MD' },
      oneTimeToken: undefined,
      // The intake it was built from (the documented `intake{id,…}`), to match a visit to a lost create.
      intakeId: '56e8c536-566c-44b6-bbca-66f0ac1f0144',
    });
  });

  describe('listAvailability', () => {
    it('GETs with query parameters and no body, and reads start/end slots', async () => {
      fake.script('GET', 'availability', {
        json: {
          data: [
            {
              start: 1700003600,
              end: 1700004500,
              provider_id: 509,
              provider: { id: '509', first_name: 'Ada', last_name: 'L' },
            },
            { start: 1700000000, end: 1700000900, provider_id: '510' },
          ],
        },
      });

      const slots = await client.listAvailability(
        { start: 1700000000, end: 1700086400, memberId: '508', duration: 15 },
        TOKEN,
      );

      const req = only();
      expect(req.method).toBe('GET');
      expect(req.path).toBe('availability');
      expect(Object.fromEntries(req.query)).toEqual({
        start: '1700000000',
        end: '1700086400',
        room_code: 'acmeroom',
        member_id: '508',
        duration: '15',
        provider_id: '509',
      });
      expect(req.body).toBe('');
      expect(req.headers['x-apitoken']).toBe(TOKEN);
      expect(slots).toEqual([
        { start: 1700000000, end: 1700000900, providerId: '510', providerName: undefined },
        { start: 1700003600, end: 1700004500, providerId: '509', providerName: 'Ada L' },
      ]);
    });

    it('also reads slot_start/slot_end as strings and a provider id nested in provider', async () => {
      fake.script('GET', 'availability', {
        json: {
          data: [{ slot_start: '1700000000', slot_end: '1700000900', provider: { id: 511 } }],
          total_count: 1,
        },
      });

      const slots = await client.listAvailability({ start: 1, end: 2 }, TOKEN);

      expect(slots).toEqual([
        { start: 1700000000, end: 1700000900, providerId: '511', providerName: undefined },
      ]);
    });
  });

  describe('createAppointment', () => {
    it('posts the slot with start/end and reads one_time_link_token', async () => {
      fake.script('POST', 'visits', {
        json: visitJson({ type: '2', status: '20', one_time_link_token: 'f7gybzjd9o', token: 'f7gybzjd9o' }),
      });
      const input = {
        intakeId: 'i-2',
        providerId: '509',
        start: 1700000000,
        end: 1700000900,
        memberId: '508',
      };

      const visit = await client.createAppointment({ ...input, timezone: 'America/New_York' }, TOKEN);

      const req = only();
      expect(req.url).toBe('/vc/next/api_v3/visits');
      expect(req.json).toEqual({
        intake_id: 'i-2',
        room_code: 'acmeroom',
        provider_id: '509',
        member_id: '508',
        start: 1700000000,
        end: 1700000900,
        timezone: 'America/New_York',
      });
      expect(visit).toMatchObject({ id: '1525', type: '2', status: '20', oneTimeToken: 'f7gybzjd9o' });
    });

    it('reads the appointment token from `token` when one_time_link_token is absent', async () => {
      fake.script('POST', 'visits', {
        json: visitJson({ type: 2, status: 20, id: 1526, token: 'abc123xyz0' }),
      });

      const visit = await client.createAppointment(
        { intakeId: 'i', providerId: '509', start: 1, end: 2 },
        TOKEN,
      );

      expect(visit).toMatchObject({ id: '1526', type: '2', status: '20', oneTimeToken: 'abc123xyz0' });
    });
  });

  it('addEconsult posts intake and room only (no default provider) and accepts provider_id null', async () => {
    fake.script('POST', 'visits/add_econsult', {
      json: visitJson({ type: '3', provider_id: null, provider: [], start: null, end: null }),
    });

    const visit = await client.addEconsult({ intakeId: 'i-3' }, TOKEN);

    const req = only();
    expect(req.url).toBe('/vc/next/api_v3/visits/add_econsult');
    expect(req.json).toEqual({ intake_id: 'i-3', room_code: 'acmeroom' });
    expect(visit).toMatchObject({
      id: '1525',
      type: '3',
      providerId: undefined,
      provider: undefined,
      start: undefined,
    });
  });

  describe('getVisit', () => {
    it('uses the patient token when no admin token is configured, and encodes the id', async () => {
      fake.script('GET', 'visits/a%2Fb', { json: visitJson() });

      const visit = await client.getVisit('a/b', TOKEN);

      const req = only();
      expect(req.url).toBe('/vc/next/api_v3/visits/a%2Fb');
      expect(req.headers['x-apitoken']).toBe(TOKEN);
      expect(visit.code).toBe('56e8c580f55c44a2868b66f0ac1f0144');
    });

    it('uses the admin token when one is configured', async () => {
      client.close();
      client = new VseeClient(settingsFor(fake.apiUrl, { adminToken: CANARY.adminToken }));
      fake.script('GET', 'visits/1525', { json: visitJson() });

      await client.getVisit('1525', TOKEN);

      expect(only().headers['x-apitoken']).toBe(CANARY.adminToken);
    });

    it.each(['', '.', '..'])('refuses the id %j, which would not stay one path segment', async (id) => {
      await expect(client.getVisit(id, TOKEN)).rejects.toMatchObject({ kind: 'bad_response' });
      expect(fake.requests).toHaveLength(0);
    });

    it('refuses to call without any token', async () => {
      await expect(client.getVisit('1525')).rejects.toThrow(TypeError);
      expect(fake.requests).toHaveLength(0);
    });
  });

  it('getRoom sends only the account code and maps the room settings', async () => {
    fake.script('GET', 'rooms/acmeroom', {
      json: {
        data: {
          id: 77,
          code: 'acmeroom',
          slug: 'acme',
          name: 'Acme Clinic',
          provider_ids: [509, '510'],
          visits: { walkin: { enabled: true }, appointment: { enabled: '0' } },
          payment: { currency: 'USD', consultations: [{ id: 3, description: 'General', duration: '15' }] },
          operation_settings: { is_closed: 0, default_timezone: 'America/New_York' },
        },
      },
    });

    const room = await client.getRoom();

    const req = only();
    expect(req.url).toBe('/vc/next/api_v3/rooms/acmeroom');
    expect(req.headers['x-accountcode']).toBe('acme');
    expect(req.headers['x-apitoken']).toBeUndefined();
    expect(req.headers['x-apikey']).toBeUndefined();
    expect(room).toEqual({
      id: '77',
      code: 'acmeroom',
      name: 'Acme Clinic',
      slug: 'acme',
      walkinEnabled: true,
      appointmentEnabled: false,
      isClosed: false,
      defaultTimezone: 'America/New_York',
      providerIds: ['509', '510'],
      consultations: [{ id: '3', description: 'General', duration: 15 }],
    });
  });

  it('keeps a different API prefix and a root prefix', async () => {
    const other = await startFakeVsee('/api_v3/');
    const root = await startFakeVsee('/');
    const viaOther = new VseeClient(settingsFor(other.apiUrl));
    // A base without its trailing slash must not lose its last segment either.
    const viaRoot = new VseeClient(settingsFor(root.apiUrl.replace(/\/$/, '')));
    other.script('POST', 'users/sso', { json: ssoJson() });
    root.script('POST', 'users/sso', { json: ssoJson() });
    try {
      await viaOther.ssoLogin(patient);
      await viaRoot.ssoLogin(patient);
      expect(other.requests[0]?.url).toBe('/api_v3/users/sso');
      expect(root.requests[0]?.url).toBe('/users/sso');
    } finally {
      viaOther.close();
      viaRoot.close();
      await other.close();
      await root.close();
    }
  });
});
