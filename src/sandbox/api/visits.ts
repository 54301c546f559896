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

/** `POST /visits/add_walkin`: an on-demand visit, pending in the waiting room (VSEE_API.md §4). */
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

/** `POST /visits/add_econsult` (and `/add_econsult`): unassigned until a provider accepts it (VSEE_API.md §6). */
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

/** `GET /visits/:id`: for the visit's own patient or the admin token (VSEE_API.md §8). */
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
