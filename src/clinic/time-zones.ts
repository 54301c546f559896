/** True when the runtime knows this IANA time zone name. */
/** Zones already found valid: building an Intl.DateTimeFormat to check one costs more than the page's own work. */
const KNOWN_ZONES = new Set<string>();

export function isTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return false;
  if (KNOWN_ZONES.has(value)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    // Bounded by the IANA list (a few hundred names): only valid zones are kept.
    KNOWN_ZONES.add(value);
    return true;
  } catch {
    return false;
  }
}

/** The first usable zone of: the browser's, the clinic's, UTC. */
export function pickTimeZone(...candidates: unknown[]): string {
  return (candidates.find(isTimeZone) as string | undefined) ?? 'UTC';
}

// Building an Intl.DateTimeFormat costs far more than formatting with one (ICU loads the zone and
// locale data): keep one per (style, locale, zone). Zones come from a bounded set, but case variants
// of a name are all valid, so the cache is also capped. The locale decides the clock: en-US shows
// "9:30 AM", es shows "9:30" or "9:30 a.m." as Spanish readers expect.
const FORMATS = {
  day: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
  shortDay: { weekday: 'short', day: 'numeric', month: 'short' },
  time: { hour: 'numeric', minute: '2-digit' },
  zone: { timeZoneName: 'short' },
  dayKey: { year: 'numeric', month: '2-digit', day: '2-digit' },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;
const MAX_CACHED_FORMATTERS = 1000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The default locale of the labels below, for callers that have no language (logs, tests). */
export const DEFAULT_LOCALE = 'en-US';

function formatter(style: keyof typeof FORMATS, timeZone: string, locale: string): Intl.DateTimeFormat {
  const key = `${style} ${locale} ${timeZone}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(locale, { ...FORMATS[style], timeZone });
    if (formatters.size >= MAX_CACHED_FORMATTERS) formatters.clear();
    formatters.set(key, found);
  }
  return found;
}

/** "Tuesday, December 1, 2026" in the given zone and locale. */
export function dayLabel(unixSeconds: number, timeZone: string, locale = DEFAULT_LOCALE): string {
  return formatter('day', timeZone, locale).format(unixSeconds * 1000);
}

/** "Tue, Dec 1" in the given zone and locale (the day picker). */
export function shortDayLabel(unixSeconds: number, timeZone: string, locale = DEFAULT_LOCALE): string {
  return formatter('shortDay', timeZone, locale).format(unixSeconds * 1000);
}

/** "9:30 AM" (en-US) in the given zone and locale. */
export function timeLabel(unixSeconds: number, timeZone: string, locale = DEFAULT_LOCALE): string {
  return formatter('time', timeZone, locale).format(unixSeconds * 1000);
}

/** "Tuesday, December 1, 2026, 9:30 AM" in the given zone and locale. */
export function dateTimeLabel(unixSeconds: number, timeZone: string, locale = DEFAULT_LOCALE): string {
  return `${dayLabel(unixSeconds, timeZone, locale)}, ${timeLabel(unixSeconds, timeZone, locale)}`;
}

/** The zone's short name at that moment, e.g. "EST" or "GMT+1", so a time is never ambiguous. */
export function zoneName(unixSeconds: number, timeZone: string, locale = DEFAULT_LOCALE): string {
  const parts = formatter('zone', timeZone, locale).formatToParts(unixSeconds * 1000);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

// The same few moments (a patient's visit times) are shown on every view of My visits, and each
// label takes four ICU calls (~10 µs each): keep the finished labels, capped like the formatters.
const MAX_CACHED_MOMENTS = 10_000;
const moments = new Map<string, string>();

/** "Tuesday, December 1, 2026, 9:30 AM EST": the day, the time and the zone's name at that moment. */
export function momentLabel(unixSeconds: number, timeZone: string, locale = DEFAULT_LOCALE): string {
  const key = `${locale} ${timeZone} ${unixSeconds}`;
  let label = moments.get(key);
  if (label === undefined) {
    label = `${dateTimeLabel(unixSeconds, timeZone, locale)} ${zoneName(unixSeconds, timeZone, locale)}`;
    if (moments.size >= MAX_CACHED_MOMENTS) moments.clear();
    moments.set(key, label);
  }
  return label;
}

/** YYYY-MM-DD of that moment in the zone: the key of a day in the booking page. */
export function dayKey(unixSeconds: number, timeZone: string): string {
  return formatter('dayKey', timeZone, 'en-CA').format(unixSeconds * 1000);
}

/** A date and time with its zone, in one locale and zone: what every page shows. */
export interface Clock {
  locale: string;
  timeZone: string;
  day(unixSeconds: number): string;
  time(unixSeconds: number): string;
  /** "Tuesday, December 1, 2026, 9:30 AM EST" */
  moment(unixSeconds: number): string;
}

/** Labels in the patient's locale and zone. */
export function clockFor(locale: string, timeZone: string): Clock {
  return {
    locale,
    timeZone,
    day: (s) => dayLabel(s, timeZone, locale),
    time: (s) => timeLabel(s, timeZone, locale),
    moment: (s) => momentLabel(s, timeZone, locale),
  };
}
