import { compiledQuery } from '../db/compiled';
import type { Db } from '../db/connection';
import type { Visit } from '../db/schema';
import type { Clock } from './time-zones';
import { APPOINTMENT_OPENS_BEFORE_SECONDS, type StatusTone, visitRow } from './view-models';
import { OPEN_STATUSES } from './visit-status';

export interface DashboardSummary {
  walkin?: { id: number; when: string; inProgress: boolean };
  appointment?: { id: number; when: string; provider: string | null; canOpen: boolean; opensAt: string };
  econsults: Array<{
    id: number;
    when: string;
    statusLabel: string;
    statusTone: StatusTone;
    statusMark: string;
  }>;
}

// Every dashboard view reads it: compiled once (src/db/compiled.ts).
const selectOpenVisits = compiledQuery<{ accountId: number }, Visit>((db, param) =>
  db
    .selectFrom('visits')
    .selectAll()
    .where('account_id', '=', param('accountId'))
    .where('status', 'in', OPEN_STATUSES)
    .orderBy('created_at', 'desc')
    .limit(50),
);

/**
 * What the dashboard tells a patient before the four actions: a walk-in still open, the next
 * appointment, the questions still waiting. From our own records (My visits asks VSee for fresh
 * statuses; the dashboard must open fast and without VSee).
 */
export async function dashboardSummary(
  db: Db,
  accountId: number,
  clock: Clock,
  nowMs = Date.now(),
): Promise<DashboardSummary> {
  const { rows: open } = await selectOpenVisits(db, { accountId });
  const now = Math.floor(nowMs / 1000);
  const walkin = open.find((v) => v.kind === 'walkin');
  const next = open
    .filter((v) => v.kind === 'appointment' && v.starts_at !== null && (v.ends_at ?? v.starts_at) > now)
    .sort((a, b) => a.starts_at! - b.starts_at!)[0];
  return {
    walkin: walkin && {
      id: walkin.id,
      when: clock.moment(Math.floor(Date.parse(walkin.created_at) / 1000)),
      inProgress: walkin.status === 'in_progress',
    },
    appointment: next && {
      id: next.id,
      when: clock.moment(next.starts_at!),
      provider: next.provider_name,
      canOpen: next.starts_at! - APPOINTMENT_OPENS_BEFORE_SECONDS <= now,
      opensAt: clock.moment(next.starts_at! - APPOINTMENT_OPENS_BEFORE_SECONDS),
    },
    econsults: open
      .filter((v) => v.kind === 'econsult')
      .map((v) => {
        const row = visitRow(v, clock, nowMs);
        return {
          id: v.id,
          when: row.when,
          statusLabel: row.statusLabel,
          statusTone: row.statusTone,
          statusMark: row.statusMark,
        };
      }),
  };
}
