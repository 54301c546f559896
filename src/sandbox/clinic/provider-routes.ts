import express, { type RequestHandler, type Router } from 'express';
import type { SandboxContext } from '../context';
import { providerConsoleBody, type ConsoleRow } from '../pages/provider-console';
import { TransitionError } from '../state';
import { refusal, VISIT_ACTIONS, type VisitAction } from '../visit-lifecycle';
import { sendPage, sendRefusal } from './render';
import { fullName, visitView } from './view-models';

const ACTION_LABELS: Record<VisitAction, string> = {
  accept: 'Accept eConsult',
  start: 'Start',
  complete: 'Complete',
  cancel: 'Cancel',
};

/** The console has no login (it is a local test tool), so at least refuse forms posted from other sites. */
const sameOriginOnly: RequestHandler = (req, res, next) => {
  const origin = req.get('Origin');
  if (origin !== undefined && origin !== `${req.protocol}://${req.get('host')}`) {
    res.status(403).type('text').send('Cross-site form refused.');
    return;
  }
  next();
};

/** `providers/dashboard` and its actions, mounted under the clinic prefix. */
export function providerRoutes(ctx: SandboxContext): Router {
  const { state } = ctx;
  const router = express.Router();

  router.get('/providers/dashboard', (req, res) => {
    const rows: ConsoleRow[] = [...state.visits.values()]
      .sort((a, b) => Number(b.id) - Number(a.id))
      .map((visit) => ({
        visit: visitView(visit, state),
        // "accept" is offered whenever only a provider is missing; the form supplies one.
        actions: VISIT_ACTIONS.filter((a) => !refusal(visit, a, a === 'accept' ? 'any' : null)).map((a) => ({
          name: a,
          label: ACTION_LABELS[a],
        })),
      }));
    const providers = [...state.providers.values()].map((p) => ({
      id: p.id,
      name: `${p.title} ${fullName(p)}`.trim(),
    }));
    const notice = typeof req.query.notice === 'string' ? req.query.notice : null;
    sendPage(ctx, req, res, {
      title: 'Provider console',
      body: providerConsoleBody(rows, providers, ctx.clinicPrefix, notice),
      who: 'Provider console (no login in the sandbox)',
    });
  });

  router.post(
    '/providers/visits/:id/:action',
    sameOriginOnly,
    express.urlencoded({ extended: false, limit: '10kb' }),
    (req, res) => {
      const id = String(req.params.id);
      const action = String(req.params.action) as VisitAction;
      if (!VISIT_ACTIONS.includes(action))
        return sendRefusal(ctx, req, res, 404, 'Provider console', 'Unknown action.');
      if (!state.visits.has(id)) return sendRefusal(ctx, req, res, 404, 'Provider console', 'No such visit.');
      const body = (req.body ?? {}) as Record<string, unknown>;
      const providerId =
        typeof body.provider_id === 'string' && body.provider_id !== '' ? body.provider_id : null;
      try {
        const visit = state.transition(id, action, providerId);
        const notice = `Visit ${visit.id}: ${ACTION_LABELS[action]} done.`;
        res.redirect(303, `${ctx.clinicPrefix}providers/dashboard?notice=${encodeURIComponent(notice)}`);
      } catch (err) {
        if (!(err instanceof TransitionError)) throw err;
        sendRefusal(ctx, req, res, 400, 'Provider console', err.message);
      }
    },
  );

  return router;
}
