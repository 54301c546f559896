import type { RequestHandler } from 'express';
import type { SandboxState } from '../state';
import { ApiError } from './api-error';
import { providerJson, roomJson } from './serialize';

/** `GET /rooms/:code`: public room configuration (docs/vsee-contract.md §7). */
export function getRoomHandler(state: SandboxState): RequestHandler {
  return (req, res) => {
    const room = state.rooms.get(String(req.params.code));
    if (!room) throw new ApiError(404, 'Room not found.');
    res.json({ data: roomJson(room, state.providersOf(room.code)) });
  };
}

/** `GET /rooms/:code/providers`: the room's providers, public (docs/vsee-contract.md §7). */
export function listRoomProvidersHandler(state: SandboxState): RequestHandler {
  return (req, res) => {
    const room = state.rooms.get(String(req.params.code));
    if (!room) throw new ApiError(404, 'Room not found.');
    res.json({ data: state.providersOf(room.code).map(providerJson) });
  };
}
