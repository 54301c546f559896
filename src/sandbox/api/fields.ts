import { z } from 'zod';
import { ApiError } from './api-error';

/** A scalar field as forms send it (string) or JSON sends it (string or number), trimmed. */
const scalar = z.union([z.string(), z.number()]).transform((v) => String(v).trim());

/** A field that must be present and non-empty. */
export const required = scalar.pipe(z.string().min(1));

/** A field that may be absent or empty; empty means absent. */
export const optional = z
  .union([scalar, z.null()])
  .optional()
  .transform((v) => (v === undefined || v === null || v === '' ? null : v));

/** Unix seconds as a non-negative integer, from a string or a number. */
export const unixSeconds = scalar
  .pipe(z.string().regex(/^\d{1,11}$/, 'must be Unix seconds'))
  .transform(Number);

/** A numeric-string VSee id (`"501"`); pipe `optional` or `required` into it. */
export const numericId = z.string().regex(/^\d+$/, 'must be a numeric id');

/** `0/1/true/false` as forms and JSON send flags. */
export const flag = z
  .union([z.boolean(), z.number(), z.string()])
  .transform((v) => v === true || v === 1 || v === '1' || v === 'true');

/** Parses `input` or throws a 400 naming the first bad field. */
export function parseFields<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'body';
  const missing =
    issue?.code === 'invalid_type' || issue?.code === 'too_small' || issue?.code === 'invalid_union';
  throw new ApiError(
    400,
    missing ? `Missing or invalid field: ${field}` : `Invalid field ${field}: ${issue?.message}`,
  );
}

/** Body fields, whichever parser produced them (Express 5 leaves req.body undefined when none ran). */
export function bodyOf(body: unknown): Record<string, unknown> {
  return body !== null && typeof body === 'object' && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}
