import { Router } from 'express';
import { requireLogin } from '../portal/require-login';
import type { ClinicDeps } from './flows/context';
import { clinicHandlers } from './handlers';
import { limitLaunches } from './launch-limits';
import { countLaunch, type LaunchFlow } from './launch-metrics';
import type { Metrics } from '../ops/metrics';
import type { RateLimits } from '../web/rate-limits';

/** The clinic buttons and the pages around them. Every launch is a POST (CSRF-checked by the app). */
export function clinicRoutes(deps: ClinicDeps, rateLimits: RateLimits, metrics?: Metrics): Router {
  const h = clinicHandlers(deps, rateLimits);
  const router = Router();
  const limit = limitLaunches(rateLimits);
  const launch = (flow: LaunchFlow) => [countLaunch(metrics, flow), limit];
  router.post('/clinic/go', requireLogin, ...launch('clinic'), h.goToClinic);
  router.post('/visits/walkin', requireLogin, ...launch('walkin'), h.seeDoctorNow);
  router.get('/visits', requireLogin, h.myVisits);
  router.get('/visits/:id', requireLogin, h.showVisit);
  router.post('/visits/:id/rejoin', requireLogin, ...launch('rejoin'), h.rejoin);
  router.get('/visits/:id/invite', requireLogin, h.invite);

  router.get('/appointments/new', requireLogin, h.newAppointment);
  router.post('/appointments', requireLogin, ...launch('appointment'), h.bookAppointment);
  router.get('/appointments/:id', requireLogin, h.showAppointment);
  router.get('/appointments/:id/calendar.ics', requireLogin, h.appointmentCalendar);
  router.post('/appointments/:id/open', requireLogin, ...launch('open_appointment'), h.openAppointment);

  router.get('/econsult/new', requireLogin, h.newEconsult);
  router.post('/econsult', requireLogin, ...launch('econsult'), h.askDoctor);
  router.get('/econsult/:id', requireLogin, h.showEconsult);
  return router;
}
