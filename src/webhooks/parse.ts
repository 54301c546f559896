import { z } from 'zod';
import { statusFromVsee, type VisitStatus } from '../clinic/visit-status';

/** The VSee events that say something about a visit's status (docs/vsee-contract.md §10). */
export const VISIT_EVENT_TYPES = ['visit.created', 'visit.updated', 'visit.ended'] as const;
export type VisitEventType = (typeof VISIT_EVENT_TYPES)[number];

/** One VSee visit event, whichever webhook version carried it. */
export interface VisitEvent {
  /** VSee's event id: the same id delivered twice is applied once. */
  id: string;
  type: VisitEventType;
  /** VSee's visit id (`data.id`). */
  visitId: string;
  status: VisitStatus;
  /** When VSee says it happened (`created`), never later than when we received it. */
  at: Date;
  version: 1 | 2;
  /** The clinic the event is about: `account_code` (v1) or `clinic_code` (v2). */
  clinicCode: string;
}

export type ParsedWebhook =
  | { kind: 'visit'; event: VisitEvent }
  | { kind: 'ignored'; type: string }
  | { kind: 'invalid'; problems: string[] };

/**
 * v2 sends status words; only `cancelled` and `completed` appear in VSee's samples, the rest are
 * inferred (docs/vsee-contract.md §8), so spelling variants are accepted. A word we do not know counts as
 * `pending`, which can never move a visit (see visit-status.ts) — tolerant, never destructive.
 */
const WORDS: Record<string, VisitStatus> = {
  new: 'pending',
  pending: 'pending',
  open: 'pending',
  waiting: 'pending',
  confirmed: 'confirmed',
  scheduled: 'confirmed',
  accepted: 'confirmed',
  in_progress: 'in_progress',
  inprogress: 'in_progress',
  progress: 'in_progress',
  started: 'in_progress',
  completed: 'completed',
  complete: 'completed',
  ended: 'completed',
  closed: 'completed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
};

function statusOf(raw: string): VisitStatus {
  if (/^\d+$/.test(raw)) return statusFromVsee(raw);
  return (
    WORDS[
      raw
        .trim()
        .toLowerCase()
        .replace(/[\s-]+/g, '_')
    ] ?? 'pending'
  );
}

const id = z.union([z.string(), z.number().int().nonnegative()]).transform(String);
const unixTime = z.union([
  z.number(),
  z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .transform(Number),
]);

const envelope = z.object({ type: z.string().min(1).max(100) });

const visitEvent = z
  .object({
    version: z.union([z.string(), z.number()]).optional(),
    id: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9._:-]+$/, 'must be an event id'),
    type: z.enum(VISIT_EVENT_TYPES),
    created: unixTime.optional(),
    account_code: z.string().max(200).optional(),
    clinic_code: z.string().max(200).optional(),
    data: z.object({
      id: id.pipe(z.string().min(1).max(64)),
      status: id.pipe(z.string().min(1).max(40)),
    }),
  })
  .refine((e) => e.account_code !== undefined || e.clinic_code !== undefined, {
    message: 'account_code (v1) or clinic_code (v2) is required',
    path: ['account_code'],
  });

/** VSee sends Unix seconds; milliseconds are accepted too. A time in the future means "now". */
function eventTime(created: number | undefined, receivedAt: Date): Date {
  if (created === undefined || !Number.isFinite(created) || created <= 0) return receivedAt;
  const ms = created > 1e12 ? created : created * 1000;
  return new Date(Math.min(ms, receivedAt.getTime()));
}

/**
 * Reads a webhook body of either version into one event: v1 (`account_code`, numeric-string
 * status) or v2 (`clinic_code`, status words). Other event types are recognised and ignored.
 */
export function parseWebhook(body: unknown, receivedAt = new Date()): ParsedWebhook {
  const head = envelope.safeParse(body);
  if (!head.success) return { kind: 'invalid', problems: problemsOf(head.error) };
  if (!(VISIT_EVENT_TYPES as readonly string[]).includes(head.data.type)) {
    return { kind: 'ignored', type: head.data.type };
  }
  const parsed = visitEvent.safeParse(body);
  if (!parsed.success) return { kind: 'invalid', problems: problemsOf(parsed.error) };
  const e = parsed.data;
  const v2 = String(e.version ?? '').startsWith('2') || (e.clinic_code !== undefined && !e.account_code);
  return {
    kind: 'visit',
    event: {
      id: e.id,
      type: e.type,
      visitId: e.data.id,
      status: statusOf(e.data.status),
      at: eventTime(e.created, receivedAt),
      version: v2 ? 2 : 1,
      clinicCode: (e.account_code ?? e.clinic_code)!,
    },
  };
}

/** Field paths and messages only: never the values, which may hold patient data. */
function problemsOf(error: z.ZodError): string[] {
  return error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
}
