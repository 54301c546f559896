import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

export type FormResult<T> =
  { ok: true; data: T } | { ok: false; errors: FieldErrors; values: Record<string, string> };

/**
 * Validates a posted form. On failure, returns one message per field (the first) and the values
 * as typed, so the page can show each message beside its field and keep everything else filled in.
 * A repeated field (`email=a&email=b`) arrives as an array and fails validation like any bad value.
 */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.infer<S>> {
  const raw = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '_form');
    errors[field] ??= issue.message;
  }
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string' && !/password|_csrf/.test(key)) values[key] = value;
  }
  return { ok: false, errors, values };
}
