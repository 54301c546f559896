import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('the clinic portal settings', () => {
  it('defaults: generic name, English then Spanish, no consent, a 30-minute booking lead', () => {
    expect(loadConfig({}).portal).toEqual({
      clinic: {},
      languages: ['en', 'es'],
      defaultLanguage: 'en',
      consent: undefined,
      bookingLeadMinutes: 30,
    });
  });

  it('branding: the phone number becomes a tel: link; the zone and URLs are kept', () => {
    const { clinic } = loadConfig({
      CLINIC_NAME: 'Riverside Clinic',
      CLINIC_PHONE: '+1 (555) 010-2030',
      CLINIC_TIMEZONE: 'America/Chicago',
      PRIVACY_URL: 'https://example.org/privacy',
    }).portal;
    expect(clinic).toMatchObject({
      name: 'Riverside Clinic',
      phone: '+1 (555) 010-2030',
      phoneHref: 'tel:+15550102030',
      timezone: 'America/Chicago',
      privacyUrl: 'https://example.org/privacy',
    });
  });

  it.each([
    [{ CLINIC_TIMEZONE: 'Mars/Olympus' }, 'CLINIC_TIMEZONE'],
    [{ CLINIC_PHONE: 'call us' }, 'CLINIC_PHONE'],
    [{ CLINIC_LOGO_URL: 'javascript:alert(1)' }, 'CLINIC_LOGO_URL'],
    [{ LANGUAGES: 'en,fr' }, 'LANGUAGES'],
    [{ DEFAULT_LANGUAGE: 'es', LANGUAGES: 'en' }, 'LANGUAGES: must include DEFAULT_LANGUAGE'],
    [{ CONSENT_FILE: '/nonexistent/consent.md' }, 'CONSENT_FILE'],
    [{ BOOKING_LEAD_MINUTES: '-5' }, 'BOOKING_LEAD_MINUTES'],
  ])('%j stops the boot naming the key', (env, key) => {
    expect(errorOf(env)).toContain(key);
  });

  it('CONSENT_FILE: the text and its sha256 are read once at boot; the default language comes first', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'consent-')), 'consent.md');
    writeFileSync(file, '  Our consent.\n');
    const portal = loadConfig({ CONSENT_FILE: file, DEFAULT_LANGUAGE: 'es' }).portal;
    expect(portal.consent).toEqual({
      text: 'Our consent.',
      version: createHash('sha256').update('Our consent.').digest('hex'),
    });
    expect(portal.languages).toEqual(['es', 'en']);
  });
});
