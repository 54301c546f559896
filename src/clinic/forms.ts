import { z } from 'zod';

// Messages are translation keys (locales/*.json), translated where the form is shown.
const launchKey = z.uuid({ error: 'form.expired' });
const optionalText = (max: number, messages: { notText: string; tooLong: string }) =>
  z
    .string({ error: messages.notText })
    .trim()
    .max(max, messages.tooLong)
    .optional()
    .transform((v) => (v ? v : undefined));

const REASON = { notText: 'form.reasonNotText', tooLong: 'form.reasonTooLong' };

export const walkinSchema = z.object({
  launch_key: launchKey,
  reason: optionalText(500, REASON),
});

/** A slot travels as `start-end-providerId` (Unix seconds, VSee provider id). */
export const SLOT_VALUE = /^(\d{9,11})-(\d{9,11})-([A-Za-z0-9_-]{1,64})$/;

export const appointmentSchema = z.object({
  launch_key: launchKey,
  slot: z.string({ error: 'form.slotMissing' }).regex(SLOT_VALUE, 'form.slotMissing'),
  reason: optionalText(500, REASON),
  tz: z.string().max(64).optional(),
  /** The visit type (the room's consultation id); checked against the room's list by the handler. */
  type: z.string().max(64).optional(),
});

export const econsultSchema = z.object({
  launch_key: launchKey,
  reason: z
    .string({ error: 'form.questionMissing' })
    .trim()
    .min(1, 'form.questionMissing')
    .max(200, 'form.questionTooLong'),
  details: optionalText(4000, { notText: 'form.detailsNotText', tooLong: 'form.detailsTooLong' }),
});

/** Our visit ids in URLs: positive integers only. */
export const visitIdParam = z.coerce.number().int().positive();
