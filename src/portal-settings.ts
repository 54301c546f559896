import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isTimeZone } from './clinic/time-zones';

/** The languages the portal has a translation for (one file each under locales/). */
export const AVAILABLE_LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof AVAILABLE_LANGUAGES)[number];

/** The clinic's own face: its name, number, logo and legal links, and its clock. */
export interface ClinicBranding {
  /** Undefined: the translated generic name ("Patient Portal") is shown. */
  name?: string;
  /** As the clinic writes it, e.g. "(555) 010-2030". */
  phone?: string;
  /** The `tel:` form of the phone number (digits and a leading +). */
  phoneHref?: string;
  logoUrl?: string;
  /** IANA zone; undefined: the VSee room's default zone, else UTC. */
  timezone?: string;
  privacyUrl?: string;
  termsUrl?: string;
}

/** The telehealth consent text patients agree to before their first visit. */
export interface ConsentText {
  text: string;
  /** sha256 of the text: a changed file is a new version, and patients are asked again. */
  version: string;
}

export interface PortalSettings {
  clinic: ClinicBranding;
  /** Offered languages, the default first. */
  languages: Language[];
  defaultLanguage: Language;
  consent?: ConsentText;
  /** No appointment slot starting sooner than this many minutes from now is offered. */
  bookingLeadMinutes: number;
}

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const language = z.enum(AVAILABLE_LANGUAGES, {
  error: `must be one of ${AVAILABLE_LANGUAGES.join(', ')}`,
});

/** Environment keys of the portal's branding, languages and consent (merged into the config schema). */
export const portalSettingsShape = {
  CLINIC_NAME: z.string().trim().min(1).max(100, 'must be at most 100 characters').optional(),
  CLINIC_PHONE: z
    .string()
    .regex(/^\+?[0-9][0-9 ().-]{2,29}$/, 'must be a phone number, e.g. +1 555 010 2030')
    .optional(),
  CLINIC_LOGO_URL: httpUrl.optional(),
  CLINIC_TIMEZONE: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone, e.g. America/New_York')
    .optional(),
  PRIVACY_URL: httpUrl.optional(),
  TERMS_URL: httpUrl.optional(),
  DEFAULT_LANGUAGE: language.default('en'),
  LANGUAGES: z
    .string()
    .default(AVAILABLE_LANGUAGES.join(','))
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(language).min(1, 'must list at least one language')),
  CONSENT_FILE: z.string().min(1).optional(),
  BOOKING_LEAD_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(30),
};

type ParsedSettings = z.infer<z.ZodObject<typeof portalSettingsShape>>;

/** Builds the settings; pushes a problem naming the key for what the schema alone cannot check. */
export function portalSettingsFrom(e: ParsedSettings, problems: string[]): PortalSettings {
  if (!e.LANGUAGES.includes(e.DEFAULT_LANGUAGE)) {
    problems.push(`LANGUAGES: must include DEFAULT_LANGUAGE (${e.DEFAULT_LANGUAGE})`);
  }
  let consent: ConsentText | undefined;
  if (e.CONSENT_FILE) {
    try {
      const text = readFileSync(e.CONSENT_FILE, 'utf8').trim();
      if (text.length === 0) problems.push('CONSENT_FILE: the file is empty');
      else consent = { text, version: createHash('sha256').update(text).digest('hex') };
    } catch {
      problems.push(`CONSENT_FILE: cannot read ${e.CONSENT_FILE}`);
    }
  }
  return {
    clinic: {
      name: e.CLINIC_NAME,
      phone: e.CLINIC_PHONE,
      phoneHref: e.CLINIC_PHONE ? `tel:${e.CLINIC_PHONE.replace(/[^0-9+]/g, '')}` : undefined,
      logoUrl: e.CLINIC_LOGO_URL,
      timezone: e.CLINIC_TIMEZONE,
      privacyUrl: e.PRIVACY_URL,
      termsUrl: e.TERMS_URL,
    },
    languages: [e.DEFAULT_LANGUAGE, ...new Set(e.LANGUAGES.filter((l) => l !== e.DEFAULT_LANGUAGE))],
    defaultLanguage: e.DEFAULT_LANGUAGE,
    consent,
    bookingLeadMinutes: e.BOOKING_LEAD_MINUTES,
  };
}
