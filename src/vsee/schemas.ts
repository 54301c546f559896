import { z } from 'zod';
import type { Consultation, Intake, Provider, Room, Slot, SsoSession, VseeVisit } from './types';

// Tolerant where docs/vsee-contract.md marks things inferred or contradictory (ids and times as numbers or
// strings, two spellings of the appointment token and slot times), strict on what we need.

/** A VSee id: numeric string, number, or UUID-like string; always a string afterwards. */
const vseeId = z
  .union([z.string().trim().min(1).max(128), z.number().int().nonnegative()])
  .transform((v) => String(v));

/** Unix seconds as a number or a digit string (`"start":"1458095488"` vs `"created":1458095488`). */
const unixSeconds = z.union([
  z.number().nonnegative(),
  z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number),
]);

const optionalText = z
  .string()
  .nullish()
  .transform((v) => (v ? v : undefined));

/** Flags arrive as true/false, 1/0 or "1"/"0" depending on the endpoint's vintage. */
const looseFlag = z
  .union([z.boolean(), z.number(), z.string()])
  .nullish()
  .transform((v) =>
    v === undefined || v === null ? undefined : v === true || v === 1 || v === '1' || v === 'true',
  );

/** Something we can live without: a wrong shape becomes undefined instead of failing the call. */
const optionalPart = <T extends z.ZodType>(schema: T) => schema.nullish().catch(undefined);

const providerSchema = z
  .object({ id: vseeId, first_name: optionalText, last_name: optionalText, title: optionalText })
  .transform((p): Provider => ({ id: p.id, firstName: p.first_name, lastName: p.last_name, title: p.title }));

export const ssoAnswer = z
  .object({
    data: z.object({
      id: vseeId,
      token: z.object({ token: z.string().trim().min(1).max(512), expiry: unixSeconds }),
    }),
  })
  .transform(({ data }): SsoSession => ({
    userId: data.id,
    token: data.token.token,
    expiresAt: data.token.expiry,
  }));

export const intakeAnswer = z
  .object({ data: z.object({ id: vseeId }) })
  .transform(({ data }): Intake => ({ id: data.id }));

/**
 * `GET intakes/{id}`. The visit built from an intake names it (`intake.visit_id` in the add_walkin
 * sample, docs/vsee-contract.md §4), so an intake read back tells whether a lost answer had created a visit.
 */
export const intakeDetailAnswer = z
  .object({ data: z.object({ id: vseeId, visit_id: optionalPart(vseeId) }) })
  .transform(({ data }): Intake => ({ id: data.id, visitId: data.visit_id ?? undefined }));

const visitData = z
  .object({
    id: vseeId,
    code: optionalText,
    type: vseeId,
    status: vseeId,
    member_id: vseeId.nullish(),
    provider_id: vseeId.nullish(),
    start: unixSeconds.nullish(),
    end: unixSeconds.nullish(),
    // PHP encodes an empty object as [], so a missing provider may arrive in any shape.
    provider: optionalPart(providerSchema),
    // docs/vsee-contract.md §5: the field name is unconfirmed; docs/vsee-contract.md sends the same value in both.
    one_time_link_token: optionalPart(z.string().trim().min(1).max(512)),
    token: optionalPart(z.string().trim().min(1).max(512)),
    intake_id: optionalPart(vseeId),
    intake: optionalPart(z.object({ id: vseeId })),
  })
  .transform((v): VseeVisit => ({
    id: v.id,
    code: v.code,
    type: v.type,
    status: v.status,
    memberId: v.member_id ?? undefined,
    providerId: v.provider_id ?? undefined,
    start: v.start ?? undefined,
    end: v.end ?? undefined,
    provider: v.provider ?? undefined,
    oneTimeToken: v.one_time_link_token ?? v.token ?? undefined,
    intakeId: v.intake_id ?? v.intake?.id ?? undefined,
  }));

export const visitAnswer = z.object({ data: visitData }).transform(({ data }) => data);

/**
 * `GET visits` (admin). Only the items' `id` and `status` are documented; an item that cannot be read
 * is left out rather than failing the whole list, since the list is only searched for one visit.
 */
export const visitListAnswer = z.object({ data: z.array(z.unknown()) }).transform(({ data }): VseeVisit[] =>
  data.flatMap((item) => {
    const parsed = visitData.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  }),
);

const slotItem = z
  .object({
    start: unixSeconds.nullish(),
    end: unixSeconds.nullish(),
    slot_start: unixSeconds.nullish(),
    slot_end: unixSeconds.nullish(),
    provider_id: vseeId.nullish(),
    provider: optionalPart(providerSchema),
  })
  .transform((s, ctx): Slot => {
    const start = s.start ?? s.slot_start;
    const end = s.end ?? s.slot_end;
    const providerId = s.provider_id ?? s.provider?.id;
    if (start == null || end == null || providerId === undefined) {
      ctx.addIssue({ code: 'custom', message: 'slot needs start, end and provider' });
      return z.NEVER;
    }
    const name = [s.provider?.firstName, s.provider?.lastName].filter(Boolean).join(' ');
    return { start, end, providerId, providerName: name || undefined };
  });

export const availabilityAnswer = z
  .object({ data: z.array(slotItem) })
  .transform(({ data }) => [...data].sort((a, b) => a.start - b.start));

const consultationSchema = z
  .object({
    id: vseeId,
    description: optionalText,
    duration: unixSeconds.nullish(),
  })
  .transform((c): Consultation => ({
    id: c.id,
    description: c.description,
    duration: c.duration ?? undefined,
  }));

const enabledFlag = optionalPart(z.object({ enabled: looseFlag }));

export const roomAnswer = z
  .object({
    data: z.object({
      id: vseeId.nullish(),
      code: z.string().trim().min(1),
      name: optionalText,
      slug: optionalText,
      provider_ids: optionalPart(z.array(vseeId)),
      visits: optionalPart(z.object({ walkin: enabledFlag, appointment: enabledFlag })),
      payment: optionalPart(z.object({ consultations: optionalPart(z.array(consultationSchema)) })),
      operation_settings: optionalPart(z.object({ is_closed: looseFlag, default_timezone: optionalText })),
    }),
  })
  .transform(({ data: r }): Room => ({
    id: r.id ?? undefined,
    code: r.code,
    name: r.name,
    slug: r.slug,
    walkinEnabled: r.visits?.walkin?.enabled,
    appointmentEnabled: r.visits?.appointment?.enabled,
    isClosed: r.operation_settings?.is_closed,
    defaultTimezone: r.operation_settings?.default_timezone,
    providerIds: r.provider_ids ?? [],
    consultations: r.payment?.consultations ?? [],
  }));
