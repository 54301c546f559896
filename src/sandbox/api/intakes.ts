import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { SandboxIntake } from '../models';
import type { SandboxState } from '../state';
import { ApiError } from './api-error';
import { callerOf, type Caller } from './auth';
import { bodyOf, numericId, optional, parseFields, required } from './fields';
import { intakeJson } from './serialize';

const intakeFields = z.object({
  room_code: required,
  type: required.pipe(z.enum(['1', '2'])),
  member_id: optional.pipe(numericId.nullable()),
  reason_for_visit: optional,
  provider_id: optional.pipe(numericId.nullable()),
  // The wiki's own sample posts `provider` instead of `provider_id` (docs/vsee-contract.md §3).
  provider: optional.pipe(numericId.nullable()),
  location: optional,
  phone: optional,
});

/** Fields VSee defines for an intake; every other field is custom, kept and echoed (docs/vsee-contract.md §3). */
const KNOWN_FIELDS = new Set([
  'room_code',
  'type',
  'member_id',
  'reason_for_visit',
  'provider_id',
  'provider',
  'location',
  'phone',
  'attachments',
  'consultation',
  'reset',
]);

/** `[{id}]`, `["id"]` or `"id1,id2"` all name attachment ids (docs/vsee-contract.md §3). */
function attachmentsOf(raw: unknown): unknown[] {
  if (raw === undefined || raw === null || raw === '') return [];
  if (Array.isArray(raw)) return raw;
  if (typeof raw === 'string') return raw.split(',').map((id) => ({ id: id.trim() }));
  return [raw];
}

/** The member an intake is for: a patient may only act for themself; the admin must say whom. */
function memberFor(caller: Caller, memberId: string | null, state: SandboxState): string {
  if (caller.kind === 'patient') {
    if (memberId !== null && memberId !== caller.user.id)
      throw new ApiError(403, 'member_id is not the token owner.');
    return caller.user.id;
  }
  if (memberId === null) throw new ApiError(400, 'Missing or invalid field: member_id');
  if (!state.users.has(memberId)) throw new ApiError(404, 'Member not found.');
  return memberId;
}

/** `POST /intakes`. */
export function createIntakeHandler(state: SandboxState): RequestHandler {
  return (req, res) => {
    const body = bodyOf(req.body);
    const f = parseFields(intakeFields, body);
    const memberId = memberFor(callerOf(res), f.member_id, state);
    if (!state.rooms.has(f.room_code)) throw new ApiError(404, 'Room not found.');
    const providerId = f.provider_id ?? f.provider;
    if (providerId !== null && !state.providers.has(providerId))
      throw new ApiError(404, 'Provider not found.');
    const custom = Object.fromEntries(Object.entries(body).filter(([key]) => !KNOWN_FIELDS.has(key)));
    const intake = state.addIntake({
      memberId,
      roomCode: f.room_code,
      type: f.type,
      reason_for_visit: f.reason_for_visit,
      provider_id: providerId,
      location: f.location,
      phone: f.phone,
      attachments: attachmentsOf(body.attachments),
      custom,
    });
    res.json({ data: { ...custom, id: intake.id } });
  };
}

/** The intake named by `id`, if the caller may see it (its patient or the admin). */
export function intakeFor(state: SandboxState, caller: Caller, id: string): SandboxIntake {
  const intake = state.intakes.get(id);
  if (!intake) throw new ApiError(404, 'Intake not found.');
  if (caller.kind === 'patient' && intake.memberId !== caller.user.id) {
    throw new ApiError(403, 'This intake belongs to another patient.');
  }
  return intake;
}

/** `GET /intakes/:id`. */
export function getIntakeHandler(state: SandboxState): RequestHandler {
  return (req, res) => {
    const intake = intakeFor(state, callerOf(res), String(req.params.id));
    res.json({ data: intakeJson(intake) });
  };
}
