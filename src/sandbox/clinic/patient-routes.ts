import express, { type Router } from 'express';
import type { SandboxContext } from '../context';
import { appointmentBody, dashboardBody, joinBody, visitRoomBody } from '../pages/patient-pages';
import { isOpen } from '../visit-lifecycle';
import { sendPage, sendRefusal } from './render';
import { safeNext } from './safe-next';
import { currentSession, startSession } from './session';
import { fullName, visitView } from './view-models';

/** The Start button opens this long before an appointment (docs/vsee-contract.md §9, VSee's help centre). */
const START_WINDOW_SECONDS = 15 * 60;

/** The patient-facing pages of docs/vsee-contract.md §9, mounted under the clinic prefix. */
export function patientRoutes(ctx: SandboxContext): Router {
  const { state } = ctx;
  const router = express.Router();

  router.get('/auth', (req, res) => {
    const token = typeof req.query.sso_token === 'string' ? req.query.sso_token : '';
    const found = token === '' ? undefined : state.lookupToken(token);
    if (!found || found.kind !== 'patient') {
      return sendRefusal(ctx, req, res, 401, 'Sign-in failed', 'This sign-in link is not valid.');
    }
    if (found.expired)
      return sendRefusal(ctx, req, res, 401, 'Sign-in failed', 'This sign-in link has expired.');
    // The browser login is single-use (docs/security.md L4); API calls may keep the token until it expires.
    if (found.record.usedForLoginAt !== null) {
      return sendRefusal(ctx, req, res, 401, 'Sign-in failed', 'This sign-in link was already used.');
    }
    const next = req.query.next === undefined ? '/u/clinic' : safeNext(req.query.next);
    if (next === undefined)
      return sendRefusal(ctx, req, res, 400, 'Sign-in failed', 'The next address is not allowed.');
    found.record.usedForLoginAt = state.nowMs();
    const hideNav = req.query.disable_navigation === '1' || req.query.disable_navigation === 'true';
    startSession(res, state, found.user.id, hideNav, ctx.clinicPrefix);
    res.set('Cache-Control', 'no-store').redirect(302, ctx.clinicPrefix + next.slice(1));
  });

  router.get('/u/clinic', (req, res) => {
    const current = currentSession(req, state);
    if (!current) return sendRefusal(ctx, req, res, 401, 'My visits', 'You are not logged in to the clinic.');
    const visits = state
      .visitsOf(current.user.id)
      .sort((a, b) => Number(b.id) - Number(a.id))
      .map((v) => visitView(v, state));
    sendPage(ctx, req, res, { title: 'My visits', body: dashboardBody(visits, ctx.clinicPrefix) });
  });

  router.get('/visits/start/:id', (req, res) => {
    const visit = state.visits.get(req.params.id);
    if (!visit) return sendRefusal(ctx, req, res, 404, 'Visit room', 'There is no such visit.');
    const current = currentSession(req, state);
    const byLink =
      visit.appointmentToken !== null && req.query.token === visit.appointmentToken && isOpen(visit);
    if (current?.user.id !== visit.memberId && !byLink) {
      if (!current)
        return sendRefusal(ctx, req, res, 401, 'Visit room', 'You are not logged in to the clinic.');
      return sendRefusal(ctx, req, res, 403, 'Visit room', 'This visit belongs to another patient.');
    }
    const who = current?.user.id === visit.memberId ? undefined : `Guest with the appointment link`;
    const view = visitView(visit, state);
    sendPage(ctx, req, res, {
      title: `Visit room ${visit.id}`,
      body: visitRoomBody(view),
      who,
      refreshSeconds: 5,
    });
  });

  router.get('/members/appointment/:id', (req, res) => {
    const visit = state.visits.get(req.params.id);
    if (!visit || visit.kind !== 'appointment') {
      return sendRefusal(ctx, req, res, 404, 'Appointment', 'There is no such appointment.');
    }
    if (typeof req.query.token !== 'string' || req.query.token !== visit.appointmentToken) {
      return sendRefusal(ctx, req, res, 403, 'Appointment', 'This appointment link is not valid.');
    }
    // "The link expires when the visit is completed" (docs/vsee-contract.md §9); a cancelled one is closed too.
    if (!isOpen(visit))
      return sendRefusal(ctx, req, res, 410, 'Appointment', 'This appointment link has expired.');
    const current = currentSession(req, state);
    const isPatient = current?.user.id === visit.memberId;
    const opens = state.nowSeconds() >= visit.start - START_WINDOW_SECONDS;
    const startHref = opens
      ? `${ctx.clinicPrefix}visits/start/${visit.id}` +
        (isPatient ? '' : `?token=${encodeURIComponent(req.query.token)}`)
      : null;
    const who = isPatient ? fullName(current?.user) : 'Guest with the appointment link';
    sendPage(ctx, req, res, {
      title: `Appointment ${visit.id}`,
      body: appointmentBody(visitView(visit, state), startHref),
      who,
    });
  });

  router.get('/visits/join/:code', (req, res) => {
    const visit = state.visitByCode(req.params.code);
    if (!visit)
      return sendRefusal(ctx, req, res, 404, 'Join a visit', 'There is no visit with this join code.');
    if (!isOpen(visit)) return sendRefusal(ctx, req, res, 410, 'Join a visit', 'This visit has ended.');
    const current = currentSession(req, state);
    const who = current ? undefined : 'Guest (invited)';
    sendPage(ctx, req, res, {
      title: `Join visit ${visit.id}`,
      body: joinBody(visitView(visit, state)),
      who,
    });
  });

  return router;
}
