import type { SandboxVisit, VisitEventType, VisitStatus } from './models';

/** What a provider can do to a visit from the console (or a test through state.transition). */
export type VisitAction = 'accept' | 'start' | 'complete' | 'cancel';

export const VISIT_ACTIONS: readonly VisitAction[] = ['accept', 'start', 'complete', 'cancel'];

const OPEN: VisitStatus[] = ['10', '20', '25'];

/** Returns why `action` is not allowed on `visit` now, or undefined when it is. */
export function refusal(
  visit: SandboxVisit,
  action: VisitAction,
  providerId: string | null,
): string | undefined {
  switch (action) {
    case 'accept':
      if (visit.kind !== 'econsult')
        return 'Only an eConsult is accepted; other visits already have a provider.';
      if (visit.providerId !== null || visit.status !== '10') return 'This eConsult was already accepted.';
      if (providerId === null) return 'Choose the provider who accepts it.';
      return undefined;
    case 'start':
      if (visit.providerId === null) return 'Accept the eConsult before starting it.';
      if (visit.status !== '10' && visit.status !== '20')
        return 'Only a pending or confirmed visit can start.';
      return undefined;
    case 'complete':
      if (visit.status !== '25') return 'Only a visit in progress can be completed.';
      return undefined;
    case 'cancel':
      if (!OPEN.includes(visit.status)) return 'This visit is already closed.';
      return undefined;
  }
}

/** Applies an allowed action (check `refusal` first); `nowSec` is the sandbox clock in Unix seconds. */
export function applyAction(
  visit: SandboxVisit,
  action: VisitAction,
  providerId: string | null,
  nowSec: number,
): void {
  switch (action) {
    case 'accept':
      visit.providerId = providerId;
      visit.status = '20';
      break;
    case 'start':
      visit.status = '25';
      visit.actualStart = nowSec;
      break;
    case 'complete':
      visit.status = '30';
      visit.actualEnd = nowSec;
      visit.completedBy = visit.providerId;
      break;
    case 'cancel':
      visit.status = '40';
      visit.actualEnd = nowSec;
      visit.completedBy = providerId ?? visit.providerId;
      break;
  }
  visit.modified = nowSec;
}

/** The webhook VSee sends after the action: `visit.ended` when it closes the visit (docs/vsee-contract.md §10). */
export function eventOf(action: VisitAction): VisitEventType {
  return action === 'complete' || action === 'cancel' ? 'visit.ended' : 'visit.updated';
}

/** True while the visit can still be joined: not completed and not cancelled. */
export function isOpen(visit: SandboxVisit): boolean {
  return OPEN.includes(visit.status);
}
