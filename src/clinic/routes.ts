import { type RequestHandler, Router } from 'express';
import { requireLogin } from '../portal/require-login';
import type { RateLimits } from '../web/rate-limits';
import type { ClinicDeps } from './flows/context';
import { requireConsent } from './consent';
import { settleForPage } from './flows/refresh-statuses';
import { type ClinicPortal, clinicHandlers } from './handlers';
import { limitLaunches } from './launch-limits';
import { countLaunch, type LaunchFlow } from './launch-metrics';
import type { Metrics } from '../ops/metrics';

type HandlerName = keyof ReturnType<typeof clinicHandlers>;

/** One clinic route. Every route needs a logged-in patient; POSTs are CSRF-checked by the app. */
export interface ClinicRoute {
  method: 'get' | 'post';
  path: string;
  handler: HandlerName;
  /**
   * Mints an SSO token (and may create a visit): counted against the per-patient launch limit. The
   * protection tests are generated from this table, so a new launch route is tested the day it is added.
   */
  launches: boolean;
  /** For launches: the flow as counted in portal_launches_total. */
  flow?: LaunchFlow;
  /** Creates a VSee visit: asks for the clinic's telehealth consent first (CONSENT_FILE). */
  consent?: boolean;
  /** The device check needs no account: it only tests the browser's camera and microphone. */
  public?: boolean;
}

/** The clinic buttons and the pages around them: the URL map. */
export const CLINIC_ROUTES: readonly ClinicRoute[] = [
  { method: 'get', path: '/', handler: 'dashboard', launches: false },
  { method: 'get', path: '/device-check', handler: 'deviceCheck', launches: false, public: true },
  { method: 'post', path: '/clinic/go', handler: 'goToClinic', launches: true, flow: 'clinic' },
  {
    method: 'post',
    path: '/visits/walkin',
    handler: 'seeDoctorNow',
    launches: true,
    flow: 'walkin',
    consent: true,
  },
  { method: 'get', path: '/visits', handler: 'myVisits', launches: false },
  { method: 'get', path: '/visits/checking', handler: 'checking', launches: false },
  { method: 'get', path: '/visits/:id', handler: 'showVisit', launches: false },
  { method: 'post', path: '/visits/:id/rejoin', handler: 'rejoin', launches: true, flow: 'rejoin' },
  { method: 'get', path: '/visits/:id/invite', handler: 'invite', launches: false },
  // The slot page mints an SSO token and asks VSee: counted like a launch (its list is reused briefly).
  { method: 'get', path: '/appointments/new', handler: 'newAppointment', launches: true },
  {
    method: 'post',
    path: '/appointments',
    handler: 'bookAppointment',
    launches: true,
    flow: 'appointment',
    consent: true,
  },
  { method: 'get', path: '/appointments/:id', handler: 'showAppointment', launches: false },
  { method: 'get', path: '/appointments/:id/calendar.ics', handler: 'appointmentCalendar', launches: false },
  {
    method: 'post',
    path: '/appointments/:id/open',
    handler: 'openAppointment',
    launches: true,
    flow: 'open_appointment',
  },
  { method: 'get', path: '/econsult/new', handler: 'newEconsult', launches: false },
  {
    method: 'post',
    path: '/econsult',
    handler: 'askDoctor',
    launches: true,
    flow: 'econsult',
    consent: true,
  },
  { method: 'get', path: '/econsult/:id', handler: 'showEconsult', launches: false },
];

export function clinicRoutes(
  deps: ClinicDeps,
  rateLimits: RateLimits,
  portal: ClinicPortal,
  metrics?: Metrics,
): Router {
  const handlers = clinicHandlers(deps, rateLimits, portal);
  const launch = limitLaunches(rateLimits);
  // Every launch that creates a VSee visit asks for the clinic's consent first (CONSENT_FILE).
  const consent = requireConsent(deps.db, portal.settings.consent);
  const router = Router();
  for (const route of CLINIC_ROUTES) {
    const steps: RequestHandler[] = route.public ? [] : [requireLogin];
    if (route.flow) steps.push(countLaunch(metrics, route.flow));
    if (route.launches) steps.push(launch);
    if (route.consent) steps.push(consent);
    router[route.method](route.path, ...steps, handlers[route.handler] as RequestHandler);
  }
  return router;
}

/**
 * For a logged-in patient's dashboard: finds out what VSee did with creates whose answer was lost,
 * so the dashboard can say when an earlier request is still being checked (`checkingEarlier`).
 */
export function settleBeforeDashboard(deps: ClinicDeps): RequestHandler {
  return async (req, res, next) => {
    if (!req.user) return next();
    const unknown = await settleForPage(deps, {
      patient: req.user,
      requestId: String(req.id),
      ip: req.ip ?? null,
    });
    res.locals.checkingEarlier = unknown.length > 0;
    next();
  };
}
