import type { SandboxProvider, Slot } from './models';

/** Working hours in UTC, every day of the week (a weekday-only calendar would make tests depend on the date). */
export const WORKDAY_START_HOUR_UTC = 9;
export const WORKDAY_END_HOUR_UTC = 17;
/** Slots are offered this many days ahead of the sandbox clock. */
export const HORIZON_DAYS = 14;

const DAY = 86_400;

/** Key of a slot in the booked set. */
export function slotKey(providerId: string, start: number): string {
  return `${providerId}@${start}`;
}

/**
 * Every seeded slot of `providers` that starts after `nowSec`, within the horizon and inside
 * [fromSec, toSec]. Computed from the clock rather than stored, so "the coming 14 days" moves with it.
 */
export function seededSlots(
  providers: SandboxProvider[],
  nowSec: number,
  fromSec: number,
  toSec: number,
): Slot[] {
  const horizonEnd = nowSec + HORIZON_DAYS * DAY;
  const firstDay = Math.floor(nowSec / DAY) * DAY;
  const slots: Slot[] = [];
  for (let day = firstDay; day <= horizonEnd; day += DAY) {
    for (const provider of providers) {
      const length = provider.slotMinutes * 60;
      const dayEnd = day + WORKDAY_END_HOUR_UTC * 3600;
      for (let start = day + WORKDAY_START_HOUR_UTC * 3600; start + length <= dayEnd; start += length) {
        const end = start + length;
        if (start <= nowSec || start >= horizonEnd || start < fromSec || end > toSec) continue;
        slots.push({ providerId: provider.id, start, end });
      }
    }
  }
  return slots.sort((a, b) => a.start - b.start || Number(a.providerId) - Number(b.providerId));
}
