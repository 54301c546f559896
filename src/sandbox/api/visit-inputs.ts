import type { SandboxIntake, SandboxProvider } from '../models';
import type { SandboxState } from '../state';
import { ApiError } from './api-error';
import type { Caller } from './auth';
import { intakeFor } from './intakes';

/** Checks the intake, room and provider a visit request names; unknown ids are 404, mismatches 400. */
export function visitInputs(
  state: SandboxState,
  caller: Caller,
  f: { intake_id: string; room_code: string; provider_id: string | null },
): { intake: SandboxIntake; provider: SandboxProvider | undefined } {
  const intake = intakeFor(state, caller, f.intake_id);
  if (!state.rooms.has(f.room_code)) throw new ApiError(404, 'Room not found.');
  if (intake.roomCode !== f.room_code) throw new ApiError(400, 'The intake was made for another room.');
  if (f.provider_id === null) return { intake, provider: undefined };
  const provider = state.providers.get(f.provider_id);
  if (!provider || provider.roomCode !== f.room_code)
    throw new ApiError(404, 'Provider not found in this room.');
  return { intake, provider };
}
