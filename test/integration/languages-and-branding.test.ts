import request from 'supertest';
import { testId } from '../helpers/html';
import { type ClinicHarness, patientOf, startClinic, walkinForm } from '../helpers/clinic';
import { testConfig } from '../helpers/portal';

const BRANDED = {
  CLINIC_NAME: 'Riverside Family Clinic',
  CLINIC_PHONE: '+1 (555) 010-2030',
  CLINIC_LOGO_URL: 'https://cdn.example.org/logo.svg',
  CLINIC_TIMEZONE: 'America/Chicago',
  PRIVACY_URL: 'https://example.org/privacy',
  TERMS_URL: 'https://example.org/terms',
};

const htmlLang = (html: string) => /<html lang="([^"]+)">/.exec(html)?.[1];

describe('the clinic name, its number and the patient language', () => {
  let h: ClinicHarness;
  beforeAll(async () => {
    h = await startClinic({ config: testConfig(BRANDED) });
  });
  afterAll(() => h.close());

  it('every page carries the clinic name in its title and header, the phone as a tel: link, the logo and the legal links', async () => {
    for (const path of ['/', '/login', '/signup', '/no-such-page', '/device-check']) {
      const page = await request(h.app).get(path);
      expect(page.text).toMatch(/<title>[^<]+ · Riverside Family Clinic<\/title>/);
      expect(testId(page.text, 'clinic-name')).toContain('Riverside Family Clinic');
      expect(page.text).toContain(
        '<a href="tel:+15550102030" data-testid="clinic-phone">+1 (555) 010-2030</a>',
      );
      expect(page.text).toContain('src="https://cdn.example.org/logo.svg"');
      expect(page.text).toContain('href="https://example.org/privacy"');
      expect(page.text).toContain('href="https://example.org/terms"');
    }
    const csp = (await request(h.app).get('/')).headers['content-security-policy'];
    expect(csp).toMatch(/img-src 'self' data: https:\/\/cdn\.example\.org/);
  });

  it('Accept-Language picks Spanish; <html lang> follows; an unknown language falls back to English', async () => {
    const es = await request(h.app).get('/login').set('Accept-Language', 'es-MX,es;q=0.9');
    expect(htmlLang(es.text)).toBe('es');
    expect(es.text).toContain('<h1>Iniciar sesión</h1>');
    const fr = await request(h.app).get('/login').set('Accept-Language', 'fr-FR');
    expect(htmlLang(fr.text)).toBe('en');
    expect(fr.text).toContain('<h1>Log in</h1>');
  });

  it('?lang=es is remembered in a cookie, beats Accept-Language, and the footer offers the way back', async () => {
    const agent = request.agent(h.app);
    const chosen = await agent.get('/login?lang=es').set('Accept-Language', 'en-US');
    expect(htmlLang(chosen.text)).toBe('es');
    expect(String(chosen.headers['set-cookie'])).toMatch(/lang=es;.*HttpOnly/);
    expect(chosen.text).toContain('<a href="/login?lang=en" lang="en" hreflang="en" >English</a>');
    const later = await agent.get('/signup').set('Accept-Language', 'en-US');
    expect(htmlLang(later.text)).toBe('es');
    expect(later.text).toContain('Cree su cuenta');
  });

  it('form messages and error pages are translated', async () => {
    const agent = request.agent(h.app);
    const page = await agent.get('/signup?lang=es');
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const res = await agent
      .post('/signup')
      .type('form')
      .send({ _csrf, first_name: '', last_name: 'X', dob: '', email: 'x', password: 'a' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Escriba su nombre');
    expect(res.text).toContain('Corrija esto para continuar');
    const missing = await agent.get('/no-such-page');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('Página no encontrada');
    const expired = await agent.post('/login').type('form').send({ email: 'a@b.c', password: 'x' });
    expect(expired.status).toBe(403);
    expect(expired.text).toContain('Este formulario caducó');
  });

  it('a logged-in choice is kept on the account and follows the patient to a new device', async () => {
    const { agent, fields, account } = await patientOf(h);
    await agent.get('/?lang=es').expect(200);
    const row = await h.testDb.db
      .selectFrom('accounts')
      .select('language')
      .where('id', '=', account.id)
      .executeTakeFirstOrThrow();
    expect(row.language).toBe('es');

    const device = request.agent(h.app);
    const login = await device.get('/login').set('Accept-Language', 'en-US');
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1];
    await device
      .post('/login')
      .type('form')
      .send({ email: fields.email, password: fields.password, _csrf })
      .expect(303);
    const dashboard = await device.get('/').set('Accept-Language', 'en-US');
    expect(htmlLang(dashboard.text)).toBe('es');
    expect(dashboard.text).toContain(`Hola, ${fields.first_name}`);
  });

  it('times are in the clinic zone when the browser sent none (named, never silently UTC), US format in English, Spanish format in Spanish', async () => {
    const { agent } = await patientOf(h);
    const { launchKey, _csrf } = await walkinForm(agent);
    await agent.post('/visits/walkin').type('form').send({ _csrf, launch_key: launchKey }).expect(302);

    const en = await agent.get('/').expect(200);
    expect(testId(en.text, 'open-walkin')).toBeDefined();
    expect(en.text).toMatch(/You are in the waiting room/);
    expect(en.text).toMatch(/started \w+day, \w+ \d{1,2}, \d{4}, \d{1,2}:\d\d (AM|PM) CST/);

    const es = await agent.get('/?lang=es').expect(200);
    expect(es.text).toMatch(/Está en la sala de espera/);
    expect(es.text).toMatch(/empezó el \p{L}+, \d{1,2} de \p{L}+ de \d{4}, \d{1,2}:\d\d [ap]\.\s?m\./u);
  });

  it('the calendar file speaks the patient language', async () => {
    const { agent } = await patientOf(h);
    const form = await agent.get('/appointments/new?tz=America/New_York&lang=es').expect(200);
    const slot = /name="slot" id="[^"]+" value="([^"]+)"/.exec(form.text)![1]!;
    const booked = await agent
      .post('/appointments')
      .type('form')
      .send({
        _csrf: /name="_csrf" value="([^"]+)"/.exec(form.text)![1],
        launch_key: /name="launch_key" value="([^"]+)"/.exec(form.text)![1],
        slot,
        tz: 'America/New_York',
      });
    expect(booked.status).toBe(303);
    const ics = await agent.get(`${booked.headers.location!}/calendar.ics`).expect(200);
    expect(ics.text).toContain('SUMMARY;LANGUAGE=es:Cita por video con Riverside Family Clinic');
    const page = await agent.get(booked.headers.location!).expect(200);
    expect(page.text).toContain('Su cita está reservada');
  });
});
