import express, { type ErrorRequestHandler, type Router } from 'express';
import { z } from 'zod';
import { visitJson } from '../api/serialize';
import type { SandboxContext } from '../context';
import { ENDPOINTS, KnobError } from '../knobs';
import { SANDBOX_CSS } from '../pages/layout';
import { TransitionError } from '../state';
import { VISIT_ACTIONS } from '../visit-lifecycle';

const target = z.enum(['*', ...ENDPOINTS]);

const latencyBody = z.object({ endpoint: target, ms: z.number().int().min(0).max(600_000) });

const failNextBody = z.object({
  endpoint: target,
  status: z.number().int().min(200).max(599).optional(),
  times: z.number().int().min(1).max(10_000).optional(),
  mode: z.enum(['status', 'hang', 'drop', 'malformed', 'missing_field']).optional(),
  field: z.string().min(1).optional(),
  when: z.enum(['before', 'after']).optional(),
});

const resetBody = z.object({ state: z.boolean().optional() });

const transitionBody = z.object({ provider_id: z.string().regex(/^\d+$/).optional() });

/** A 400 in the API's envelope for a knob call that does not parse. */
class ControlError extends Error {}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ControlError(`${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

const controlErrors: ErrorRequestHandler = (err: unknown, _req, res, next) => {
  const known = err instanceof ControlError || err instanceof KnobError || err instanceof TransitionError;
  if (!known && (err as { status?: unknown } | null)?.status !== 400) return next(err);
  res.status(400).json({ code: 400, message: err instanceof Error ? err.message : 'Bad request.' });
};

/** Test knobs over HTTP under `/_sandbox/`, JSON in and out, for tests that run the sandbox in another process. */
export function controlRoutes(ctx: SandboxContext): Router {
  const { state, knobs, requestLog } = ctx;
  const router = express.Router();
  router.use(express.json({ limit: '10kb' }));

  router.get('/sandbox.css', (_req, res) => {
    res.type('css').set('Cache-Control', 'max-age=3600').send(SANDBOX_CSS);
  });

  router.post('/latency', (req, res) => {
    const body = parse(latencyBody, req.body);
    knobs.setLatency(body.endpoint, body.ms);
    res.json({ data: knobs.snapshot() });
  });

  router.post('/fail-next', (req, res) => {
    const { endpoint, ...spec } = parse(failNextBody, req.body);
    knobs.failNext(endpoint, spec);
    res.json({ data: knobs.snapshot() });
  });

  router.get('/knobs', (_req, res) => {
    res.json({ data: knobs.snapshot() });
  });

  router.post('/reset', (req, res) => {
    const body = parse(resetBody, req.body);
    knobs.reset();
    requestLog.clear();
    if (body.state) state.reset();
    res.status(204).end();
  });

  router.get('/requests', (_req, res) => {
    res.json({ data: requestLog.entries() });
  });

  router.delete('/requests', (_req, res) => {
    requestLog.clear();
    res.status(204).end();
  });

  router.get('/visits', (_req, res) => {
    res.json({ data: [...state.visits.values()].map((v) => visitJson(v, state)) });
  });

  router.post('/visits/:id/:action', (req, res) => {
    const action = z.enum(VISIT_ACTIONS as [string, ...string[]]).safeParse(req.params.action);
    if (!action.success) throw new ControlError(`action: use one of ${VISIT_ACTIONS.join(', ')}`);
    if (!state.visits.has(req.params.id)) {
      res.status(404).json({ code: 404, message: 'Visit not found.' });
      return;
    }
    const body = parse(transitionBody, req.body);
    const visit = state.transition(
      req.params.id,
      action.data as (typeof VISIT_ACTIONS)[number],
      body.provider_id ?? null,
    );
    res.json({ data: visitJson(visit, state) });
  });

  router.use(controlErrors);
  return router;
}
