import request from 'supertest';
import { openTestDb, testDbKinds, type TestDb } from '../helpers/databases';
import { buildPortal, csrfOf, logIn, newPatient, signUp } from '../helpers/portal';

describe.each(testDbKinds())('profile (%s)', (kind) => {
  let testDb: TestDb;
  let app: ReturnType<typeof buildPortal>;

  beforeAll(async () => {
    testDb = await openTestDb(kind);
    app = buildPortal({ db: testDb.db });
  });
  afterAll(() => testDb.close());

  it('shows the patient their details, and saves edits to name, date of birth and email', async () => {
    const agent = request.agent(app);
    const patient = newPatient({ first_name: 'Mary' });
    await signUp(agent, patient);
    const page = await agent.get('/profile').expect(200);
    expect(page.text).toContain('value="Mary"');

    const _csrf = await csrfOf(agent, '/profile');
    const res = await agent
      .post('/profile')
      .type('form')
      .send({
        first_name: 'Maria',
        last_name: 'Curie',
        dob: '1967-11-07',
        email: ` New.${patient.email.toUpperCase()} `,
        _csrf,
      });

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/profile');
    const after = await agent.get('/profile');
    expect(after.text).toContain('Your profile was saved.');
    expect(after.text).toContain('value="Maria"');
    const row = await testDb.db
      .selectFrom('accounts')
      .selectAll()
      .where('email', '=', `new.${patient.email}`)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ first_name: 'Maria', last_name: 'Curie', dob: '1967-11-07' });
  });

  it('when an edit is invalid, shows the message beside the field and keeps what was typed', async () => {
    const agent = request.agent(app);
    const patient = newPatient({ first_name: 'Keep' });
    await signUp(agent, patient);
    const _csrf = await csrfOf(agent, '/profile');

    const res = await agent
      .post('/profile')
      .type('form')
      .send({ first_name: 'Typed', last_name: '', dob: '1980-01-01', email: patient.email, _csrf });

    expect(res.status).toBe(400);
    expect(res.text).toContain('id="last_name-error"');
    expect(res.text).toContain('value="Typed"');
    const row = await testDb.db
      .selectFrom('accounts')
      .select('first_name')
      .where('email', '=', patient.email)
      .executeTakeFirstOrThrow();
    expect(row.first_name).toBe('Keep');
  });

  it("when the new email belongs to another account, refuses it and keeps the patient's own", async () => {
    const other = newPatient();
    await signUp(request.agent(app), other);
    const agent = request.agent(app);
    const patient = newPatient();
    await signUp(agent, patient);
    const _csrf = await csrfOf(agent, '/profile');

    const res = await agent
      .post('/profile')
      .type('form')
      .send({ first_name: 'A', last_name: 'B', dob: '1980-01-01', email: other.email, _csrf });

    expect(res.status).toBe(409);
    expect(res.text).toContain('This email cannot be used');
    expect(
      await testDb.db
        .selectFrom('accounts')
        .select('id')
        .where('email', '=', patient.email)
        .executeTakeFirst(),
    ).toBeDefined();
  });

  it('when the password is changed, the new one works, the old one does not, and other sessions are logged out', async () => {
    const patient = newPatient();
    const here = request.agent(app);
    await signUp(here, patient);
    const elsewhere = request.agent(app);
    await logIn(elsewhere, patient.email, patient.password);
    expect((await elsewhere.get('/profile')).status).toBe(200);

    const _csrf = await csrfOf(here, '/profile');
    const res = await here.post('/profile/password').type('form').send({
      current_password: patient.password,
      new_password: 'a brand new passphrase',
      confirm_password: 'a brand new passphrase',
      _csrf,
    });

    expect(res.status).toBe(303);
    expect((await here.get('/profile')).status).toBe(200);
    const kicked = await elsewhere.get('/profile');
    expect(kicked.status).toBe(303);
    expect(kicked.headers.location).toBe('/login');
    expect((await logIn(request.agent(app), patient.email, patient.password)).status).toBe(401);
    expect((await logIn(request.agent(app), patient.email, 'a brand new passphrase')).status).toBe(303);
  });

  it('when the current password is wrong, keeps the old password', async () => {
    const agent = request.agent(app);
    const patient = newPatient();
    await signUp(agent, patient);
    const _csrf = await csrfOf(agent, '/profile');

    const res = await agent.post('/profile/password').type('form').send({
      current_password: 'wrong one',
      new_password: 'another passphrase',
      confirm_password: 'another passphrase',
      _csrf,
    });

    expect(res.status).toBe(400);
    expect(res.text).toContain('Your current password is not right');
    expect((await logIn(request.agent(app), patient.email, patient.password)).status).toBe(303);
  });

  it('when the two new passwords differ, says so beside the repeat field', async () => {
    const agent = request.agent(app);
    await signUp(agent, newPatient());
    const _csrf = await csrfOf(agent, '/profile');
    const res = await agent.post('/profile/password').type('form').send({
      current_password: 'x',
      new_password: 'another passphrase',
      confirm_password: 'different passphrase',
      _csrf,
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="confirm_password-error"');
  });
});
