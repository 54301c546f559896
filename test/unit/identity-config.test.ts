import { ConfigError, loadConfig } from '../../src/config';

const base = { NODE_ENV: 'test', LOG_LEVEL: 'silent' };
const OIDC = { OIDC_ISSUER: 'https://id.clinic.example', OIDC_CLIENT_ID: 'portal', OIDC_CLIENT_SECRET: 's' };
const SECRET = 'x'.repeat(32);

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return '';
}

describe('identity settings', () => {
  it('defaults to local accounts only and the portal’s own VSee code', () => {
    const { identity } = loadConfig(base);
    expect(identity).toEqual({ localAccounts: true, vseePatientCode: 'portal' });
  });

  it('reads a complete OIDC client with its defaults', () => {
    expect(loadConfig({ ...base, ...OIDC }).identity.oidc).toEqual({
      issuer: 'https://id.clinic.example',
      clientId: 'portal',
      clientSecret: 's',
      scopes: 'openid profile email',
      name: 'your clinic account',
      clientAuth: 'client_secret_basic',
      allowHttp: false,
    });
  });

  it('wants all three OIDC keys or none, naming the missing ones', () => {
    const message = problemsOf({ OIDC_ISSUER: OIDC.OIDC_ISSUER });
    expect(message).toContain('OIDC_CLIENT_ID: required');
    expect(message).toContain('OIDC_CLIENT_SECRET: required');
  });

  it('accepts an http:// issuer only on loopback and never in production', () => {
    expect(
      loadConfig({ ...base, ...OIDC, OIDC_ISSUER: 'http://127.0.0.1:4000/oidc' }).identity.oidc?.allowHttp,
    ).toBe(true);
    expect(problemsOf({ ...OIDC, OIDC_ISSUER: 'http://id.clinic.example' })).toContain(
      'OIDC_ISSUER: http:// is accepted only for localhost',
    );
    expect(
      problemsOf({ NODE_ENV: 'production', ...OIDC, OIDC_ISSUER: 'http://127.0.0.1:4000/oidc' }),
    ).toContain('OIDC_ISSUER: must be https:// in production');
  });

  it('insists on openid in OIDC_SCOPES and a known OIDC_CLIENT_AUTH', () => {
    expect(problemsOf({ ...OIDC, OIDC_SCOPES: 'profile email' })).toContain(
      'OIDC_SCOPES: must include openid',
    );
    expect(problemsOf({ ...OIDC, OIDC_CLIENT_AUTH: 'none' })).toContain('OIDC_CLIENT_AUTH');
  });

  it('wants a 32-character launch secret and an issuer with it', () => {
    expect(problemsOf({ LAUNCH_JWT_SECRET: 'short', LAUNCH_JWT_ISSUER: 'x' })).toContain(
      'LAUNCH_JWT_SECRET: must be at least 32 characters',
    );
    expect(problemsOf({ LAUNCH_JWT_SECRET: SECRET })).toContain('LAUNCH_JWT_ISSUER: required');
    expect(problemsOf({ LAUNCH_JWT_ISSUER: 'x' })).toContain('LAUNCH_JWT_ISSUER: needs LAUNCH_JWT_SECRET');
    expect(
      loadConfig({ ...base, LAUNCH_JWT_SECRET: SECRET, LAUNCH_JWT_ISSUER: 'x' }).identity.launch,
    ).toEqual({
      issuer: 'x',
      secret: SECRET,
      jwksUrl: undefined,
    });
  });

  it('refuses LOCAL_ACCOUNTS=off when no other way in is configured', () => {
    expect(problemsOf({ LOCAL_ACCOUNTS: 'off' })).toContain('LOCAL_ACCOUNTS: off needs OIDC_* or LAUNCH_*');
    expect(problemsOf({ LOCAL_ACCOUNTS: 'maybe' })).toContain('LOCAL_ACCOUNTS');
  });

  it('takes VSEE_PATIENT_CODE without asking for the other VSEE_* keys', () => {
    expect(loadConfig({ ...base, VSEE_PATIENT_CODE: 'subject' }).identity.vseePatientCode).toBe('subject');
    expect(problemsOf({ VSEE_PATIENT_CODE: 'email' })).toContain('VSEE_PATIENT_CODE');
  });
});
