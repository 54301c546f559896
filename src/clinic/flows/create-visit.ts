import {
  isVseeError,
  type IntakeInput,
  type SsoSession,
  type VseeEndpoint,
  type VseeVisit,
} from '../../vsee';
import {
  claimLaunch,
  type LaunchClaim,
  markCreated,
  markFailed,
  markUnknown,
  noteLaunch,
  type CreatedVisit,
  type VisitKind,
  type VisitRecord,
} from '../visit-records';
import { statusFromVsee } from '../visit-status';
import { audit, type ClinicDeps, OutcomeUnknownError, type PatientContext } from './context';
import { settleOutcome } from './outcomes';

/** What one kind of visit says about itself; the skeleton does the rest, the same for all three. */
export interface VisitRecipe {
  action: 'launch_walkin' | 'launch_appointment' | 'launch_econsult';
  /** The create call, named as its VseeError names it. */
  endpoint: Extract<VseeEndpoint, 'visits/add_walkin' | 'visits' | 'visits/add_econsult'>;
  intake(memberId: string): Omit<IntakeInput, 'memberId'>;
  create(intakeId: string, sso: SsoSession, signal: AbortSignal): Promise<VseeVisit>;
  /** What the row keeps from VSee's answer beyond the id and status (appointment token, provider…). */
  details?(visit: VseeVisit): Partial<CreatedVisit>;
  /** Known before VSee is asked (the chosen slot), so even a lost answer leaves it on the row. */
  slot?: { startsAt: number; endsAt: number };
  /** The visit type the patient chose (its description), kept on the row with the slot. */
  visitType?: string;
}

/**
 * True when a failed create may still have created the visit: VSee did not refuse it, the answer was
 * just lost (timeout, dropped connection, 5xx, unreadable body). Such a create is never re-POSTed.
 */
function mayHaveCreated(error: unknown, endpoint: VseeEndpoint): boolean {
  return isVseeError(error) && error.endpoint === endpoint && error.kind !== 'rejected';
}

/**
 * The one create-visit skeleton: count → SSO → (an earlier attempt of this row settled first) →
 * intake → create → record, with the audit event. A create whose answer never came is found through
 * its intake (and VSee's visit list); if VSee cannot say yet, the row stays `unknown` and the patient
 * sees the page that checks by itself: nothing is ever created twice for one row.
 */
export async function createVisit(
  deps: ClinicDeps,
  ctx: PatientContext,
  claim: VisitRecord,
  recipe: VisitRecipe,
  sso: () => Promise<SsoSession>,
  signal: AbortSignal,
): Promise<VisitRecord> {
  let outcome: 'failure' | 'unknown' = 'failure';
  try {
    // Counted once the row is ours and the form was valid, before VSee is asked (docs/security.md A4).
    await ctx.allowNewVisit?.();
    const session = await sso();
    if (claim.vsee_intake_id) {
      // A retry of a row whose earlier attempt lost VSee's answer (or died): that visit may exist.
      const earlier = await settleOutcome(deps, { ...claim, status: 'unknown' }, sso, signal);
      if (earlier.kind === 'visit') return await recorded(deps, ctx, recipe, earlier.record);
      if (earlier.kind === 'unknown') {
        await markUnknown(deps.db, claim.id);
        outcome = 'unknown';
        throw new OutcomeUnknownError('the earlier attempt of this launch is not settled');
      }
    }
    const intake = await deps.vsee.createIntake(
      { memberId: session.userId, ...recipe.intake(session.userId) },
      session.token,
      signal,
    );
    // One write before the create: what a lost answer is later looked up by (and the chosen slot).
    await noteLaunch(deps.db, claim.id, {
      intakeId: intake.id,
      memberId: session.userId,
      startsAt: recipe.slot?.startsAt,
      endsAt: recipe.slot?.endsAt,
      visitType: recipe.visitType,
    });
    let visit: VseeVisit;
    try {
      visit = await recipe.create(intake.id, session, signal);
    } catch (error) {
      if (!mayHaveCreated(error, recipe.endpoint)) throw error;
      await markUnknown(deps.db, claim.id);
      outcome = 'unknown';
      const found = await settleOutcome(
        deps,
        { ...claim, status: 'unknown', vsee_intake_id: intake.id },
        sso,
      );
      if (found.kind === 'none') {
        outcome = 'failure';
        throw error;
      }
      if (found.kind === 'unknown') throw new OutcomeUnknownError('the create answer was lost');
      deps.logger.info({ endpoint: recipe.endpoint }, 'VSee created the visit but its answer was lost');
      return await recorded(deps, ctx, recipe, found.record);
    }
    const record = await markCreated(deps.db, claim.id, {
      vseeVisitId: visit.id,
      vseeIntakeId: intake.id,
      status: statusFromVsee(visit.status),
      ...recipe.details?.(visit),
    });
    return await recorded(deps, ctx, recipe, record);
  } catch (error) {
    if (outcome === 'failure') await markFailed(deps.db, claim.id);
    await audit(deps, ctx, recipe.action, outcome);
    throw error;
  }
}

async function recorded(
  deps: ClinicDeps,
  ctx: PatientContext,
  recipe: VisitRecipe,
  record: VisitRecord,
): Promise<VisitRecord> {
  await audit(deps, ctx, recipe.action, 'success', record.vsee_visit_id);
  return record;
}

/**
 * The claim loop every create flow shares. A new row goes to `owned`; a row already there (the same
 * form again, or the walk-in holding the patient's place) goes to `earlier`, which answers undefined
 * when that row turned out to have made nothing (or to be over): the launch is then claimed again.
 */
export async function launchOnce<T>(
  deps: ClinicDeps,
  ctx: PatientContext,
  kind: VisitKind,
  launchKey: string,
  steps: { owned(record: VisitRecord): Promise<T>; earlier(claim: LaunchClaim): Promise<T | undefined> },
): Promise<T> {
  for (let round = 0; round < 3; round++) {
    const claim = await claimLaunch(deps.db, ctx.patient.id, kind, launchKey, deps.abandonedAfterMs);
    if (claim.kind === 'owned') return steps.owned(claim.record);
    const result = await steps.earlier(claim);
    if (result !== undefined) return result;
  }
  throw new OutcomeUnknownError(`the ${kind} claim kept changing hands`);
}
