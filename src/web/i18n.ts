import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import i18next, { type i18n as I18n, type TFunction } from 'i18next';
import { handle, LanguageDetector } from 'i18next-http-middleware';
import type { Db } from '../db/connection';
import { setAccountLanguage } from '../portal/accounts';
import type { Language, PortalSettings } from '../portal-settings';

/** Where the translations live: one JSON file per language, e.g. locales/es.json. */
export const LOCALES_DIR = join(__dirname, '..', '..', 'locales');
export const LANGUAGE_COOKIE = 'lang';
const ONE_YEAR_MS = 365 * 86_400_000;

/** Reads one language's translations (nested JSON: `{"nav": {"home": "Home"}}` → key `nav.home`). */
export function readLocale(language: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(LOCALES_DIR, `${language}.json`), 'utf8')) as Record<string, unknown>;
}

/**
 * One i18next instance for the app (the middleware clones it per request). The language comes from
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
      order: ['querystring', 'account', 'cookie', 'header'],
      lookupQuerystring: 'lang',
      lookupCookie: LANGUAGE_COOKIE,
      caches: false,
    },
  });
  return instance;
}

/** Sets `req.t` and `res.locals.t`/`language` for the rest of the request. */
export function detectLanguage(instance: I18n) {
  return handle(instance, { ignoreRoutes: ['/static/'] });
}

function clinicLocals(settings: PortalSettings, t: TFunction) {
  return { ...settings.clinic, displayName: settings.clinic.name ?? t('brand.genericName') };
}

/**
 * A `?lang=` choice is remembered in a cookie and, for a logged-in patient, on the account; then
 * the page gets what every layout needs: the clinic's name and number, the language switch, the
 * `<html lang>` and the Intl locale of dates.
 */
export function pageLocals(db: Db, settings: PortalSettings, secureCookies: boolean) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const asked = req.query.lang;
    const language = (req.i18n.resolvedLanguage ?? settings.defaultLanguage) as Language;
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
    res.locals.language = language;
    res.locals.intlLocale = req.t('meta.intlLocale');
    res.locals.clinic = clinicLocals(settings, req.t);
    res.locals.languageChoices = settings.languages.map((code) => ({
      code,
      name: req.i18n.getFixedT(code)('meta.languageName'),
      href: `${req.path}?lang=${code}`,
      current: code === language,
    }));
    next();
  };
}

/**
 * For an error page of a request that failed before the middleware above ran (a body too large,
 * a bad content type): the default language, and no language switch.
 */
export function fallbackPageLocals(instance: I18n, settings: PortalSettings) {
  return (_req: Request, res: Response): void => {
    if (res.locals.t && res.locals.clinic) return;
    const t = instance.getFixedT(settings.defaultLanguage);
    res.locals.t = t;
    res.locals.language = settings.defaultLanguage;
    res.locals.intlLocale = t('meta.intlLocale');
    res.locals.clinic = clinicLocals(settings, t);
    res.locals.languageChoices = [];
  };
}
