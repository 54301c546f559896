import type { z } from 'zod';
import { VseeError, errorFromStatus, numericCode, type VseeEndpoint } from './errors';
import { parseRetryAfterMs } from './retry';

const NOT_JSON = Symbol('not JSON');

/** What we read off an HTTP answer; nothing else of it (headers, URL) reaches the interpretation. */
export interface RawAnswer {
  status: number;
  retryAfter: unknown;
  text: unknown;
}

/**
 * Turns an HTTP answer into the schema's domain value or throws the VseeError for it: non-2xx by
 * status, then unreadable JSON, then an error hidden in a 200 body, then the schema.
 */
export function interpretAnswer<T>(endpoint: VseeEndpoint, answer: RawAnswer, schema: z.ZodType<T>): T {
  const body = parseJson(answer.text);
  const { status } = answer;
  if (status < 200 || status >= 300) {
    const retryAfterMs = parseRetryAfterMs(answer.retryAfter);
    throw errorFromStatus(endpoint, status, body === NOT_JSON ? undefined : body, retryAfterMs);
  }
  if (body === NOT_JSON) throw new VseeError('bad_response', endpoint, { status });
  // Older third-party integration code (docs/vsee-contract.md §0) checks the body's `code`: some answers are HTTP 200 with
  // `{code: 4xx, message}` and no `data`. Treat those as the error they describe.
  const bodyCode = numericCode(body);
  if (bodyCode !== undefined && bodyCode >= 400 && !hasData(body))
    throw errorFromStatus(endpoint, bodyCode, body);
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    // Paths come from our schema (`data.token.token`), never values, so they are safe to log.
    const invalidFields = parsed.error.issues
      .slice(0, 5)
      .map((i) => i.path.map(String).join('.') || '(root)');
    throw new VseeError('bad_response', endpoint, { status, invalidFields });
  }
  return parsed.data;
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return NOT_JSON;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function hasData(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'data' in body;
}
