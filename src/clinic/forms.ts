import { z } from 'zod';

const launchKey = z.uuid({ error: 'This form has expired. Reload the page and try again.' });
const optionalText = (max: number, label: string) =>
  z
    .string({ error: `${label} must be text` })
    .trim()
    .max(max, `${label} must be ${max} characters or fewer`)
    .optional()
    .transform((v) => (v ? v : undefined));

export const walkinSchema = z.object({
  launch_key: launchKey,
  reason: optionalText(500, 'The reason'),
});

/** A slot travels as `start-end-providerId` (Unix seconds, VSee provider id). */
export const SLOT_VALUE = /^(\d{9,11})-(\d{9,11})-([A-Za-z0-9_-]{1,64})$/;

export const appointmentSchema = z.object({
  launch_key: launchKey,
  slot: z.string({ error: 'Choose a time' }).regex(SLOT_VALUE, 'Choose a time'),
  reason: optionalText(500, 'The reason'),
  tz: z.string().max(64).optional(),
});

export const econsultSchema = z.object({
  launch_key: launchKey,
  reason: z
    .string({ error: 'Tell us what your question is about' })
    .trim()
    .min(1, 'Tell us what your question is about')
    .max(200, 'Keep the reason to 200 characters; put the rest under details'),
  details: optionalText(4000, 'Details'),
});

/** Our visit ids in URLs: positive integers only. */
export const visitIdParam = z.coerce.number().int().positive();
