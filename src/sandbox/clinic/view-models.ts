import { VISIT_STATUS_LABELS, type SandboxUser, type SandboxVisit } from '../models';
import type { SandboxState } from '../state';

/** A visit prepared for a page: plain strings only, so templates stay logic-free. */
export interface VisitView {
  id: string;
  code: string;
  kind: string;
  statusCode: string;
  status: string;
  patientName: string;
  providerName: string;
  /** ISO 8601 UTC. */
  start: string;
  reason: string;
}

const KIND_LABELS: Record<SandboxVisit['kind'], string> = {
  walkin: 'Walk-in',
  appointment: 'Appointment',
  econsult: 'eConsult',
};

/** "First Last". */
export function fullName(user: Pick<SandboxUser, 'first_name' | 'last_name'> | undefined): string {
  return user ? `${user.first_name} ${user.last_name}` : 'unknown';
}

/** Builds the page view of a visit. */
export function visitView(visit: SandboxVisit, state: SandboxState): VisitView {
  const provider = visit.providerId === null ? undefined : state.providers.get(visit.providerId);
  return {
    id: visit.id,
    code: visit.code,
    kind: KIND_LABELS[visit.kind],
    statusCode: visit.status,
    status: VISIT_STATUS_LABELS[visit.status],
    patientName: fullName(state.users.get(visit.memberId)),
    providerName: provider ? `${provider.title} ${fullName(provider)}`.trim() : 'Not yet assigned',
    start: new Date(visit.start * 1000).toISOString(),
    reason: state.intakes.get(visit.intakeId)?.reason_for_visit ?? '',
  };
}
