import fc from 'fast-check';
import { ssoLaunchUrl, VseeError, visitStartPath } from '../../src/vsee';
import { safeReturnTo } from '../../src/web/return-to';
import { type ClinicHarness, errorPageOf, patientOf, startClinic, walkinForm } from '../helpers/clinic';
import { csrfOf } from '../helpers/portal';

// docs/security.md C2: no open redirect, from a user's returnTo or from an id VSee sends back.

const PORTAL = 'https://portal.example.test';

const HOSTILE = [
  '//evil.test',
  '//evil.test/path',
  '/\\evil.test',
  '\\\\evil.test',
  '/%2F%2Fevil.test',
  '%2F%2Fevil.test',
  '/%5Cevil.test',
  'javascript:alert(1)',
  '/javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'https://evil.test',
  'http:evil.test',
  '/\t/evil.test',
  '/\n/evil.test',
  '/ok\r\nSet-Cookie: x=1',
  '/ok\rLocation: //evil.test',
  '/\u2028evil',
  '/\u0000evil',
  '/％２Ｆevil.test',
  '/／evil.test',
  '/\u3002evil.test',
  '/..//evil.test',
  '/./\\evil.test',
  ' //evil.test',
  '',
];

/** Pieces that hostile redirects are made of, glued together in random orders below. */
const PIECES = [
  '/',
  '//',
  '\\',
  '%2F',
  '%5C',
  'evil.test',
  ':',
  'javascript:',
  '\r',
  '\n',
  '\t',
  '@',
  '.',
  '..',
  '?',
  '#',
  ' ',
  '％',
  '／',
];
const glued = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 4 })), { maxLength: 8 })
  .map((a) => a.join(''));

/** What a browser would do with the value as a Location relative to the portal. */
function resolvesHome(value: string): boolean {
  const url = new URL(value, `${PORTAL}/some/page`);
  return url.origin === PORTAL && !/[\r\n]/.test(value) && value.startsWith('/') && !value.startsWith('//');
}

describe('returnTo (docs/security.md C2)', () => {
  it.each(HOSTILE)('refuses the hostile value %j', (value) => {
    const result = safeReturnTo(value);
    expect(result === undefined || resolvesHome(result)).toBe(true);
    if (!value.startsWith('/') || /^\/[/\\]|[\r\n\t\0]/.test(value)) expect(result).toBeUndefined();
  });

  it('over 10 000 arbitrary strings, the result is undefined or a same-origin path without CR/LF', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 600 }), glued, fc.constantFrom(...HOSTILE)),
        (value) => {
          const result = safeReturnTo(value);
          return result === undefined || (result === value && resolvesHome(result));
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('keeps ordinary paths, so the protection is not just "refuse everything"', () => {
    for (const path of ['/profile', '/visits?tz=Europe%2FParis', '/appointments/12']) {
      expect(safeReturnTo(path)).toBe(path);
    }
  });
});

describe('the visit id VSee returns, put into a launch URL (docs/security.md C2)', () => {
  const clinic = { clinicUrl: 'https://clinic.example.test/vc/next/', disableNavigation: false };
  const clinicOrigin = new URL(clinic.clinicUrl).origin;
  const idLike = fc.string({ unit: fc.constantFrom(...'aZ09_-./\\:%?#@ \r\n'.split('')), maxLength: 70 });

  it('over 10 000 arbitrary ids: a VseeError, or a URL on the clinic whose next is /visits/start/<safe id>', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), idLike, fc.constantFrom(...HOSTILE)),
        (id) => {
          let location: string;
          try {
            const next = visitStartPath(id);
            expect(next).toMatch(/^\/visits\/start\/[A-Za-z0-9_-]{1,64}$/);
            location = ssoLaunchUrl(clinic, 'token', next);
          } catch (error) {
            expect(error).toBeInstanceOf(VseeError);
            return;
          }
          accepted += 1;
          const url = new URL(location);
          expect(url.origin).toBe(clinicOrigin);
          expect(location).not.toMatch(/[\r\n]/);
          expect(url.searchParams.get('next')).toMatch(/^\/visits\/start\/[A-Za-z0-9_-]{1,64}$/);
        },
      ),
      { numRuns: 10_000 },
    );
    // Some runs must take the success path, or the property says nothing about it.
    expect(accepted).toBeGreaterThan(100);
  });
});

describe('a bad visit id from VSee, end to end (docs/security.md C2)', () => {
  let h: ClinicHarness;
  beforeAll(async () => {
    h = await startClinic();
  });
  afterAll(() => h.close());
  afterEach(() => h.sandbox.knobs.reset());

  it('when add_walkin answers without a visit id, the patient gets a 502 page or (reconciled) a safe launch, never a bad Location', async () => {
    const { agent } = await patientOf(h);
    const { launchKey, _csrf } = await walkinForm(agent);
    h.sandbox.knobs.failNext('visits/add_walkin', { mode: 'missing_field', field: 'id' });

    const res = await agent.post('/visits/walkin').type('form').send({ _csrf, launch_key: launchKey });

    // The sandbox creates the visit and then drops its id from the answer; the portal may find the
    // visit again by looking it up (O2). Either way, no Location built from a missing id.
    if (res.status === 302) {
      const url = new URL(res.headers.location!);
      expect(url.origin).toBe(new URL(h.vsee.clinicUrl).origin);
      expect(url.searchParams.get('next')).toMatch(/^\/visits\/start\/[A-Za-z0-9_-]{1,64}$/);
    } else {
      expect(res.status).toBe(502);
      expect(res.headers.location).toBeUndefined();
      expect(errorPageOf(res.text).title).toBe('The clinic sent an answer we did not understand');
    }
  });

  it('when SSO answers without a token, Go to Clinic gets a 502 page and no redirect', async () => {
    const { agent } = await patientOf(h);
    const _csrf = await csrfOf(agent, '/');
    h.sandbox.knobs.failNext('users/sso', { mode: 'missing_field' });

    const res = await agent.post('/clinic/go').type('form').send({ _csrf });

    expect(res.status).toBe(502);
    expect(res.headers.location).toBeUndefined();
  });
});
