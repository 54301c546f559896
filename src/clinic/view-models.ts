import type { Slot } from '../vsee';
import type { VisitRecord } from './visit-records';
import { type Clock, dayKey, shortDayLabel } from './time-zones';
import { isOpen, lastKnownAt } from './visit-status';

// Labels are translation keys (locales/*.json); the views translate them.
const KIND_LABEL: Record<VisitRecord['kind'], string> = {
  walkin: 'kind.walkin',
  appointment: 'kind.appointment',
  econsult: 'kind.econsult',
};

const STATUS_LABEL: Record<VisitRecord['kind'], Record<string, string>> = {
  walkin: {
    unknown: 'status.checking',
    pending: 'status.waiting',
    confirmed: 'status.waiting',
    in_progress: 'status.inProgress',
    completed: 'status.completed',
    cancelled: 'status.cancelled',
    failed: 'status.failed',
  },
  appointment: {
    unknown: 'status.checking',
    pending: 'status.booked',
    confirmed: 'status.booked',
    in_progress: 'status.inProgress',
    completed: 'status.completed',
    cancelled: 'status.cancelled',
    failed: 'status.failed',
  },
  econsult: {
    unknown: 'status.checking',
    pending: 'status.submitted',
    confirmed: 'status.accepted',
    in_progress: 'status.accepted',
    completed: 'status.answered',
    cancelled: 'status.cancelled',
    failed: 'status.failed',
  },
};

/** What a status means to the patient; the chip shows it as a mark and words, not colour alone. */
export type StatusTone = 'waiting' | 'upcoming' | 'active' | 'done' | 'stopped';
const TONE_MARK: Record<StatusTone, string> = {
  waiting: '…',
  upcoming: '◷',
  active: '●',
  done: '✓',
  stopped: '✕',
};

function toneOf(label: string): StatusTone {
  if (
    label === 'status.waiting' ||
    label === 'status.submitted' ||
    label === 'status.accepted' ||
    label === 'status.checking'
  )
    return 'waiting';
  if (label === 'status.booked') return 'upcoming';
  if (label === 'status.inProgress') return 'active';
  if (label === 'status.completed' || label === 'status.answered') return 'done';
  return 'stopped';
}

/** VSee lets a patient into an appointment this long before it starts. */
export const APPOINTMENT_OPENS_BEFORE_SECONDS = 15 * 60;

