import { flowDeadline, isVseeError, type VseeEndpoint, type VseeVisit } from '../../vsee';
import type { ClinicDeps } from './context';

/** Time allowed to read an intake back after a failed create (the flow's own budget may be spent). */
const RECONCILE_MS = 5_000;

/**
 * True when a failed create may still have created the visit: VSee did not refuse it, the answer
 * was just lost (timeout, dropped connection, 5xx, unreadable body).
 */
function mayHaveCreated(error: unknown, endpoint: VseeEndpoint): boolean {
  return isVseeError(error) && error.endpoint === endpoint && error.kind !== 'rejected';
}

/**
 * The id of the visit VSee built from this intake, if VSee says one exists (the intake names its
 * visit, VSEE_API.md §4); undefined when there is none or VSee cannot tell right now.
 */
export async function visitFromIntake(
  deps: ClinicDeps,
  intakeId: string,
  token: string,
): Promise<string | undefined> {
  try {
    return (await deps.vsee.getIntake(intakeId, token, flowDeadline(RECONCILE_MS))).visitId;
  } catch (error) {
    if (!isVseeError(error)) throw error;
    deps.logger.warn({ kind: error.kind }, 'could not read the intake back to look for its visit');
    return undefined;
  }
}

export type CreatedOrFound = { visit: VseeVisit; recovered: false } | { visitId: string; recovered: true };

/**
 * Runs one create POST; if its answer is lost, looks the visit up through its intake instead of
 * posting again (SECURITY O2: never blind-retry a POST; reconcile). Rethrows when nothing is found.
 */
export async function createOrRecover(
  deps: ClinicDeps,
  endpoint: VseeEndpoint,
  intakeId: string,
  token: string,
  create: () => Promise<VseeVisit>,
): Promise<CreatedOrFound> {
  try {
    return { visit: await create(), recovered: false };
  } catch (error) {
    if (!mayHaveCreated(error, endpoint)) throw error;
    const visitId = await visitFromIntake(deps, intakeId, token);
    if (!visitId) throw error;
    deps.logger.info(
      { endpoint },
      'VSee created the visit but its answer was lost; recovered it through the intake',
    );
    return { visitId, recovered: true };
  }
}
