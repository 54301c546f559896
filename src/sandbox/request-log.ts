import type { IncomingHttpHeaders } from 'node:http';

/** One API call as the sandbox saw it. Secrets are masked; everything else is as received. */
export interface SandboxRequest {
  /** Knob name of the endpoint (`'users/sso'`, `'visits/:id'`, …) or `'(unmatched)'`. */
  endpoint: string;
  method: string;
  /** Path as requested, prefix and `.json` included, query string excluded. */
  path: string;
  /** Lower-case names as Node gives them; lookups ignore case (`headers['X-ApiToken']` works too). */
  headers: Record<string, string>;
  tokenKind?: 'patient' | 'admin' | 'none' | 'unknown';
  /** Query parameters merged with body fields (body wins). */
  fields: Record<string, unknown>;
  /** HTTP status answered; 0 while unanswered, or when a knob hung or dropped the request. */
  status: number;
}

export const UNMATCHED_ENDPOINT = '(unmatched)';

/** Headers whose values are credentials: the log keeps only a recognisable prefix. */
const SECRET_HEADERS = new Set(['x-apikey', 'x-apisecret', 'x-apitoken', 'authorization', 'cookie']);

/** Keeps a recognisable prefix so a test can tell which credential was sent, never the whole value. */
export function mask(value: string): string {
  return `${value.length > 8 ? value.slice(0, 4) : ''}…(masked)`;
}

/** A header map whose lookups ignore case, like HTTP header names. */
function caseInsensitive(headers: Record<string, string>): Record<string, string> {
  return new Proxy(headers, {
    get: (target, key, receiver) =>
      Reflect.get(target, typeof key === 'string' ? key.toLowerCase() : key, receiver) as unknown,
    has: (target, key) => Reflect.has(target, typeof key === 'string' ? key.toLowerCase() : key),
  });
}

/** Request headers as a flat map with credentials masked. */
export function maskedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    out[name] = SECRET_HEADERS.has(name) ? mask(value) : value;
  }
  return caseInsensitive(out);
}

/** Bounded so a benchmark's hundred thousand calls cannot exhaust memory; tests read far fewer. */
const MAX_ENTRIES = 10_000;

/** The calls the sandbox received, oldest first. */
export class RequestLog {
  private list: SandboxRequest[] = [];

  /** Stores the entry and returns it so the caller can fill in endpoint and status later. */
  record(entry: SandboxRequest): SandboxRequest {
    this.list.push(entry);
    if (this.list.length > MAX_ENTRIES) this.list.shift();
    return entry;
  }

  entries(): SandboxRequest[] {
    return this.list.map((e) => ({ ...e }));
  }

  clear(): void {
    this.list = [];
  }
}
