import type { Db } from '../db/connection';
import type { Visit } from '../db/schema';
import { calendarFile } from '../clinic/ics';
import { dateTimeLabel, isTimeZone, zoneName } from '../clinic/time-zones';
import type { Mailer } from './mailer';
import { type AppointmentDetails, appointmentConfirmationEmail } from './messages';

/** Statuses after which an appointment is over: no reminder, and its calendar file cancels it. */
export const CLOSED_STATUSES = ['cancelled', 'completed', 'failed'] as const;

const DEFAULT_LENGTH_SECONDS = 15 * 60;

/** "Tuesday 1 December 2026, 09:30 CET" in the patient's zone (UTC when none is known). */
export function appointmentDetails(visit: Visit, timeZone: string | null): AppointmentDetails {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  const start = visit.starts_at ?? 0;
  return {
    visitId: visit.id,
    when: `${dateTimeLabel(start, zone)} ${zoneName(start, zone)}`,
    provider: visit.provider_name ?? 'a clinic provider',
  };
}

/** The calendar file's words in the patient's language (the emails' file is in English). */
export interface CalendarWords {
  /** BCP 47 tag, e.g. `es`. */
  language: string;
  summary: string;
  /** The description, given the provider's name (or undefined) and the appointment's page. */
  description(provider: string | null, url: string): string;
}

/**
 * The appointment's calendar file. The UID joins the row id, its creation time and the portal's
 * host, so it is unique across portals and a database rebuilt from scratch; the URL is the portal's
 * page (the patient opens the visit from there, which mints a fresh token on click).
 */
export function appointmentCalendar(
  visit: Visit,
  publicUrl: string,
  alarmMinutes?: number,
  words?: CalendarWords,
): string {
  const start = visit.starts_at ?? 0;
  const created = visit.created_at.replace(/[^0-9]/g, '').slice(0, 14);
  const url = `${publicUrl}/appointments/${visit.id}`;
  return calendarFile({
    uid: `appointment-${visit.id}-${created}@${new URL(publicUrl).host}`,
    start,
    end: visit.ends_at ?? start + DEFAULT_LENGTH_SECONDS,
    summary: words?.summary ?? 'Video appointment with the clinic',
    description:
      words?.description(visit.provider_name, url) ??
      `With ${visit.provider_name ?? 'a clinic provider'}. Open it from the patient portal: ${url}`,
    language: words?.language,
    url,
    alarmMinutes,
    cancelled: (CLOSED_STATUSES as readonly string[]).includes(visit.status) && visit.status !== 'completed',
  });
}

/** Appointment emails around a booking: remembers the patient's zone and queues the confirmation. */
export class AppointmentMail {
  constructor(
    private readonly db: Db,
    private readonly mailer: Mailer,
  ) {}

  /** The calendar file of the patient's appointment `visitId` (undefined if it is not theirs). */
  async calendarFor(accountId: number, visitId: number, words?: CalendarWords): Promise<string | undefined> {
    const visit = await this.findVisit(accountId, visitId);
    return visit && appointmentCalendar(visit, this.mailer.sender.publicUrl, this.alarmMinutes(), words);
  }

  /** Called by the booking handler once the appointment exists; never throws. */
  async booked(accountId: number, visitId: number, timeZone: string | undefined): Promise<void> {
    const account = await this.db
      .selectFrom('accounts')
      .select(['email', 'first_name', 'time_zone'])
      .where('id', '=', accountId)
      .executeTakeFirst()
      .catch(() => undefined);
    const visit = await this.findVisit(accountId, visitId).catch(() => undefined);
    if (!account || !visit || visit.starts_at === null) return;
    const zone = isTimeZone(timeZone) ? timeZone : account.time_zone;
    if (zone && zone !== account.time_zone) {
      await this.db
        .updateTable('accounts')
        .set({ time_zone: zone })
        .where('id', '=', accountId)
        .execute()
        .catch(() => undefined);
    }
    const message = appointmentConfirmationEmail(
      this.mailer.sender,
      account.email,
      account.first_name,
      appointmentDetails(visit, zone),
      appointmentCalendar(visit, this.mailer.sender.publicUrl, this.alarmMinutes()),
    );
    await this.mailer.queue(message, 'appointment_confirmation');
  }

  /** The calendar's own alarm: the smallest reminder offset, else 15 minutes. */
  private alarmMinutes(): number {
    return this.mailer.reminderOffsetsMinutes.at(-1) ?? 15;
  }

  private findVisit(accountId: number, visitId: number) {
    return this.db
      .selectFrom('visits')
      .selectAll()
      .where('id', '=', visitId)
      .where('account_id', '=', accountId)
      .where('kind', '=', 'appointment')
      .executeTakeFirst();
  }
}
