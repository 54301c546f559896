/** Escapes text for an iCalendar TEXT value (RFC 5545 §3.3.11). */
function icsText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

function icsTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

const MAX_OCTETS = 75;

/**
 * Folds a content line at 75 octets (RFC 5545 §3.1): continuation lines start with one space, and a
 * multi-byte UTF-8 character is never split (calendar apps reject or garble a split one).
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    // The first line holds 75 octets; each continuation holds 74 after its leading space.
    const limit = parts.length === 0 ? MAX_OCTETS : MAX_OCTETS - 1;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

export interface CalendarEvent {
  /** Globally unique and stable for the appointment, so an update or a cancellation replaces it. */
  uid: string;
  start: number;
  end: number;
  summary: string;
  description: string;
  /** BCP 47 tag of the summary and description (RFC 5545 LANGUAGE parameter), e.g. `es`. */
  language?: string;
  /** The portal's page of the appointment (never a VSee link: those carry a token). */
  url?: string;
  /** Minutes before the start at which the calendar app should remind the patient. */
  alarmMinutes?: number;
  /** A cancelled appointment: METHOD:CANCEL, so calendar apps remove the event. */
  cancelled?: boolean;
}

/**
 * A one-event calendar file for "add to calendar". No patient data beyond what the patient sees on
 * the confirmation page.
 */
export function calendarFile(event: CalendarEvent, now = new Date()): string {
  const lang =
    event.language && /^[A-Za-z-]{2,12}$/.test(event.language) ? `;LANGUAGE=${event.language}` : '';
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//VSee Patient Bridge//Patient Portal//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${event.cancelled ? 'CANCEL' : 'PUBLISH'}`,
    'BEGIN:VEVENT',
    `UID:${icsText(event.uid)}`,
    `DTSTAMP:${icsTime(Math.floor(now.getTime() / 1000))}`,
    `DTSTART:${icsTime(event.start)}`,
    `DTEND:${icsTime(event.end)}`,
    `SUMMARY${lang}:${icsText(event.summary)}`,
    `DESCRIPTION${lang}:${icsText(event.description)}`,
    ...(event.url ? [`URL:${event.url}`] : []),
    ...(event.cancelled ? ['STATUS:CANCELLED', 'SEQUENCE:1'] : ['STATUS:CONFIRMED', 'SEQUENCE:0']),
    ...(event.alarmMinutes && !event.cancelled
      ? [
          'BEGIN:VALARM',
          'ACTION:DISPLAY',
          `DESCRIPTION:${icsText(event.summary)}`,
          `TRIGGER:-PT${event.alarmMinutes}M`,
          'END:VALARM',
        ]
      : []),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
