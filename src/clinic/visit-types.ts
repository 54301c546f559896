import { type Consultation, isVseeError, type VseeClient } from '../vsee';

/** How long the room's list of visit types is trusted: a clinic edits it rarely. */
const FRESH_MS = 5 * 60_000;
/** After a failed read, the booking page goes without types this long before asking again. */
const RETRY_AFTER_MS = 60_000;

/**
 * The visit types the clinic offers (`payment.consultations` of the VSee room), read once and kept
 * for a few minutes for every patient: the room is the clinic's public configuration, and asking
 * for it on each view would cost the slot page a VSee call. An unreadable room means no types,
 * so the booking page works as it did before types (availability without a consultation).
 */
export class VisitTypes {
  private known: { at: number; types: Consultation[] } | undefined;
  private failedAt = -Infinity;

  constructor(private readonly vsee: Pick<VseeClient, 'getRoom'>) {}

  async list(now = Date.now()): Promise<Consultation[]> {
    if (this.known && now - this.known.at < FRESH_MS) return this.known.types;
    if (now - this.failedAt < RETRY_AFTER_MS) return this.known?.types ?? [];
    try {
      const room = await this.vsee.getRoom();
      this.known = { at: now, types: room.consultations };
      return room.consultations;
    } catch (error) {
      if (!isVseeError(error)) throw error;
      this.failedAt = now;
      return this.known?.types ?? [];
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
