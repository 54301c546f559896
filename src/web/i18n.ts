import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import i18next, { type i18n as I18n, type TFunction } from 'i18next';
import { LanguageDetector } from 'i18next-http-middleware';
import type { Db } from '../db/connection';
import { setAccountLanguage } from '../portal/accounts';
import type { Language, PortalSettings } from '../portal-settings';
import { rememberingT } from './remembering-t';

/** Where the translations live: one JSON file per language, e.g. locales/es.json. */
export const LOCALES_DIR = join(__dirname, '..', '..', 'locales');
export const LANGUAGE_COOKIE = 'lang';
const ONE_YEAR_MS = 365 * 86_400_000;
/** Where the language comes from, first match wins (`account` is the logged-in patient's choice). */
const DETECTION_ORDER = ['querystring', 'account', 'cookie', 'header'];

/** Reads one language's translations (nested JSON: `{"nav": {"home": "Home"}}` → key `nav.home`). */
export function readLocale(language: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(LOCALES_DIR, `${language}.json`), 'utf8')) as Record<string, unknown>;
}

/**
 * One i18next instance for the app (its translations are read here, once). The language comes from
 * `?lang=`, then the account's choice, then the `lang` cookie, then Accept-Language, then the default.
 */
export function createI18n(settings: PortalSettings): I18n {
  const detector = new LanguageDetector();
  detector.addDetector({
    name: 'account',
    lookup: (req: Request) => req.user?.language ?? undefined,
    cacheUserLanguage: () => undefined,
  });
  const instance = i18next.createInstance();
  void instance.use(detector).init({
    initAsync: false,
    resources: Object.fromEntries(settings.languages.map((lng) => [lng, { translation: readLocale(lng) }])),
    supportedLngs: settings.languages,
    nonExplicitSupportedLngs: true,
    load: 'languageOnly',
    fallbackLng: settings.defaultLanguage,
    // EJS escapes every `<%= t(...) %>`; escaping here too would show `&amp;` to the patient.
    interpolation: { escapeValue: false },
    detection: {
      order: DETECTION_ORDER,
      lookupQuerystring: 'lang',
      lookupCookie: LANGUAGE_COOKIE,
      caches: false,
    },
  });
  return instance;
}

/** What one language needs, built once at start; pages and emails take theirs from here. */
export interface LanguageKit {
  language: Language;
  t: TFunction;
  /** The Intl locale of dates and times (`meta.intlLocale`: en-US shows "9:30 AM"). */
  intlLocale: string;
  /** The clinic's settings with the name to show: CLINIC_NAME, else the product's name in this language. */
  clinic: PortalSettings['clinic'] & { displayName: string };
  /** The language's own name, for the language switch. */
  languageName: string;
}

/** Every language the portal offers, each with its remembering `t` (remembering-t.ts). */
export class LanguageKits {
  readonly fallback: LanguageKit;
  private readonly kits: Map<string, LanguageKit>;

  constructor(
    readonly instance: I18n,
    settings: PortalSettings,
  ) {
    this.kits = new Map(
      settings.languages.map((language) => {
        const t = rememberingT(instance, language);
        const displayName = settings.clinic.name ?? t('brand.genericName');
        const kit = {
          language,
          t,
          intlLocale: t('meta.intlLocale'),
          clinic: { ...settings.clinic, displayName },
          languageName: t('meta.languageName'),
        };
        return [language, kit];
      }),
    );
    this.fallback = this.kits.get(settings.defaultLanguage)!;
  }

  /** The kits in the order of LANGUAGES. */
  all(): LanguageKit[] {
    return [...this.kits.values()];
  }

  /**
   * The first candidate the portal offers, else the default language: a language dropped from
   * LANGUAGES (still on an account) falls back instead of failing.
   */
  pick(...candidates: (string | null | undefined)[]): LanguageKit {
    for (const candidate of candidates) {
      const found = candidate ? this.kits.get(candidate) : undefined;
      if (found) return found;
    }
    return this.fallback;
  }
}

/**
 * Sets `req.t`, `req.language`, `res.locals.t`/`language` and `Content-Language` for the rest of
 * the request. The language is detected by i18next-http-middleware's detector (the order set in
 * createI18n); the translation functions are built once per language at boot, where the package's
 * own `handle` clones the whole i18next instance on every request.
 */
export function detectLanguage(kits: LanguageKits) {
  const { languageDetector, languageUtils } = kits.instance.services;
  const detector = languageDetector as LanguageDetector;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.path.startsWith('/static/')) return next();
    const detected = detector.detect(req, res, DETECTION_ORDER);
    const code = Array.isArray(detected) ? detected[0] : detected;
    // The detector may answer a regional code the patient sent (`es-MX`): we offer the language.
    const kit = kits.pick(code, code && languageUtils.getLanguagePartFromCode(code));
    req.language = kit.language;
    req.languages = [kit.language];
    req.t = kit.t;
    res.locals.t = kit.t;
    res.locals.language = kit.language;
    res.locals.intlLocale = kit.intlLocale;
    res.locals.clinic = kit.clinic;
    res.setHeader('Content-Language', kit.language);
    next();
  };
}

/**
 * A `?lang=` choice is remembered in a cookie and, for a logged-in patient, on the account; then
 * the page gets the language switch (the clinic's name and number, the `<html lang>` and the Intl
 * locale of dates are set by detectLanguage).
 */
export function pageLocals(db: Db, kits: LanguageKits, secureCookies: boolean) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const asked = req.query.lang;
    const language = (req.language ?? kits.fallback.language) as Language;
    if (typeof asked === 'string' && asked === language) {
      res.cookie(LANGUAGE_COOKIE, language, {
        maxAge: ONE_YEAR_MS,
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookies,
        path: '/',
      });
      if (req.user && req.user.language !== language) {
        await setAccountLanguage(db, req.user.id, language);
        req.user.language = language;
      }
    }
    res.locals.languageChoices = kits.all().map((kit) => ({
      code: kit.language,
      name: kit.languageName,
      href: `${req.path}?lang=${kit.language}`,
      current: kit.language === language,
    }));
    next();
  };
}

/**
 * For an error page of a request that failed before the middleware above ran (a body too large,
 * a bad content type): the default language, and no language switch.
 */
export function fallbackPageLocals(kits: LanguageKits) {
  return (_req: Request, res: Response): void => {
    if (res.locals.t && res.locals.clinic) return;
    const { language, t, intlLocale, clinic } = kits.fallback;
    res.locals.t = t;
    res.locals.language = language;
    res.locals.intlLocale = intlLocale;
    res.locals.clinic = clinic;
    res.locals.languageChoices = [];
  };
}
