import type { OpenSlots } from './flows/appointments';

/**
 * A patient's slot list, kept for a short time: every view of the slot page mints an SSO token and
 * asks VSee, so a reload, a form error or a Back button would otherwise repeat two VSee calls.
 * Per process and small (one entry per patient, dropped when stale); a booking or a taken slot
 * drops the patient's entry so the next page is fresh. The entry is of one visit type: another
 * type's list (a different availability answer) replaces it.
 */
export class SlotCache {
  private readonly entries = new Map<number, { at: number; variant: string; slots: OpenSlots }>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 10_000,
  ) {}

  /** `variant` names what the list depends on besides the patient (the visit type's id, or ''). */
  async get(
    accountId: number,
    variant: string,
    load: () => Promise<OpenSlots>,
    now = Date.now(),
  ): Promise<OpenSlots> {
    const hit = this.entries.get(accountId);
    if (hit && hit.variant === variant && now - hit.at < this.ttlMs) return hit.slots;
    const slots = await load();
    if (this.entries.size >= this.maxEntries) this.prune(now);
    this.entries.set(accountId, { at: now, variant, slots });
    return slots;
  }

  forget(accountId: number): void {
    this.entries.delete(accountId);
  }

  private prune(now: number): void {
    for (const [key, entry] of this.entries) if (now - entry.at >= this.ttlMs) this.entries.delete(key);
    // Still full of fresh entries: drop the oldest (Map keeps insertion order).
    while (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
