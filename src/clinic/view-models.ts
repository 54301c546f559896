import type { Slot } from '../vsee';
import type { VisitRecord } from './visit-records';
import { dateTimeLabel, dayLabel, timeLabel, zoneName } from './time-zones';

const KIND_LABEL: Record<VisitRecord['kind'], string> = {
  walkin: 'Video visit now',
  appointment: 'Appointment',
  econsult: 'eConsult (question to a doctor)',
};

const STATUS_LABEL: Record<VisitRecord['kind'], Record<string, string>> = {
  walkin: {
    pending: 'Waiting for a provider',
    confirmed: 'Waiting for a provider',
    in_progress: 'In progress',
    completed: 'Completed',
    cancelled: 'Cancelled',
  },
  appointment: {
    pending: 'Booked',
    confirmed: 'Booked',
    in_progress: 'In progress',
    completed: 'Completed',
    cancelled: 'Cancelled',
  },
  econsult: {
    pending: 'Submitted',
    confirmed: 'Accepted by a provider',
    in_progress: 'Accepted by a provider',
    completed: 'Answered',
    cancelled: 'Cancelled',
  },
};

const OPEN = new Set(['pending', 'confirmed', 'in_progress']);

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
}

/** What My visits shows for one record, and which actions still make sense. */
export function visitRow(record: VisitRecord, timeZone: string, nowMs = Date.now()): VisitRow {
  const open = OPEN.has(record.status);
  const at = record.starts_at ?? Math.floor(Date.parse(record.created_at) / 1000);
  const ended = record.ends_at !== null && record.ends_at * 1000 < nowMs;
  return {
    id: record.id,
    kind: record.kind,
    kindLabel: KIND_LABEL[record.kind],
    statusLabel: STATUS_LABEL[record.kind][record.status] ?? 'Unknown',
    when: `${dateTimeLabel(at, timeZone)} ${zoneName(at, timeZone)}`,
    canRejoin: record.kind === 'walkin' && open,
    canOpenAppointment: record.kind === 'appointment' && open && !ended && record.appointment_token !== null,
    canInvite: record.kind !== 'econsult' && open && !ended,
    detailsHref:
      record.kind === 'appointment'
        ? `/appointments/${record.id}`
        : record.kind === 'econsult'
          ? `/econsult/${record.id}`
          : undefined,
  };
}

export interface SlotDay {
  label: string;
  slots: Array<{ value: string; time: string; provider: string; id: string }>;
}

/** Slots grouped by day in the patient's zone, each with the form value that books it. */
export function slotDays(slots: Slot[], timeZone: string): SlotDay[] {
  const days = new Map<string, SlotDay>();
  for (const slot of slots) {
    const label = dayLabel(slot.start, timeZone);
    const day = days.get(label) ?? { label, slots: [] };
    const value = `${slot.start}-${slot.end}-${slot.providerId}`;
    day.slots.push({
      value,
      id: `slot-${value}`,
      time: `${timeLabel(slot.start, timeZone)}–${timeLabel(slot.end, timeZone)}`,
      provider: slot.providerName ?? 'A clinic provider',
    });
    days.set(label, day);
  }
  return [...days.values()];
}
