import i18next, { type TFunction } from 'i18next';
import type { Language, PortalSettings } from '../portal-settings';
import { readLocale } from '../web/i18n';
import { clinicName } from './clinic-name';

/** What an email needs to speak one language: its words, its date locale and the clinic's name in it. */
export interface EmailWords {
  language: Language;
  /** The Intl locale of dates and times (`meta.intlLocale`: en-US shows "9:30 AM"). */
  locale: string;
  t: TFunction;
  clinicName: string;
}

/**
 * The portal's languages for email. Built once: one i18next instance and one fixed `t` per
 * language, so a reminder pass or a burst of sign-ups never re-reads or clones the translations.
 */
export class EmailLanguages {
  private readonly byLanguage = new Map<string, EmailWords>();
  private readonly fallback: EmailWords;

  constructor(settings: PortalSettings) {
    const instance = i18next.createInstance();
    void instance.init({
      initAsync: false,
      resources: Object.fromEntries(settings.languages.map((lng) => [lng, { translation: readLocale(lng) }])),
      supportedLngs: settings.languages,
      fallbackLng: settings.defaultLanguage,
      // Every value interpolated into an email is escaped by composeEmail's HTML part.
      interpolation: { escapeValue: false },
    });
    for (const language of settings.languages) {
      const t = instance.getFixedT(language);
      this.byLanguage.set(language, {
        language,
        locale: t('meta.intlLocale'),
        t,
        clinicName: clinicName(settings, t('brand.genericName')),
      });
    }
    this.fallback = this.byLanguage.get(settings.defaultLanguage)!;
  }

  /**
   * The first candidate the portal offers (the account's choice, then the request's language),
   * else the default language: a language dropped from LANGUAGES falls back instead of failing.
   */
  pick(...candidates: (string | null | undefined)[]): EmailWords {
    for (const candidate of candidates) {
      const found = candidate ? this.byLanguage.get(candidate) : undefined;
      if (found) return found;
    }
    return this.fallback;
  }
}
