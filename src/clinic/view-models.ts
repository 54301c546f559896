import type { Slot } from '../vsee';
import type { VisitRecord } from './visit-records';
import { dayLabel, momentLabel, timeLabel } from './time-zones';
import { isOpen, lastKnownAt } from './visit-status';

const KIND_LABEL: Record<VisitRecord['kind'], string> = {
  walkin: 'Video visit now',
  appointment: 'Appointment',
  econsult: 'eConsult (question to a doctor)',
};

const STATUS_LABEL: Record<VisitRecord['kind'], Record<string, string>> = {
  walkin: {
    unknown: 'Checking with the clinic',
    pending: 'Waiting for a provider',
    confirmed: 'Waiting for a provider',
    in_progress: 'In progress',
    completed: 'Completed',
    cancelled: 'Cancelled',
  },
  appointment: {
    unknown: 'Checking with the clinic',
    pending: 'Booked',
    confirmed: 'Booked',
    in_progress: 'In progress',
    completed: 'Completed',
    cancelled: 'Cancelled',
  },
  econsult: {
    unknown: 'Checking with the clinic',
    pending: 'Submitted',
    confirmed: 'Accepted',
    in_progress: 'Accepted',
    completed: 'Answered',
    cancelled: 'Cancelled',
  },
};

export interface VisitRow {
  id: number;
  kind: VisitRecord['kind'];
  kindLabel: string;
  statusLabel: string;
  when: string;
  canRejoin: boolean;
  canOpenAppointment: boolean;
  canInvite: boolean;
  detailsHref?: string;
  /** "last changed …" in the patient's zone. */
  statusChanged: string;
  /** Set when VSee could not be asked just now: when the shown status was last known for sure. */
  lastUpdated?: string;
  /** Someone is waiting for a provider: the detail page reloads itself. */
  waiting: boolean;
  /** Its create answer was lost and VSee has not said yet whether it exists. */
  checking: boolean;
}

function isoMomentLabel(iso: string, timeZone: string): string {
  return momentLabel(Math.floor(Date.parse(iso) / 1000), timeZone);
}

/**
 * What My visits shows for one record, and which actions still make sense. `unchecked`: VSee could
 * not be asked about a stale status just now, so the row says when it was last updated.
 */
export function visitRow(
  record: VisitRecord,
  timeZone: string,
  nowMs = Date.now(),
  unchecked = false,
): VisitRow {
  const open = isOpen(record.status);
  const at = record.starts_at ?? Math.floor(Date.parse(record.created_at) / 1000);
  const ended = record.ends_at !== null && record.ends_at * 1000 < nowMs;
  // A booked appointment whose time has come is, to the patient, waiting for the provider.
  const started = record.starts_at !== null && record.starts_at * 1000 <= nowMs;
  const waitingNow =
    (record.status === 'pending' || record.status === 'confirmed') &&
    (record.kind === 'walkin' || (record.kind === 'appointment' && started && !ended));
  return {
    id: record.id,
    kind: record.kind,
    kindLabel: KIND_LABEL[record.kind],
    statusLabel: waitingNow
      ? 'Waiting for a provider'
      : (STATUS_LABEL[record.kind][record.status] ?? 'Unknown'),
    statusChanged: isoMomentLabel(record.status_updated_at, timeZone),
    lastUpdated: unchecked ? isoMomentLabel(lastKnownAt(record), timeZone) : undefined,
    waiting: waitingNow,
    checking: record.status === 'unknown',
    when: momentLabel(at, timeZone),
    canRejoin: record.kind === 'walkin' && open,
    canOpenAppointment: record.kind === 'appointment' && open && !ended,
    canInvite: record.kind !== 'econsult' && open && !ended,
    detailsHref: record.status === 'unknown' ? '/visits/checking' : `/visits/${record.id}`,
  };
}

export interface SlotDay {
  label: string;
  /** Shown unfolded: the first day, and the day of a time already chosen. Two weeks of slots
   * unfolded at once made the page tens of thousands of pixels tall on a phone. */
  open: boolean;
  slots: Array<{ value: string; time: string; provider: string; id: string }>;
}

/** Slots grouped by day in the patient's zone, each with the form value that books it. */
export function slotDays(slots: Slot[], timeZone: string, selected?: string): SlotDay[] {
  const days = new Map<string, SlotDay>();
  for (const slot of slots) {
    const label = dayLabel(slot.start, timeZone);
    const day = days.get(label) ?? { label, slots: [], open: days.size === 0 };
    const value = `${slot.start}-${slot.end}-${slot.providerId}`;
    day.slots.push({
      value,
      id: `slot-${value}`,
      time: `${timeLabel(slot.start, timeZone)}–${timeLabel(slot.end, timeZone)}`,
      provider: slot.providerName ?? 'A clinic provider',
    });
    if (value === selected) day.open = true;
    days.set(label, day);
  }
  return [...days.values()];
}
