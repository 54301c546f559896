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

/** "Tuesday 1 December 2026" in the given zone. */
export function dayLabel(unixSeconds: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(unixSeconds * 1000);
}

/** "09:30" in the given zone. */
export function timeLabel(unixSeconds: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(unixSeconds * 1000);
}

/** "Tuesday 1 December 2026, 09:30" in the given zone. */
export function dateTimeLabel(unixSeconds: number, timeZone: string): string {
  return `${dayLabel(unixSeconds, timeZone)}, ${timeLabel(unixSeconds, timeZone)}`;
}

/** The zone's short name at that moment, e.g. "CET" or "GMT+1", so a time is never ambiguous. */
export function zoneName(unixSeconds: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' }).formatToParts(
    unixSeconds * 1000,
  );
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}
