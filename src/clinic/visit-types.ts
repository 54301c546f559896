import { type Consultation, isVseeError } from '../vsee';
import type { ClinicRoom } from './clinic-room';

/** After a failed read, the booking page goes without types this long before asking again. */
const RETRY_AFTER_MS = 60_000;

/**
 * The visit types the clinic offers (`payment.consultations` of the VSee room), from the room as
 * ClinicRoom keeps it for every patient: asking on each view would cost the slot page a VSee call.
 * An unreadable room means the last types known, or none, so the booking page works as it did
 * before types (availability without a consultation).
 */
export class VisitTypes {
  private lastKnown: Consultation[] = [];
  private failedAt = -Infinity;

  constructor(private readonly room: Pick<ClinicRoom, 'read'>) {}

  async list(now = Date.now()): Promise<Consultation[]> {
    if (now - this.failedAt < RETRY_AFTER_MS) return this.lastKnown;
    try {
      this.lastKnown = (await this.room.read(now)).consultations;
      return this.lastKnown;
    } catch (error) {
      if (!isVseeError(error)) throw error;
      this.failedAt = now;
      return this.lastKnown;
    }
  }
}

/** What the booking page does about visit types, given the room's list and the `type` asked for. */
export type TypeChoice =
  /** Zero or one type: no step, availability as before. */
  | { step: 'none' }
  /** Several, none chosen yet (or an empty or unknown choice): ask first. */
  | { step: 'ask'; types: Consultation[]; problem?: 'schedule.typeMissing' | 'schedule.typeUnknown' }
  | { step: 'chosen'; types: Consultation[]; type: Consultation };

export function chooseType(types: Consultation[], asked: string | undefined): TypeChoice {
  if (types.length < 2) return { step: 'none' };
  if (asked === undefined) return { step: 'ask', types };
  const type = types.find((t) => t.id === asked);
  if (type) return { step: 'chosen', types, type };
  return { step: 'ask', types, problem: asked === '' ? 'schedule.typeMissing' : 'schedule.typeUnknown' };
}
