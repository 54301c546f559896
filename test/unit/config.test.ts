import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_KEYS, ConfigError, loadConfig } from '../../src/config';

const REAL_VSEE = {
  VSEE_API_URL: 'https://api-acme.vsee.me/api_v3',
  VSEE_CLINIC_URL: 'https://acme.vsee.me/vc/next',
  VSEE_ACCOUNT_CODE: 'acme',
  VSEE_API_KEY: 'k',
  VSEE_API_SECRET: 's',
  VSEE_ROOM_CODE: 'room1',
};
const STRONG_SECRET = 'x'.repeat(16) + 'y'.repeat(16) + 'z';

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('with an empty environment, uses the documented defaults and the built-in sandbox', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      publicUrl: 'http://localhost:3000',
      databaseUrl: 'sqlite:./data/portal.db',
      redisUrl: undefined,
      trustProxy: 0,
      sessionIdleMs: 30 * 60_000,
      sessionAbsoluteMs: 12 * 3_600_000,
      logLevel: 'info',
      vsee: undefined,
      sessionSecretGenerated: true,
    });
    expect(config.sessionSecrets[0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['REDIS_URL', 'localhost:6379'],
    ['LOG_LEVEL', 'loud'],
    ['TRUST_PROXY', 'true'],
    ['VSEE_DISABLE_EMAILS', 'yes'],
    ['PUBLIC_URL', 'not a url'],
  ])('when %s=%s, refuses with a message naming the key', (key, value) => {
    expect(errorOf({ [key]: value })).toContain(key);
  });

  it('the exactly-once timings: 30 s by default, in seconds, and a takeover of 0 s is refused', () => {
    expect(loadConfig({})).toMatchObject({ launchTakeoverMs: 30_000, lateCreateGraceMs: 30_000 });
    expect(loadConfig({ LAUNCH_TAKEOVER_SECONDS: '45', LATE_CREATE_GRACE_SECONDS: '0' })).toMatchObject({
      launchTakeoverMs: 45_000,
      lateCreateGraceMs: 0,
    });
    expect(errorOf({ LAUNCH_TAKEOVER_SECONDS: '0' })).toContain('LAUNCH_TAKEOVER_SECONDS');
  });

  it('SQLITE_SYNCHRONOUS: normal by default, full on request, anything else refused by name', () => {
    expect(loadConfig({}).sqliteSynchronous).toBe('normal');
    expect(loadConfig({ SQLITE_SYNCHRONOUS: 'full' }).sqliteSynchronous).toBe('full');
    expect(errorOf({ SQLITE_SYNCHRONOUS: 'off' })).toContain('SQLITE_SYNCHRONOUS');
  });

  it('in production, refuses to start without SESSION_SECRET', () => {
    expect(errorOf({ NODE_ENV: 'production', ...REAL_VSEE })).toContain(
      'SESSION_SECRET: required in production',
    );
  });

  it.each(['short', 'keyboard cat'])('in production, refuses a weak SESSION_SECRET (%s)', (secret) => {
    expect(errorOf({ NODE_ENV: 'production', SESSION_SECRET: secret, ...REAL_VSEE })).toContain(
      'SESSION_SECRET',
    );
  });

  it('in production, refuses to fall back to the sandbox', () => {
    expect(errorOf({ NODE_ENV: 'production', SESSION_SECRET: STRONG_SECRET })).toContain(
      'VSEE_API_URL: required in production',
    );
  });

  it('in production, refuses to start without SMTP_URL (patients could not reset a password)', () => {
    expect(errorOf({ NODE_ENV: 'production', SESSION_SECRET: STRONG_SECRET, ...REAL_VSEE })).toContain(
      'SMTP_URL: required in production',
    );
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        SESSION_SECRET: '3f9c1a7e5b2d8046c9e1f3a5b7d90c2e4f6a8b0c',
        PUBLIC_URL: 'https://portal.example.test',
        SMTP_URL: 'smtps://user:pass@smtp.example.test:465',
        ...REAL_VSEE,
      }),
    ).not.toThrow();
  });

  it.each([
    ['SMTP_URL', 'http://smtp.example.test'],
    ['REQUIRE_VERIFIED_EMAIL', 'yes'],
    ['REMINDERS', '24 hours'],
    ['REMINDERS', '1h,,2h'],
    ['OUTBOX_RETENTION_DAYS', '0'],
  ])('when %s=%s, refuses with a message naming the key', (key, value) => {
    expect(errorOf({ [key]: value })).toContain(key);
  });

  it('reads the email settings: reminders largest first, verification on by default only with SMTP', () => {
    expect(loadConfig({}).mail).toEqual({
      smtpUrl: undefined,
      from: '"Patient Portal" <no-reply@localhost>',
      requireVerifiedEmail: false,
      reminderOffsetsMinutes: [1440, 60],
      outboxRetentionDays: 30,
    });
    const withSmtp = loadConfig({ SMTP_URL: 'smtp://mail.test:25', REMINDERS: '30m, 2d,1h,30m' }).mail;
    expect(withSmtp.requireVerifiedEmail).toBe(true);
    expect(withSmtp.reminderOffsetsMinutes).toEqual([2880, 60, 30]);
    expect(
      loadConfig({ SMTP_URL: 'smtp://mail.test', REQUIRE_VERIFIED_EMAIL: 'off' }).mail.requireVerifiedEmail,
    ).toBe(false);
    expect(loadConfig({ REMINDERS: 'off' }).mail.reminderOffsetsMinutes).toEqual([]);
    expect(loadConfig({ OUTBOX_RETENTION_DAYS: '90' }).mail.outboxRetentionDays).toBe(90);
  });

  it('when only some VSEE_* keys are given, names each missing one', () => {
    const message = errorOf({ VSEE_API_URL: 'https://api.vsee.me/api_v3/' });
    for (const key of [
      'VSEE_CLINIC_URL',
      'VSEE_ACCOUNT_CODE',
      'VSEE_API_KEY',
      'VSEE_API_SECRET',
      'VSEE_ROOM_CODE',
    ]) {
      expect(message).toContain(key);
    }
  });

  it('with real VSee settings, keeps each URL path prefix and adds the trailing slash', () => {
    const config = loadConfig({
      ...REAL_VSEE,
      VSEE_DISABLE_NAVIGATION: '1',
      SESSION_SECRET: `${STRONG_SECRET},old-secret`,
    });
    expect(config.vsee).toMatchObject({
      apiUrl: 'https://api-acme.vsee.me/api_v3/',
      clinicUrl: 'https://acme.vsee.me/vc/next/',
      disableNavigation: true,
      disableEmails: false,
    });
    expect(config.sessionSecrets).toEqual([STRONG_SECRET, 'old-secret']);
  });

  it('.env.example documents every key the portal reads, and no other', () => {
    const example = readFileSync(join(__dirname, '../../.env.example'), 'utf8');
    const documented = [...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual([...CONFIG_KEYS].sort());
  });
});
