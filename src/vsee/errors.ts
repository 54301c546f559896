/** What went wrong, in the terms a flow decides on (retry page, "VSee is down" page, bug report). */
export type VseeErrorKind = 'unavailable' | 'rejected' | 'timeout' | 'bad_response';

/** The VSee paths we call, as templates (no ids): safe for logs and low-cardinality for metrics. */
export type VseeEndpoint =
  | 'users/sso'
  | 'intakes'
  | 'visits/add_walkin'
  | 'availability'
  | 'visits'
  | 'visits/add_econsult'
  | 'visits/:id'
  /** GET visits: the clinic's visit list (admin token), searched for a create whose answer was lost. */
  | 'visits/list'
  | 'rooms/:code'
  | 'intakes/:id'
  /** A browser URL we build (urls.ts), not an API call. */
  | 'auth';

/** The only cause we keep: a Node/axios error code such as `ECONNRESET`, never a message, URL or header. */
export interface SafeCause {
  code: string;
}

export interface VseeErrorDetails {
  status?: number;
  vseeCode?: number;
  retryable?: boolean;
  retryAfterMs?: number;
  invalidFields?: string[];
  cause?: SafeCause;
}

const RETRYABLE_BY_DEFAULT: Record<VseeErrorKind, boolean> = {
  unavailable: true,
  timeout: true,
  rejected: false,
  bad_response: false,
};

/**
 * The one error VseeClient throws. Its message is fixed ("VSee visits/add_walkin failed: unavailable"):
 * VSee's own message text, URLs, headers, tokens and bodies never go into it, its cause or its JSON,
 * because errors end up in logs and error pages (docs/security.md L1).
 */
export class VseeError extends Error {
  readonly kind: VseeErrorKind;
  readonly endpoint: VseeEndpoint;
  /** HTTP status VSee answered with, when it answered. */
  readonly status?: number;
  /** VSee's numeric `code` from its `{code, message}` error body. */
  readonly vseeCode?: number;
  /** True when the same call may succeed if tried again (only GETs are retried automatically). */
  readonly retryable: boolean;
  /** VSee's Retry-After in ms, when it sent one. */
  readonly retryAfterMs?: number;
  /** Schema paths that were missing or malformed in VSee's answer (e.g. `data.token.token`). */
  readonly invalidFields?: string[];

  constructor(kind: VseeErrorKind, endpoint: VseeEndpoint, details: VseeErrorDetails = {}) {
    super(
      `VSee ${endpoint} failed: ${kind}`,
      details.cause ? { cause: { code: details.cause.code } } : undefined,
    );
    this.name = 'VseeError';
    this.kind = kind;
    this.endpoint = endpoint;
    this.status = details.status;
    this.vseeCode = details.vseeCode;
    this.retryable = details.retryable ?? RETRYABLE_BY_DEFAULT[kind];
    this.retryAfterMs = details.retryAfterMs;
    this.invalidFields = details.invalidFields;
  }

  /** What pino and JSON.stringify see: the safe fields only. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      kind: this.kind,
      endpoint: this.endpoint,
      status: this.status,
      vseeCode: this.vseeCode,
      retryable: this.retryable,
      invalidFields: this.invalidFields,
    };
  }
}

/** True for errors thrown by VseeClient and the URL builders. */
export function isVseeError(error: unknown): error is VseeError {
  return error instanceof VseeError;
}

/** Maps a non-2xx HTTP answer to a VseeError (the one place statuses get a meaning). */
export function errorFromStatus(
  endpoint: VseeEndpoint,
  status: number,
  body: unknown,
  retryAfterMs?: number,
): VseeError {
  const vseeCode = numericCode(body);
  // A redirect is never followed (docs/security.md C3): an API that redirects is not answering as documented.
  if (status >= 300 && status < 400) return new VseeError('bad_response', endpoint, { status, vseeCode });
  // 429 is VSee asking us to slow down, not refusing the request: the patient should try again later.
  if (status === 429) return new VseeError('unavailable', endpoint, { status, vseeCode, retryAfterMs });
  if (status >= 400 && status < 500) return new VseeError('rejected', endpoint, { status, vseeCode });
  if (status >= 500) return new VseeError('unavailable', endpoint, { status, vseeCode, retryAfterMs });
  return new VseeError('bad_response', endpoint, { status, vseeCode });
}

/** VSee's numeric `code` from an error body (number or numeric string), if any. */
export function numericCode(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null || !('code' in body)) return undefined;
  const code = (body as { code: unknown }).code;
  if (typeof code === 'number' && Number.isInteger(code)) return code;
  if (typeof code === 'string' && /^\d{3}$/.test(code)) return Number(code);
  return undefined;
}
