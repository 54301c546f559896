import request from 'supertest';
import { buildPortal, csrfOf, newPatient, signUp } from '../helpers/portal';
import { openTestDb, testDbKinds, type TestDb } from '../helpers/databases';

describe.each(testDbKinds())('sign-up (%s)', (kind) => {
  let testDb: TestDb;
  let app: ReturnType<typeof buildPortal>;

  beforeAll(async () => {
    testDb = await openTestDb(kind);
    app = buildPortal({ db: testDb.db });
  });
  afterAll(() => testDb.close());

  const accountCount = async () =>
    Number(
      (
        await testDb.db
          .selectFrom('accounts')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  // No SMTP_URL here, so email verification is off: a new account is logged in at once. With it on,
  // sign-up answers "check your email" (test/integration/signup-verification.test.ts).
  it('when the form is valid, creates the account, logs the patient in and greets them on the dashboard', async () => {
    const agent = request.agent(app);
    const fields = newPatient({
      first_name: 'Grace',
      last_name: 'Hopper',
      email: '  Grace.Hopper@Example.TEST ',
    });

    const res = await signUp(agent, fields);

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const home = await agent.get('/').expect(200);
    expect(home.text).toContain('Hello, Grace');
    const row = await testDb.db
      .selectFrom('accounts')
      .selectAll()
      .where('email', '=', 'grace.hopper@example.test')
      .executeTakeFirst();
    expect(row).toMatchObject({ first_name: 'Grace', last_name: 'Hopper', dob: fields.dob });
    expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(row!.vsee_code).toMatch(/^[0-9a-f]{32}$/);
    expect(row!.vsee_code).not.toContain('grace');
  });

  const invalid: Array<[string, Record<string, string>, string, string]> = [
    ['first name missing', { first_name: '  ' }, 'first_name', 'Enter your first name'],
    ['first name too long', { first_name: 'x'.repeat(101) }, 'first_name', 'must be 100 characters or fewer'],
    ['last name missing', { last_name: '' }, 'last_name', 'Enter your last name'],
    ['date of birth missing', { dob: '' }, 'dob', 'Enter your date of birth'],
    ['date of birth malformed', { dob: '10/12/1985' }, 'dob', 'YYYY-MM-DD'],
    ['date of birth not a real day', { dob: '1985-02-30' }, 'dob', 'Enter a real date'],
    ['date of birth in the future', { dob: '2999-01-01' }, 'dob', 'cannot be in the future'],
    ['email missing', { email: '' }, 'email', 'Enter your email address'],
    ['email malformed', { email: 'not-an-email' }, 'email', 'like name@example.com'],
    ['password too short', { password: 'short' }, 'password', 'at least 8 characters'],
    ['password too long', { password: 'p'.repeat(257) }, 'password', 'at most 256 characters'],
    ['password one of the most common', { password: 'Password1' }, 'password', 'too common'],
  ];

  it.each(invalid)(
    'when the %s, re-renders the form with the message beside that field and keeps the other values',
    async (_case, override, field, message) => {
      const agent = request.agent(app);
      const fields = { ...newPatient({ first_name: 'Keep', last_name: 'Me' }), ...override };
      const before = await accountCount();

      const res = await signUp(agent, fields as never);

      expect(res.status).toBe(400);
      expect(res.text).toContain(`id="${field}-error"`);
      expect(res.text).toContain(message);
      expect(res.text).toMatch(new RegExp(`id="${field}"[^>]*aria-invalid="true"`));
      if (field !== 'first_name') expect(res.text).toContain('value="Keep"');
      if (field !== 'email') expect(res.text).toContain(`value="${fields.email}"`);
      expect(res.text).not.toContain(fields.password);
      expect(await accountCount()).toBe(before);
    },
  );

  it('when a field arrives twice (array smuggling), rejects it as invalid instead of crashing', async () => {
    const agent = request.agent(app);
    const _csrf = await csrfOf(agent, '/signup');
    const fields = newPatient();
    const body = new URLSearchParams({ ...fields, _csrf });
    body.append('email', 'second@example.test');

    const res = await agent.post('/signup').type('form').send(body.toString());

    expect(res.status).toBe(400);
    expect(res.text).toContain('id="email-error"');
  });

  it('when the email already has an account (any case), does not say so and creates nothing', async () => {
    const first = newPatient({ first_name: 'Original' });
    await signUp(request.agent(app), first);
    const before = await accountCount();

    const res = await signUp(
      request.agent(app),
      newPatient({ email: first.email.toUpperCase(), first_name: 'Second' }),
    );

    // The owner is told by email (test/integration/email-accounts.test.ts); the page is neutral.
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/signup/sent');
    const page = await request(app).get('/signup/sent');
    expect(page.text).toContain('href="/login"');
    expect(page.text).not.toContain('Original');
    expect(await accountCount()).toBe(before);
  });
});
