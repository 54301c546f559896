/** True when the runtime knows this IANA time zone name. */
export function isTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
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
// locale data): keep one per (style, zone). Zones come from a bounded set, but case variants of a
// name are all valid, so the cache is also capped.
const FORMATS = {
  day: ['en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }],
  time: ['en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }],
  zone: ['en-US', { timeZoneName: 'short' }],
} as const satisfies Record<string, [string, Intl.DateTimeFormatOptions]>;
const MAX_CACHED_FORMATTERS = 1000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(style: keyof typeof FORMATS, timeZone: string): Intl.DateTimeFormat {
  const key = `${style} ${timeZone}`;
  let found = formatters.get(key);
  if (!found) {
    const [locale, options] = FORMATS[style];
    found = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    if (formatters.size >= MAX_CACHED_FORMATTERS) formatters.clear();
    formatters.set(key, found);
  }
  return found;
}

/** "Tuesday 1 December 2026" in the given zone. */
export function dayLabel(unixSeconds: number, timeZone: string): string {
  return formatter('day', timeZone).format(unixSeconds * 1000);
}

/** "09:30" in the given zone. */
export function timeLabel(unixSeconds: number, timeZone: string): string {
  return formatter('time', timeZone).format(unixSeconds * 1000);
}

/** "Tuesday 1 December 2026, 09:30" in the given zone. */
export function dateTimeLabel(unixSeconds: number, timeZone: string): string {
  return `${dayLabel(unixSeconds, timeZone)}, ${timeLabel(unixSeconds, timeZone)}`;
}

/** The zone's short name at that moment, e.g. "CET" or "GMT+1", so a time is never ambiguous. */
export function zoneName(unixSeconds: number, timeZone: string): string {
  const parts = formatter('zone', timeZone).formatToParts(unixSeconds * 1000);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

// The same few moments (a patient's visit times) are shown on every view of My visits, and each
// label takes four ICU calls (~10 µs each): keep the finished labels, capped like the formatters.
const MAX_CACHED_MOMENTS = 10_000;
const moments = new Map<string, string>();

/** "Tuesday 1 December 2026, 09:30 CET": the day, the time and the zone's name at that moment. */
export function momentLabel(unixSeconds: number, timeZone: string): string {
  const key = `${timeZone} ${unixSeconds}`;
  let label = moments.get(key);
  if (label === undefined) {
    label = `${dateTimeLabel(unixSeconds, timeZone)} ${zoneName(unixSeconds, timeZone)}`;
    if (moments.size >= MAX_CACHED_MOMENTS) moments.clear();
    moments.set(key, label);
  }
  return label;
}
