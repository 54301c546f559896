import type { RequestHandler } from 'express';
import { z } from 'zod';
import { SANDBOX_CREDENTIALS } from '../credentials';
import { slotKey } from '../slots';
import type { SandboxState } from '../state';
import { ApiError } from './api-error';
import { callerOf } from './auth';
import { bodyOf, numericId, optional, parseFields, required, unixSeconds } from './fields';
import { providerBrief, visitJson } from './serialize';
import { visitInputs } from './visit-inputs';

const availabilityFields = z.object({
  start: unixSeconds,
  end: unixSeconds,
  room_code: optional,
  provider_id: optional.pipe(numericId.nullable()),
  member_id: optional.pipe(numericId.nullable()),
  duration: optional.pipe(z.string().regex(/^\d+$/, 'must be minutes').nullable()),
  consultation_id: optional,
});

/** `GET` or `POST /availability`: open slots of the room's providers in [start, end] (docs/vsee-contract.md §7). */
export function availabilityHandler(state: SandboxState): RequestHandler {
  return (req, res) => {
    // The demo sends these with curl -d under a GET heading (docs/vsee-contract.md §7), so both places count.
    const f = parseFields(availabilityFields, {
      ...(req.query as Record<string, unknown>),
      ...bodyOf(req.body),
    });
    if (f.end <= f.start) throw new ApiError(400, 'Invalid field end: must be after start');
    const caller = callerOf(res);
    if (caller.kind === 'patient' && f.member_id !== null && f.member_id !== caller.user.id) {
      throw new ApiError(403, 'member_id is not the token owner.');
    }
    const roomCode = f.room_code ?? SANDBOX_CREDENTIALS.roomCode;
    const room = state.rooms.get(roomCode);
    if (!room) throw new ApiError(404, 'Room not found.');
    // A visit type lasts its consultation's duration: only slots of that length (an explicit
    // `duration` wins). VSee's own rule is not public; this is the sandbox's stand-in.
    const consultation =
      f.consultation_id === null ? undefined : room.consultations.find((c) => c.id === f.consultation_id);
    if (f.consultation_id !== null && !consultation) throw new ApiError(400, 'Invalid field consultation_id');
    const slots = state.openSlots({
      roomCode,
      from: f.start,
      to: f.end,
      providerId: f.provider_id ?? undefined,
      durationMinutes: f.duration === null ? consultation?.duration : Number(f.duration),
    });
    const data = slots.map((slot) => {
      const provider = state.providers.get(slot.providerId);
      return {
        start: slot.start,
        end: slot.end,
        provider_id: slot.providerId,
        provider: provider && providerBrief(provider),
      };
    });
    res.json({ data });
  };
}

const bookingFields = z.object({
  intake_id: required,
  room_code: required,
  provider_id: optional.pipe(numericId.nullable()),
  member_id: optional.pipe(numericId.nullable()),
  start: unixSeconds.optional(),
  end: unixSeconds.optional(),
  slot_start: unixSeconds.optional(),
  slot_end: unixSeconds.optional(),
  timezone: optional,
});

/** `POST /visits`: books an open slot; the admin token books any time (docs/vsee-contract.md §5, inferred). */
export function bookVisitHandler(state: SandboxState): RequestHandler {
  return (req, res) => {
    const f = parseFields(bookingFields, bodyOf(req.body));
    const start = f.start ?? f.slot_start;
    const end = f.end ?? f.slot_end;
    if (start === undefined) throw new ApiError(400, 'Missing or invalid field: start');
    if (end === undefined) throw new ApiError(400, 'Missing or invalid field: end');
    if (end <= start) throw new ApiError(400, 'Invalid field end: must be after start');
    const caller = callerOf(res);
    const { intake, provider } = visitInputs(state, caller, f);
    if (caller.kind === 'patient' && f.member_id !== null && f.member_id !== caller.user.id) {
      throw new ApiError(403, 'member_id is not the token owner.');
    }
    const slot = state.findOpenSlot(f.room_code, start, end, provider?.id);
    if (!slot && caller.kind !== 'admin') throw new ApiError(400, 'The requested slot is not available.');
    const providerId = slot?.providerId ?? provider?.id ?? state.providersOf(f.room_code)[0]?.id ?? null;
    if (providerId !== null) state.bookedSlots.add(slotKey(providerId, start));
    const visit = state.addVisit({ kind: 'appointment', intake, providerId, start, end });
    const token = visit.appointmentToken;
    res.json({ data: { ...visitJson(visit, state), one_time_link_token: token, token } });
  };
}
