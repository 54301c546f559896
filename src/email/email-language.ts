import type { TFunction } from 'i18next';
import type { Language, PortalSettings } from '../portal-settings';
import { createI18n, LanguageKits } from '../web/i18n';

/** What an email needs to speak one language: its words, its date locale and the clinic's name in it. */
export interface EmailWords {
  language: Language;
  /** The Intl locale of dates and times (`meta.intlLocale`: en-US shows "9:30 AM"). */
  locale: string;
  t: TFunction;
  /** The name emails sign with: CLINIC_NAME when configured, else the product's name in this language. */
  clinicName: string;
}

/**
 * The portal's languages for email, built once from the same translations and per-language kits as
 * the pages (src/web/i18n.ts), so a reminder pass or a burst of sign-ups never re-reads or clones them.
 */
export class EmailLanguages {
  private readonly kits: LanguageKits;
  private readonly words = new Map<string, EmailWords>();

  constructor(settings: PortalSettings) {
    this.kits = new LanguageKits(createI18n(settings), settings);
    for (const kit of this.kits.all()) {
      this.words.set(kit.language, {
        language: kit.language,
        locale: kit.intlLocale,
        t: kit.t,
        clinicName: kit.clinic.displayName,
      });
    }
  }

  /** The first candidate the portal offers (the account's choice, then the request's), else the default. */
  pick(...candidates: (string | null | undefined)[]): EmailWords {
    return this.words.get(this.kits.pick(...candidates).language)!;
  }
}
