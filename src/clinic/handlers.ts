import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { parseForm } from '../web/forms';
import type { RateLimits } from '../web/rate-limits';
import { appointmentUrl } from '../vsee';
import { askDoctor, findEconsult } from './flows/econsult';
import {
  bookAppointment,
  findAppointment,
  listOpenSlots,
  openAppointment,
  SlotTakenError,
} from './flows/appointments';
import { type ClinicDeps, OutcomeUnknownError, type PatientContext } from './flows/context';
import { inviteSomeone } from './flows/invite';
import { goToClinic, rejoinVisit, seeDoctorNow } from './flows/launch';
import { findVisitFresh, listVisitsFresh, settleForPage } from './flows/refresh-statuses';
import { SlotCache } from './slot-cache';
import { appointmentSchema, econsultSchema, SLOT_VALUE, visitIdParam, walkinSchema } from './forms';
import type { AppointmentMail } from '../email/appointment-mail';
import { isTimeZone, pickTimeZone, dateTimeLabel, timeLabel, zoneName } from './time-zones';
import { slotDays, visitRow } from './view-models';

declare module 'express-session' {
  interface SessionData {
    /** The patient's IANA time zone, as their browser reported it. */
    timezone?: string;
  }
}

/** How often a visit's page reloads itself while the patient waits for a provider. */
const WAITING_REFRESH_SECONDS = 15;

/** How often the "we are checking on your earlier request" page checks again by itself. */
const CHECKING_REFRESH_SECONDS = 5;

/**
 * A launch whose earlier request is not settled yet: Post/Redirect/Get to the page that checks by
 * itself, so a reload never re-posts the form.
 */
async function unlessUnsettled(res: Response, launch: () => Promise<void>): Promise<void> {
  try {
    await launch();
  } catch (error) {
    if (!(error instanceof OutcomeUnknownError)) throw error;
    res.redirect(303, '/visits/checking');
  }
}

function contextOf(req: Request): PatientContext {
  return { patient: req.user!, requestId: String(req.id), ip: req.ip ?? null };
}

/**
 * The launch answer: a bare 302 to VSee. No body (Express would echo the URL, and the URL carries the
 * SSO token); `no-store` and `Referrer-Policy: no-referrer` are already set for every response.
 */
function redirectToVsee(res: Response, location: string): void {
  res.status(302).set('Location', location).end();
}

function visitId(req: Request): number {
  const parsed = visitIdParam.safeParse(req.params.id);
  return parsed.success ? parsed.data : 0;
}

/** The patient's zone: the one the browser just sent, the one remembered, else the clinic's. */
function patientZone(req: Request, clinicZone?: string): string {
  const sent = typeof req.query.tz === 'string' ? req.query.tz : undefined;
  if (isTimeZone(sent)) req.session.timezone = sent;
  return pickTimeZone(sent, req.session.timezone, clinicZone);
}

