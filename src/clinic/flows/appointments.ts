import {
  appointmentPath,
  clinicHomePath,
  flowDeadline,
  isVseeError,
  ssoLaunchUrl,
  type Slot,
} from '../../vsee';
import { createOrRecover } from './reconcile';
import {
  claimLaunch,
  findVisitForAccount,
  markCreated,
  markFailed,
  noteIntake,
  statusFromVsee,
  type VisitRecord,
} from '../visit-records';
import {
  audit,
  type ClinicDeps,
  identityOf,
  type PatientContext,
  VisitClosedError,
  VisitNotFoundError,
  visitOfEarlierLaunch,
} from './context';

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
  /** The clinic's own time zone, for patients whose browser did not tell us theirs. */
  clinicTimezone?: string;
}

/** Open slots from now until the end of the booking window, soonest first. */
export async function listOpenSlots(
  deps: ClinicDeps,
  ctx: PatientContext,
  nowMs = Date.now(),
): Promise<OpenSlots> {
  const signal = flowDeadline();
  const start = Math.floor(nowMs / 1000);
  const end = start + BOOKING_WINDOW_DAYS * 86_400;
  const sso = await deps.vsee.ssoLogin(identityOf(ctx.patient), signal);
  const [slots, room] = await Promise.all([
    deps.vsee.listAvailability({ start, end, memberId: sso.userId }, sso.token, signal),
    // The room only tells us the clinic's time zone: without it we still show the slots.
    deps.vsee.getRoom(undefined, signal).catch((error: unknown) => {
      if (!isVseeError(error)) throw error;
      return undefined;
    }),
  ]);
  return {
    slots: slots
      .filter((s) => s.start >= start)
      .sort((a, b) => a.start - b.start || a.providerId.localeCompare(b.providerId)),
    clinicTimezone: room?.defaultTimezone,
  };
}

/**
 * Schedule an appointment: SSO → intake (type 2) → POST /visits for the chosen slot. Returns our
 * record of it, for the confirmation page. The launch key makes a resubmitted form find the same booking.
 */
export async function bookAppointment(
  deps: ClinicDeps,
  ctx: PatientContext,
  input: { launchKey: string; slot: SlotChoice; reason?: string; timezone?: string },
): Promise<VisitRecord> {
  const claim = await claimLaunch(deps.db, ctx.patient.id, 'appointment', input.launchKey);
  if (!claim.owned) return visitOfEarlierLaunch(deps, claim.record);
  const signal = flowDeadline();
  try {
    await ctx.allowNewVisit?.();
    const sso = await deps.vsee.ssoLogin(identityOf(ctx.patient), signal);
    const intake = await deps.vsee.createIntake(
      {
        memberId: sso.userId,
        kind: 'scheduled',
        reasonForVisit: input.reason,
        providerId: input.slot.providerId,
      },
      sso.token,
      signal,
    );
    await noteIntake(deps.db, claim.record.id, intake.id);
    const result = await createOrRecover(deps, 'visits', intake.id, sso.token, () =>
      deps.vsee.createAppointment(
        {
          intakeId: intake.id,
          providerId: input.slot.providerId,
          start: input.slot.start,
          end: input.slot.end,
          memberId: sso.userId,
          timezone: input.timezone,
        },
        sso.token,
        signal,
      ),
    );
    if (result.recovered) {
      // Booked, but the answer with the appointment link was lost: keep the booking (the patient
      // opens it from the clinic dashboard) rather than book the slot twice.
      const record = await markCreated(deps.db, claim.record.id, {
        vseeVisitId: result.visitId,
        vseeIntakeId: intake.id,
        status: 'confirmed',
        startsAt: input.slot.start,
        endsAt: input.slot.end,
      });
      await audit(deps, ctx, 'launch_appointment', 'success', result.visitId);
      return record;
    }
    const visit = result.visit;
    const provider = visit.provider;
    const record = await markCreated(deps.db, claim.record.id, {
      vseeVisitId: visit.id,
      vseeIntakeId: intake.id,
      status: statusFromVsee(visit.status),
      appointmentToken: visit.oneTimeToken,
      providerName: provider
        ? [provider.title, provider.firstName, provider.lastName].filter(Boolean).join(' ')
        : undefined,
      startsAt: visit.start ?? input.slot.start,
      endsAt: visit.end ?? input.slot.end,
    });
    await audit(deps, ctx, 'launch_appointment', 'success', visit.id);
    return record;
  } catch (error) {
    await markFailed(deps.db, claim.record.id);
    await audit(deps, ctx, 'launch_appointment', 'failure');
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
}

/** One of the patient's booked appointments, for its confirmation page. */
export async function findAppointment(
  deps: ClinicDeps,
  ctx: PatientContext,
  visitId: number,
): Promise<VisitRecord> {
  const record = await findVisitForAccount(deps.db, ctx.patient.id, visitId);
  if (!record || record.kind !== 'appointment' || !record.vsee_visit_id)
    throw new VisitNotFoundError('no such appointment');
  return record;
}

/** Open appointment: a fresh SSO token, then VSee's appointment page; only until the appointment ends. */
export async function openAppointment(
  deps: ClinicDeps,
  ctx: PatientContext,
  visitId: number,
  nowMs = Date.now(),
): Promise<string> {
  const record = await findAppointment(deps, ctx, visitId);
  if (
    ['completed', 'cancelled'].includes(record.status) ||
    (record.ends_at !== null && record.ends_at * 1000 < nowMs)
  ) {
    throw new VisitClosedError('appointment is over');
  }
  try {
    const sso = await deps.vsee.ssoLogin(identityOf(ctx.patient), flowDeadline());
    const location = ssoLaunchUrl(
      deps.settings,
      sso.token,
      // Without the link token (its answer was lost, see bookAppointment) the clinic dashboard lists it.
      record.appointment_token
        ? appointmentPath(record.vsee_visit_id!, record.appointment_token)
        : clinicHomePath(),
    );
    await audit(deps, ctx, 'launch_open_appointment', 'success', record.vsee_visit_id);
    return location;
  } catch (error) {
    await audit(deps, ctx, 'launch_open_appointment', 'failure', record.vsee_visit_id);
    throw error;
  }
}
