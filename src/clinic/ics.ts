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

export interface CalendarEvent {
  uid: string;
  start: number;
  end: number;
  summary: string;
  description: string;
  /** BCP 47 tag of the summary and description (RFC 5545 LANGUAGE parameter), e.g. `es`. */
  language?: string;
  url?: string;
}

/**
 * A one-event calendar file for "add to calendar". No patient data beyond what the patient sees on
 * the confirmation page; the appointment link is left out (it is a credential) unless given.
 */
export function calendarFile(event: CalendarEvent, now = new Date()): string {
  const lang =
    event.language && /^[A-Za-z-]{2,12}$/.test(event.language) ? `;LANGUAGE=${event.language}` : '';
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//VSee Patient Bridge//Patient Portal//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${icsText(event.uid)}`,
    `DTSTAMP:${icsTime(Math.floor(now.getTime() / 1000))}`,
    `DTSTART:${icsTime(event.start)}`,
    `DTEND:${icsTime(event.end)}`,
    `SUMMARY${lang}:${icsText(event.summary)}`,
    `DESCRIPTION${lang}:${icsText(event.description)}`,
    ...(event.url ? [`URL:${event.url}`] : []),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.join('\r\n')}\r\n`;
}