export function clinicHandlers(deps: ClinicDeps, rateLimits: RateLimits, mail: AppointmentMail) {
  /**
   * The context of a launch that may create a visit. At most a few new visits per patient per minute
   * (SECURITY A4): the flow counts one only when its form was valid (a patient correcting a typo has
   * not asked for a visit yet) and it owns a new launch key (a resubmission is the same visit), and
   * before VSee is called.
   */
  const creating = (req: Request): PatientContext => ({
    ...contextOf(req),
    allowNewVisit: () => rateLimits.countVisitCreation(req.user!.id),
  });

  const slotCache = new SlotCache();

  async function renderSlots(
    req: Request,
    res: Response,
    status: number,
    locals: Record<string, unknown> = {},
  ) {
    const { slots, clinicTimezone } = await slotCache.get(req.user!.id, () =>
      listOpenSlots(deps, contextOf(req)),
    );
    const timeZone = patientZone(req, clinicTimezone);
    const now = Math.floor(Date.now() / 1000);
    res.status(status).render('clinic/appointment-new', {
      title: 'Schedule an appointment',
      days: slotDays(slots, timeZone, (locals.values as { slot?: string } | undefined)?.slot),
      timeZone,
      zoneLabel: zoneName(now, timeZone),
      launchKey: randomUUID(),
      values: {},
      errors: {},
      ...locals,
    });
  }

  return {
    async goToClinic(req: Request, res: Response): Promise<void> {
      redirectToVsee(res, await goToClinic(deps, contextOf(req)));
    },

    async seeDoctorNow(req: Request, res: Response): Promise<void> {
      const form = parseForm(walkinSchema, req.body);
      if (!form.ok) {
        res.status(400).render('dashboard', {
          title: 'Your dashboard',
          walkinKey: randomUUID(),
          walkinErrors: form.errors,
          values: form.values,
        });
        return;
      }
      await unlessUnsettled(res, async () =>
        redirectToVsee(
          res,
          await seeDoctorNow(deps, creating(req), {
            launchKey: form.data.launch_key,
            reason: form.data.reason,
          }),
        ),
      );
    },

    /**
     * The page that checks on an earlier request whose answer was lost, by itself, for a bounded time;
     * once VSee has said, My visits shows the visit (or nothing, and the patient may press again).
     */
    async checking(req: Request, res: Response): Promise<void> {
      const unknown = await settleForPage(deps, contextOf(req), 5_000);
      if (unknown.length === 0) {
        res.redirect(303, '/visits');
        return;
      }
      const oldest = Math.min(...unknown.map((r) => Date.parse(r.status_updated_at)));
      const gaveUp = Date.now() - oldest > (deps.checkingForMs ?? 120_000);
      if (!gaveUp) res.set('Refresh', String(CHECKING_REFRESH_SECONDS));
      res.status(202).render('clinic/checking', {
        title: 'We are checking on your earlier request',
        gaveUp,
        refreshSeconds: CHECKING_REFRESH_SECONDS,
      });
    },

    async myVisits(req: Request, res: Response): Promise<void> {
      const timeZone = patientZone(req);
      const { records, unchecked } = await listVisitsFresh(deps, contextOf(req));
      const visits = records.map((v) => visitRow(v, timeZone, Date.now(), unchecked.has(v.id)));
      res.render('clinic/visits', { title: 'My visits', visits, timeZone });
    },

    async showVisit(req: Request, res: Response, next: NextFunction): Promise<void> {
      // Only digits: `/visits/walkin` and other words are not visit ids (Express 5 paths take no regex).
      if (!/^\d{1,15}$/.test(String(req.params.id))) return next();
      const { record, unchecked } = await findVisitFresh(deps, contextOf(req), visitId(req));
      const row = visitRow(record, patientZone(req), Date.now(), unchecked);
      // The HTTP twin of <meta http-equiv="refresh">: reloads while waiting, without any script.
      if (row.waiting) res.set('Refresh', String(WAITING_REFRESH_SECONDS));
      res.render('clinic/visit', {
        title: row.kindLabel,
        row,
        refreshSeconds: row.waiting ? WAITING_REFRESH_SECONDS : 0,
      });
    },

    async rejoin(req: Request, res: Response): Promise<void> {
      redirectToVsee(res, await rejoinVisit(deps, contextOf(req), visitId(req)));
    },

    async invite(req: Request, res: Response): Promise<void> {
      const { record, joinUrl } = await inviteSomeone(deps, contextOf(req), visitId(req));
      res.render('clinic/invite', {
        title: 'Invite someone',
        joinUrl,
        row: visitRow(record, patientZone(req)),
      });
    },

    async newAppointment(req: Request, res: Response): Promise<void> {
      await renderSlots(req, res, 200);
    },

    async bookAppointment(req: Request, res: Response): Promise<void> {
      const form = parseForm(appointmentSchema, req.body);
      if (!form.ok) return renderSlots(req, res, 400, { errors: form.errors, values: form.values });
      const [, start, end, providerId] = SLOT_VALUE.exec(form.data.slot)!;
      const timezone = isTimeZone(form.data.tz) ? form.data.tz : req.session.timezone;
      if (timezone) req.session.timezone = timezone;
      try {
        await unlessUnsettled(res, async () => {
          const record = await bookAppointment(deps, creating(req), {
            launchKey: form.data.launch_key,
            slot: { start: Number(start), end: Number(end), providerId: providerId! },
            reason: form.data.reason,
            timezone,
          });
          slotCache.forget(req.user!.id);
          await mail.booked(req.user!.id, record.id, timezone);
          res.redirect(303, `/appointments/${record.id}`);
        });
      } catch (error) {
        if (!(error instanceof SlotTakenError)) throw error;
        slotCache.forget(req.user!.id);
        await renderSlots(req, res, 409, {
          slotTaken: true,
          errors: { slot: 'Sorry, that time was just taken. Please choose another.' },
          values: { reason: form.data.reason ?? '' },
        });
      }
    },

    async showAppointment(req: Request, res: Response): Promise<void> {
      const record = await findAppointment(deps, contextOf(req), visitId(req));
      const timeZone = patientZone(req);
      const start = record.starts_at ?? 0;
      res.render('clinic/appointment', {
        title: 'Your appointment is booked',
        row: visitRow(record, timeZone),
        date: dateTimeLabel(start, timeZone),
        until: record.ends_at ? timeLabel(record.ends_at, timeZone) : undefined,
        zone: zoneName(start, timeZone),
        provider: record.provider_name ?? 'A clinic provider',
        link: record.appointment_token
          ? appointmentUrl(deps.settings, record.vsee_visit_id!, record.appointment_token)
          : undefined,
      });
    },

    async appointmentCalendar(req: Request, res: Response): Promise<void> {
      const record = await findAppointment(deps, contextOf(req), visitId(req));
      const body = await mail.calendarFor(req.user!.id, record.id);
      res.type('text/calendar').attachment('appointment.ics').send(body);
    },

    async openAppointment(req: Request, res: Response): Promise<void> {
      redirectToVsee(res, await openAppointment(deps, contextOf(req), visitId(req)));
    },

    newEconsult(_req: Request, res: Response): void {
      res.render('clinic/econsult-new', {
        title: 'Ask a doctor',
        launchKey: randomUUID(),
        values: {},
        errors: {},
      });
    },

    async askDoctor(req: Request, res: Response): Promise<void> {
      const form = parseForm(econsultSchema, req.body);
      if (!form.ok) {
        res.status(400).render('clinic/econsult-new', {
          title: 'Ask a doctor',
          launchKey: randomUUID(),
          values: form.values,
          errors: form.errors,
        });
        return;
      }
      await unlessUnsettled(res, async () => {
        const record = await askDoctor(deps, creating(req), {
          launchKey: form.data.launch_key,
          reason: form.data.reason,
          details: form.data.details,
        });
        res.redirect(303, `/econsult/${record.id}`);
      });
    },

    async showEconsult(req: Request, res: Response): Promise<void> {
      const record = await findEconsult(deps, contextOf(req), visitId(req));
      res.render('clinic/econsult', {
        title: 'Your question was sent',
        row: visitRow(record, patientZone(req)),
      });
    },
  };
}
