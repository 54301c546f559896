import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { PortalSettings } from '../portal-settings';
import { parseForm } from '../web/forms';
import type { RateLimits } from '../web/rate-limits';
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
import { chooseType, type VisitTypes } from './visit-types';
import { appointmentSchema, econsultSchema, SLOT_VALUE, visitIdParam, walkinSchema } from './forms';
import type { AppointmentMail } from '../email/appointment-mail';
import type { ClinicZone } from './clinic-zone';
import { dashboardSummary } from './dashboard-summary';
import { type Clock, clockFor, isTimeZone, pickTimeZone, zoneName } from './time-zones';
import { APPOINTMENT_OPENS_BEFORE_SECONDS, bookingPage, visitRow } from './view-models';

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

/** What the clinic pages need beyond the flows: the portal's settings, the clinic's zone and visit types. */
export interface ClinicPortal {
  settings: PortalSettings;
  clinicZone: ClinicZone;
  /** The room's visit types; it reads the room that clinicZone reads (one ClinicRoom). */
  visitTypes: VisitTypes;
  /** Booking emails and the .ics file (src/email/appointment-mail.ts). */
  mail: AppointmentMail;
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

function query(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' ? value : undefined;
}

export function clinicHandlers(deps: ClinicDeps, rateLimits: RateLimits, portal: ClinicPortal) {
  /**
   * The patient's clock: their language's locale, in the zone their browser just sent, else the one
   * remembered, else the clinic's (which is named on the page, so a time is never silently UTC).
   */
  async function clockOf(
    req: Request,
    res: Response,
    sent = query(req, 'tz'),
    askVsee = true,
  ): Promise<Clock> {
    if (isTimeZone(sent)) req.session.timezone = sent;
    const clinicZone = askVsee ? () => portal.clinicZone.get() : async () => portal.clinicZone.peek();
    const zone = isTimeZone(sent) ? sent : (req.session.timezone ?? (await clinicZone()));
    return clockFor(String(res.locals.intlLocale ?? 'en-US'), pickTimeZone(zone));
  }

  /**
   * The context of a launch that may create a visit. At most a few new visits per patient per minute
   * (docs/security.md A4): the flow counts one only when its form was valid (a patient correcting a typo has
   * not asked for a visit yet) and it owns a new launch key (a resubmission is the same visit), and
   * before VSee is called.
   */
  const creating = (req: Request): PatientContext => ({
    ...contextOf(req),
    allowNewVisit: () => rateLimits.countVisitCreation(req.user!.id),
  });

  const slotCache = new SlotCache();
  const { visitTypes } = portal;
  const mail = portal.mail;

  async function renderDashboard(req: Request, res: Response, status: number, locals: object = {}) {
    // The dashboard never calls VSee: it must open fast, and before consent nothing may reach VSee.
    const clock = await clockOf(req, res, query(req, 'tz'), false);
    res.status(status).render('dashboard', {
      title: 'dashboard.title',
      walkinKey: randomUUID(),
      summary: await dashboardSummary(deps.db, req.user!.id, clock),
      ...locals,
    });
  }

  /**
   * The booking page. When the room offers several visit types, the patient chooses one first (no
   * SSO and no availability call until then); an empty or unknown type asks again, with 400.
   */
  async function renderSlots(
    req: Request,
    res: Response,
    status: number,
    locals: Record<string, unknown> = {},
  ) {
    const values = (locals.values ?? {}) as { slot?: string; tz?: string; type?: string };
    // The type form says it was sent (`step=type`), so sending it with no type chosen is an error.
    const sentEmpty = query(req, 'step') === 'type' ? '' : undefined;
    const choice = chooseType(await visitTypes.list(), query(req, 'type') ?? values.type ?? sentEmpty);
    if (choice.step === 'ask') {
      const clock = await clockOf(req, res, query(req, 'tz') ?? values.tz, false);
      res.status(choice.problem ? 400 : status).render('clinic/appointment-new', {
        title: 'schedule.title',
        typeChoice: { types: choice.types },
        timeZone: clock.timeZone,
        zoneLabel: zoneName(Math.floor(Date.now() / 1000), clock.timeZone, clock.locale),
        values: {},
        errors: choice.problem ? { type: choice.problem } : {},
      });
      return;
    }
    const type = choice.step === 'chosen' ? choice.type : undefined;
    const { slots } = await slotCache.get(req.user!.id, type?.id ?? '', () =>
      listOpenSlots(deps, contextOf(req), type?.id),
    );
    const clock = await clockOf(req, res, query(req, 'tz') ?? values.tz);
    // No slot that starts sooner than the lead time: the clinic needs time to prepare.
    const earliest = Math.floor(Date.now() / 1000) + portal.settings.bookingLeadMinutes * 60;
    const booking = bookingPage(
      slots.filter((s) => s.start >= earliest),
      clock,
      {
        provider: query(req, 'provider'),
        day: query(req, 'day'),
        selected: values.slot,
        tz: clock.timeZone,
        type: type?.id,
      },
    );
    res.status(status).render('clinic/appointment-new', {
      title: 'schedule.title',
      booking,
      visitType: type,
      timeZone: clock.timeZone,
      zoneLabel: zoneName(Math.floor(Date.now() / 1000), clock.timeZone, clock.locale),
      launchKey: randomUUID(),
      values: {},
      errors: {},
      ...locals,
    });
  }

  return {
    async dashboard(req: Request, res: Response): Promise<void> {
      await renderDashboard(req, res, 200);
    },

    async goToClinic(req: Request, res: Response): Promise<void> {
      redirectToVsee(res, await goToClinic(deps, contextOf(req)));
    },

    async seeDoctorNow(req: Request, res: Response): Promise<void> {
      const form = parseForm(walkinSchema, req.body);
      if (!form.ok) {
        return renderDashboard(req, res, 400, { walkinErrors: form.errors, values: form.values });
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
        title: 'checking.title',
        gaveUp,
        refreshSeconds: CHECKING_REFRESH_SECONDS,
      });
    },

    async myVisits(req: Request, res: Response): Promise<void> {
      const clock = await clockOf(req, res);
      const { records, unchecked } = await listVisitsFresh(deps, contextOf(req));
      const visits = records.map((v) => visitRow(v, clock, Date.now(), unchecked.has(v.id)));
      res.render('clinic/visits', { title: 'visits.title', visits, timeZone: clock.timeZone });
    },

    async showVisit(req: Request, res: Response, next: NextFunction): Promise<void> {
      // Only digits: `/visits/walkin` and other words are not visit ids (Express 5 paths take no regex).
      if (!/^\d{1,15}$/.test(String(req.params.id))) return next();
      const { record, unchecked } = await findVisitFresh(deps, contextOf(req), visitId(req));
      const row = visitRow(record, await clockOf(req, res), Date.now(), unchecked);
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
        title: 'invite.title',
        joinUrl,
        row: visitRow(record, await clockOf(req, res)),
      });
    },

    async newAppointment(req: Request, res: Response): Promise<void> {
      await renderSlots(req, res, 200);
    },

    async bookAppointment(req: Request, res: Response): Promise<void> {
      const form = parseForm(appointmentSchema, req.body);
      if (!form.ok) return renderSlots(req, res, 400, { errors: form.errors, values: form.values });
      // A type the room does not offer (edited since, or made up) books nothing: the page asks
      // again for the type, with 400, before any VSee call.
      const typeChoice = chooseType(await visitTypes.list(), form.data.type ?? '');
      if (typeChoice.step === 'ask') {
        return renderSlots(req, res, 400, { values: { ...form.data, type: form.data.type ?? '' } });
      }
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
            visitType: typeChoice.step === 'chosen' ? typeChoice.type.description : undefined,
          });
          slotCache.forget(req.user!.id);
          await mail.booked(req.user!.id, record.id, timezone, {
            requestLanguage: res.locals.language as string | undefined,
          });
          res.redirect(303, `/appointments/${record.id}`);
        });
      } catch (error) {
        if (!(error instanceof SlotTakenError)) throw error;
        slotCache.forget(req.user!.id);
        await renderSlots(req, res, 409, {
          slotTaken: true,
          errors: { slot: 'form.slotTaken' },
          values: { reason: form.data.reason ?? '', type: form.data.type },
        });
      }
    },

    async showAppointment(req: Request, res: Response): Promise<void> {
      const record = await findAppointment(deps, contextOf(req), visitId(req));
      const clock = await clockOf(req, res);
      const row = visitRow(record, clock);
      const start = record.starts_at ?? 0;
      const opensAt = start - APPOINTMENT_OPENS_BEFORE_SECONDS;
      const title =
        record.status === 'cancelled'
          ? 'appointment.titleCancelled'
          : row.open
            ? 'appointment.titleBooked'
            : row.statusLabel === 'status.completed' || (record.ends_at ?? 0) * 1000 < Date.now()
              ? 'appointment.titleOver'
              : 'appointment.titleOther';
      // The one-time appointment link is not shown: **Open appointment** mints a fresh way in.
      res.render('clinic/appointment', {
        title,
        row,
        date: clock.day(start) + ', ' + clock.time(start),
        until: record.ends_at ? clock.time(record.ends_at) : undefined,
        zone: zoneName(start, clock.timeZone, clock.locale),
        provider: record.provider_name,
        visitType: record.visit_type,
        opensNow: opensAt * 1000 <= Date.now(),
        opensAt: clock.moment(opensAt),
      });
    },

    async appointmentCalendar(req: Request, res: Response): Promise<void> {
      const record = await findAppointment(deps, contextOf(req), visitId(req));
      const body = await mail.calendarFor(req.user!.id, record.id, res.locals.language as string | undefined);
      res.type('text/calendar').attachment('appointment.ics').send(body);
    },

    async openAppointment(req: Request, res: Response): Promise<void> {
      redirectToVsee(res, await openAppointment(deps, contextOf(req), visitId(req)));
    },

    newEconsult(_req: Request, res: Response): void {
      res.render('clinic/econsult-new', {
        title: 'econsult.newTitle',
        launchKey: randomUUID(),
        values: {},
        errors: {},
      });
    },

    async askDoctor(req: Request, res: Response): Promise<void> {
      const form = parseForm(econsultSchema, req.body);
      if (!form.ok) {
        res.status(400).render('clinic/econsult-new', {
          title: 'econsult.newTitle',
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
        title: 'econsult.sentTitle',
        row: visitRow(record, await clockOf(req, res)),
      });
    },

    deviceCheck(_req: Request, res: Response): void {
      res.render('device-check', { title: 'device.title' });
    },
  };
}
