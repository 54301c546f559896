import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { SandboxState } from '../state';
import { ApiError } from './api-error';
import { callerOf } from './auth';
import { bodyOf, numericId, optional, parseFields, required } from './fields';
import { visitJson } from './serialize';
import { visitInputs } from './visit-inputs';

const WALKIN_MINUTES = 15;

const walkinFields = z.object({
  intake_id: required,
  room_code: required,
  provider_id: optional.pipe(numericId.nullable()),
});

/** `POST /visits/add_walkin`: an on-demand visit, pending in the waiting room (docs/vsee-contract.md §4). */
export function addWalkinHandler(state: SandboxState): RequestHandler {
  return (req, res) => {
    const f = parseFields(walkinFields, bodyOf(req.body));
    const { intake, provider } = visitInputs(state, callerOf(res), f);
    // The contract's walk-in always names a provider; without one the room's first provider takes it.
    const providerId = provider?.id ?? state.providersOf(f.room_code)[0]?.id ?? null;
    const start = state.nowSeconds();
    const visit = state.addVisit({
      kind: 'walkin',
      intake,
      providerId,
      start,
      end: start + WALKIN_MINUTES * 60,
    });
    res.json({ data: visitJson(visit, state) });
  };
}

/** `POST /visits/add_econsult` (and `/add_econsult`): unassigned until a provider accepts it (docs/vsee-contract.md §6). */
export function addEconsultHandler(state: SandboxState): RequestHandler {
  return (req, res) => {
    const f = parseFields(walkinFields, bodyOf(req.body));
    const { intake } = visitInputs(state, callerOf(res), f);
    const start = state.nowSeconds();
    const visit = state.addVisit({
      kind: 'econsult',
      intake,
      providerId: null,
      start,
      end: start + WALKIN_MINUTES * 60,
    });
    res.json({ data: visitJson(visit, state) });
  };
}

/** `GET /visits/:id`: for the visit's own patient or the admin token (docs/vsee-contract.md §8). */
export function getVisitHandler(state: SandboxState): RequestHandler {
  return (req, res) => {
    const caller = callerOf(res);
    const visit = state.visits.get(String(req.params.id));
    if (!visit) throw new ApiError(404, 'Visit not found.');
    if (caller.kind === 'patient' && visit.memberId !== caller.user.id) {
      throw new ApiError(403, 'This visit belongs to another patient.');
    }
    res.json({ data: visitJson(visit, state) });
  };
}

const listQuery = z.object({
  room_code: required,
  start_time: required.pipe(z.string().regex(/^\d+$/, 'must be Unix seconds')).transform(Number),
  end_time: required.pipe(z.string().regex(/^\d+$/, 'must be Unix seconds')).transform(Number),
});

/**
 * `GET /visits` (admin token): the room's visits whose start lies in [start_time, end_time]
 * (VSee's visit list, documented with `room_code`, `start_time`, `end_time`).
 */
export function listVisitsHandler(state: SandboxState): RequestHandler {
  return (req, res) => {
    if (callerOf(res).kind !== 'admin') throw new ApiError(403, 'The visit list needs the admin token.');
    const q = parseFields(listQuery, req.query as Record<string, unknown>);
    const visits = [...state.visits.values()].filter(
      (v) => v.roomCode === q.room_code && v.start >= q.start_time && v.start <= q.end_time,
    );
    res.json({ data: visits.map((v) => visitJson(v, state)) });
  };
}