export interface VisitRow {
  id: number;
  kind: VisitRecord['kind'];
  /** Translation keys. */
  kindLabel: string;
  statusLabel: string;
  statusTone: StatusTone;
  statusMark: string;
  /** Still going or still to come. */
  open: boolean;
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

function momentOf(iso: string, clock: Clock): string {
  return clock.moment(Math.floor(Date.parse(iso) / 1000));
}

/**
 * What My visits shows for one record, and which actions still make sense. `unchecked`: VSee could
 * not be asked about a stale status just now, so the row says when it was last updated.
 */
export function visitRow(record: VisitRecord, clock: Clock, nowMs = Date.now(), unchecked = false): VisitRow {
  const open = isOpen(record.status);
  const at = record.starts_at ?? Math.floor(Date.parse(record.created_at) / 1000);
  const ended = record.ends_at !== null && record.ends_at * 1000 < nowMs;
  // A booked appointment whose time has come is, to the patient, waiting for the provider.
  const started = record.starts_at !== null && record.starts_at * 1000 <= nowMs;
  const waitingNow =
    (record.status === 'pending' || record.status === 'confirmed') &&
    (record.kind === 'walkin' || (record.kind === 'appointment' && started && !ended));
  const statusLabel = waitingNow
    ? 'status.waiting'
    : (STATUS_LABEL[record.kind][record.status] ?? 'status.unknown');
  const tone = toneOf(statusLabel);
  return {
    id: record.id,
    kind: record.kind,
    // "Video visit now" is only true while the visit is open.
    kindLabel: record.kind === 'walkin' && !open ? 'kind.walkinEnded' : KIND_LABEL[record.kind],
    statusLabel,
    statusTone: tone,
    statusMark: TONE_MARK[tone],
    open: open && !ended,
    statusChanged: momentOf(record.status_updated_at, clock),
    lastUpdated: unchecked ? momentOf(lastKnownAt(record), clock) : undefined,
    waiting: waitingNow,
    checking: record.status === 'unknown',
    when: clock.moment(at),
    canRejoin: record.kind === 'walkin' && open,
    canOpenAppointment: record.kind === 'appointment' && open && !ended,
    canInvite: record.kind !== 'econsult' && open && !ended,
    detailsHref: record.status === 'unknown' ? '/visits/checking' : `/visits/${record.id}`,
  };
}

export interface BookingDay {
  key: string;
  label: string;
  count: number;
  href: string;
  current: boolean;
}

export interface BookingPage {
  providers: Array<{ id: string; name?: string; selected: boolean }>;
  /** The soonest open time, as a full date and time; undefined: nothing is open. */
  firstAvailable?: string;
  days: BookingDay[];
  /** The day whose times are listed (only one day's radio buttons are on the page). */
  day: { label: string; slots: Array<{ value: string; time: string; provider?: string; id: string }> };
}

/** The value that books a slot: `start-end-providerId`. */
export function slotValue(slot: Slot): string {
  return `${slot.start}-${slot.end}-${slot.providerId}`;
}

/**
 * The booking page for one provider filter and one chosen day: the day list with counts, the first
 * available time, and the times of the chosen day only (two weeks of times on one page were 670
 * radio buttons). `selected` (a slot value) picks its day when no day was asked for.
 */
export function bookingPage(
  allSlots: Slot[],
  clock: Clock,
  choice: { provider?: string; day?: string; selected?: string; tz: string; type?: string },
): BookingPage {
  const providerNames = new Map<string, string | undefined>();
  for (const s of allSlots)
    if (!providerNames.has(s.providerId)) providerNames.set(s.providerId, s.providerName);
  const provider = choice.provider && providerNames.has(choice.provider) ? choice.provider : undefined;
  const slots = provider ? allSlots.filter((s) => s.providerId === provider) : allSlots;

  const byDay = new Map<string, Slot[]>();
  for (const s of slots) {
    const key = dayKey(s.start, clock.timeZone);
    byDay.set(key, [...(byDay.get(key) ?? []), s]);
  }
  const selectedSlot = slots.find((s) => slotValue(s) === choice.selected);
  const currentKey =
    (choice.day && byDay.has(choice.day) && choice.day) ||
    (selectedSlot && dayKey(selectedSlot.start, clock.timeZone)) ||
    [...byDay.keys()][0];
  const query = (day: string) => {
    const params = new URLSearchParams({ day, tz: choice.tz });
    if (provider) params.set('provider', provider);
    if (choice.type) params.set('type', choice.type);
    return `/appointments/new?${params.toString()}`;
  };
  const daySlots = (currentKey && byDay.get(currentKey)) || [];
  return {
    providers: [...providerNames].map(([id, name]) => ({ id, name, selected: id === provider })),
    firstAvailable: slots[0] ? clock.moment(slots[0].start) : undefined,
    days: [...byDay].map(([key, list]) => ({
      key,
      label: shortDayLabel(list[0]!.start, clock.timeZone, clock.locale),
      count: list.length,
      href: query(key),
      current: key === currentKey,
    })),
    day: {
      label: daySlots[0] ? clock.day(daySlots[0].start) : '',
      slots: daySlots.map((s) => ({
        value: slotValue(s),
        id: `slot-${slotValue(s)}`,
        time: `${clock.time(s.start)}–${clock.time(s.end)}`,
        provider: s.providerName,
      })),
    },
  };
}
