import { Router } from 'express';
import { requireLogin } from '../portal/require-login';
import type { ClinicDeps } from './flows/context';
import { requireConsent } from './consent';
import { type ClinicPortal, clinicHandlers } from './handlers';
import { limitLaunches } from './launch-limits';
import type { RateLimits } from '../web/rate-limits';

/** The clinic buttons and the pages around them. Every launch is a POST (CSRF-checked by the app). */
export function clinicRoutes(deps: ClinicDeps, rateLimits: RateLimits, portal: ClinicPortal): Router {
  const h = clinicHandlers(deps, rateLimits, portal);
  const router = Router();
  const launch = limitLaunches(rateLimits);
  // Every launch that creates a VSee visit asks for the clinic's consent first (CONSENT_FILE).
  const consent = requireConsent(deps.db, portal.settings.consent);
  router.get('/', requireLogin, h.dashboard);
  router.get('/device-check', h.deviceCheck);
  router.post('/clinic/go', requireLogin, launch, h.goToClinic);
  router.post('/visits/walkin', requireLogin, launch, consent, h.seeDoctorNow);
  router.get('/visits', requireLogin, h.myVisits);
  router.get('/visits/:id', requireLogin, h.showVisit);
  router.post('/visits/:id/rejoin', requireLogin, launch, h.rejoin);
  router.get('/visits/:id/invite', requireLogin, h.invite);

  router.get('/appointments/new', requireLogin, h.newAppointment);
  router.post('/appointments', requireLogin, launch, consent, h.bookAppointment);
  router.get('/appointments/:id', requireLogin, h.showAppointment);
  router.get('/appointments/:id/calendar.ics', requireLogin, h.appointmentCalendar);
  router.post('/appointments/:id/open', requireLogin, launch, h.openAppointment);

  router.get('/econsult/new', requireLogin, h.newEconsult);
  router.post('/econsult', requireLogin, launch, consent, h.askDoctor);
  router.get('/econsult/:id', requireLogin, h.showEconsult);
  return router;
}
