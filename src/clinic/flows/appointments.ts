import {
  appointmentPath,
  clinicHomePath,
  flowDeadline,
  isVseeError,
  ssoLaunchUrl,
  type Slot,
} from '../../vsee';
import { findVisitForAccount, markFailed, type VisitRecord } from '../visit-records';
import { isFinal } from '../visit-status';
import {
  audit,
  type ClinicDeps,
  identityOf,
  OutcomeUnknownError,
  type PatientContext,
  ssoOnce,
  VisitClosedError,
  VisitNotFoundError,
} from './context';
import { createVisit, launchOnce, type VisitRecipe } from './create-visit';
import { settledEarlier } from './earlier';
import { settleUnknownOutcomes, visitDetails } from './outcomes';
import { checkVisit } from './ownership';

/** How far ahead a patient can book. */
export const BOOKING_WINDOW_DAYS = 14;

/** VSee refused the booking: the slot was taken (or closed) since the page was shown. */
export class SlotTakenError extends Error {
  override name = 'SlotTakenError';
}

export interface SlotChoice {
  start: number;
  end: number;
  providerId: string;
}

export interface OpenSlots {
  slots: Slot[];
}

/**
 * Open slots from now until the end of the booking window, soonest first; of one visit type (the
 * room's consultation) when the patient chose one.
 */
export async function listOpenSlots(
  deps: ClinicDeps,
  ctx: PatientContext,
  consultationId?: string,
  nowMs = Date.now(),
): Promise<OpenSlots> {
  const signal = flowDeadline();
  const start = Math.floor(nowMs / 1000);
  const end = start + BOOKING_WINDOW_DAYS * 86_400;
  const sso = await deps.vsee.ssoLogin(identityOf(ctx.patient), signal);
  const slots = await deps.vsee.listAvailability(
    { start, end, memberId: sso.userId, consultationId },
    sso.token,
    signal,
  );
  return {
    slots: slots
      .filter((s) => s.start >= start)
      .sort((a, b) => a.start - b.start || a.providerId.localeCompare(b.providerId)),
  };
}

function bookingRecipe(
  deps: ClinicDeps,
  input: { slot: SlotChoice; reason?: string; timezone?: string; visitType?: string },
): VisitRecipe {
  const { slot } = input;
  return {
    action: 'launch_appointment',
    endpoint: 'visits',
    slot: { startsAt: slot.start, endsAt: slot.end },
    visitType: input.visitType,
    intake: () => ({ kind: 'scheduled', reasonForVisit: input.reason, providerId: slot.providerId }),
    create: (intakeId, sso, signal) =>
      deps.vsee.createAppointment(
        {
          intakeId,
          providerId: slot.providerId,
          start: slot.start,
          end: slot.end,
          memberId: sso.userId,
          timezone: input.timezone,
        },
        sso.token,
        signal,
      ),
    details: visitDetails,
  };
}

/**
 * Schedule an appointment: SSO → intake (type 2) → POST /visits for the chosen slot, through the one
 * create-visit skeleton. The launch key makes a resubmitted form find the same booking. Before a new
 * booking, the patient's bookings whose answer was lost are found out: the patient's own earlier
 * booking of this slot is shown as booked (not "just taken"), and nothing is booked while VSee
 * cannot say. Returns our record, for the confirmation page.
 */
export async function bookAppointment(
  deps: ClinicDeps,
  ctx: PatientContext,
  input: {
    launchKey: string;
    slot: SlotChoice;
    reason?: string;
    timezone?: string;
    /** The chosen visit type's description, kept on the row for its page and emails. */
    visitType?: string;
  },
): Promise<VisitRecord> {
  const signal = flowDeadline();
  const sso = ssoOnce(deps, ctx, signal);
  return launchOnce(deps, ctx, 'appointment', input.launchKey, {
    earlier: (claim) => settledEarlier(deps, claim.record, sso, signal),
    owned: async (claimed) => {
      const lost = await settleUnknownOutcomes(deps, ctx.patient.id, sso, { kind: 'appointment', signal });
      const sameSlot = lost.find((s) => s.kind === 'visit' && s.record.starts_at === input.slot.start);
      if (sameSlot || lost.some((s) => s.kind === 'unknown')) {
        await markFailed(deps.db, claimed.id);
        if (sameSlot) return sameSlot.record;
        throw new OutcomeUnknownError('an earlier booking is not settled yet');
      }
      try {
        return await createVisit(deps, ctx, claimed, bookingRecipe(deps, input), sso, signal);
      } catch (error) {
        // VSee answers 400 for a slot that is no longer open (docs/vsee-contract.md).
        if (
          isVseeError(error) &&
          error.endpoint === 'visits' &&
          error.kind === 'rejected' &&
          (error.status === 400 || error.status === 409)
        ) {
          throw new SlotTakenError('slot no longer open');
        }
        throw error;
      }
    },
  });
}

/** One of the patient's booked appointments, for its confirmation page. */
export async function findAppointment(
  deps: ClinicDeps,
  ctx: PatientContext,
  visitId: number,
): Promise<VisitRecord & { vsee_visit_id: string }> {
  const record = await findVisitForAccount(deps.db, ctx.patient.id, visitId);
  if (!record || record.kind !== 'appointment' || !record.vsee_visit_id)
    throw new VisitNotFoundError('no such appointment');
  return record as VisitRecord & { vsee_visit_id: string };
}

/**
 * Open appointment: a fresh SSO token, then VSee's appointment page; only until the appointment ends,
 * and only once VSee says the visit is this patient's.
 */
export async function openAppointment(
  deps: ClinicDeps,
  ctx: PatientContext,
  visitId: number,
  nowMs = Date.now(),
): Promise<string> {
  const record = await findAppointment(deps, ctx, visitId);
  if (isFinal(record.status) || (record.ends_at !== null && record.ends_at * 1000 < nowMs)) {
    throw new VisitClosedError('appointment is over');
  }
  const signal = flowDeadline();
  const sso = ssoOnce(deps, ctx, signal);
  try {
    const check = await checkVisit(deps, ctx, record, sso, signal);
    if (check.state === 'unreadable') throw check.error;
    if (check.state === 'over') throw new VisitClosedError('appointment is over');
    const location = ssoLaunchUrl(
      deps.settings,
      (await sso()).token,
      // Without the link token (its answer was lost, see bookAppointment) the clinic dashboard lists it.
      record.appointment_token
        ? appointmentPath(record.vsee_visit_id, record.appointment_token)
        : clinicHomePath(),
    );
    await audit(deps, ctx, 'launch_open_appointment', 'success', record.vsee_visit_id);
    return location;
  } catch (error) {
    await audit(deps, ctx, 'launch_open_appointment', 'failure', record.vsee_visit_id);
    throw error;
  }
}
