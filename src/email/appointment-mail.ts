import type { Db } from '../db/connection';
import type { Visit } from '../db/schema';
import { calendarFile } from '../clinic/ics';
import { isTimeZone, momentLabel } from '../clinic/time-zones';
import type { EmailWords } from './email-language';
import type { Mailer } from './mailer';
import { type AppointmentDetails, appointmentConfirmationEmail } from './messages';

/** Statuses after which an appointment is over: no reminder, and its calendar file cancels it. */
export const CLOSED_STATUSES = ['cancelled', 'completed', 'failed'] as const;

const DEFAULT_LENGTH_SECONDS = 15 * 60;

/**
 * "Tuesday, December 1, 2026, 9:30 AM EST" (or "martes, 1 de diciembre de 2026, 9:30 a.m. EST") in
 * the patient's zone (UTC when none is known) and the email's language, as the pages show it.
 */
export function appointmentDetails(visit: Visit, timeZone: string | null, w: EmailWords): AppointmentDetails {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  return {
    visitId: visit.id,
    when: momentLabel(visit.starts_at ?? 0, zone, w.locale),
    provider: visit.provider_name ?? w.t('appointment.anyProvider'),
    visitType: visit.visit_type ?? undefined,
  };
}

/**
 * The appointment's calendar file, its summary and description in the email's (or page's)
 * language. The UID joins the row id, its creation time and the portal's host, so it is unique
 * across portals and a database rebuilt from scratch; the URL is the portal's page (the patient
 * opens the visit from there, which mints a fresh token on click).
 */
export function appointmentCalendar(
  visit: Visit,
  publicUrl: string,
  w: EmailWords,
  alarmMinutes?: number,
): string {
  const start = visit.starts_at ?? 0;
  const created = visit.created_at.replace(/[^0-9]/g, '').slice(0, 14);
  const url = `${publicUrl}/appointments/${visit.id}`;
  return calendarFile({
    uid: `appointment-${visit.id}-${created}@${new URL(publicUrl).host}`,
    start,
    end: visit.ends_at ?? start + DEFAULT_LENGTH_SECONDS,
    summary: w.t('appointment.calendarSummary', { clinic: w.clinicName }),
    description: w.t('appointment.calendarDescription', {
      provider: visit.provider_name ?? w.t('appointment.anyProvider'),
      url,
    }),
    language: w.language,
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

  /**
   * The calendar file of the patient's appointment `visitId` (undefined if it is not theirs), in
   * `language` (the page's) when the portal offers it.
   */
  async calendarFor(
    accountId: number,
    visitId: number,
    language: string | undefined,
  ): Promise<string | undefined> {
    const visit = await this.findVisit(accountId, visitId);
    const words = this.mailer.languages.pick(language);
    return visit && appointmentCalendar(visit, this.mailer.sender.publicUrl, words, this.alarmMinutes());
  }

  /**
   * Called by the booking handler once the appointment exists; never throws. The email speaks the
   * account's language when the patient chose one, else `requestLanguage` (the booking page's), and
   * names the visit type the patient chose, if the clinic offers several.
   */
  async booked(
    accountId: number,
    visitId: number,
    timeZone: string | undefined,
    about: { requestLanguage?: string } = {},
  ): Promise<void> {
    const account = await this.db
      .selectFrom('accounts')
      .select(['email', 'first_name', 'time_zone', 'language'])
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
    const words = this.mailer.languages.pick(account.language, about.requestLanguage);
    const message = appointmentConfirmationEmail(
      this.mailer.sender,
      words,
      account.email,
      account.first_name,
      appointmentDetails(visit, zone, words),
      appointmentCalendar(visit, this.mailer.sender.publicUrl, words, this.alarmMinutes()),
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
