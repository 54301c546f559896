/** Knob names of the API endpoints; the request log uses the same names. */
export const ENDPOINTS = [
  'users/sso',
  'intakes',
  'intakes/:id',
  'visits/add_walkin',
  'availability',
  'visits',
  'visits/add_econsult',
  'visits/:id',
  'visits/list',
  'rooms/:code',
  'rooms/:code/providers',
] as const;

export type EndpointName = (typeof ENDPOINTS)[number];
export type KnobTarget = EndpointName | '*';

/**
 * - `status`: answer `{code,message}` with that status;
 * - `hang`: never answer (until the client gives up or the sandbox closes);
 * - `drop`: destroy the connection without an answer;
 * - `malformed`: 200 with a truncated JSON body;
 * - `missing_field`: the real answer with one field of `data` removed.
 */
export type FailureMode = 'status' | 'hang' | 'drop' | 'malformed' | 'missing_field';

export interface FailureSpec {
  /** For mode `status` (default 500). */
  status?: number;
  /** How many of the next calls fail (default 1). */
  times?: number;
  mode?: FailureMode;
  /** For `missing_field`: a dot path inside `data` (default `token.token` for SSO, `id` elsewhere). */
  field?: string;
  /**
   * `before` (default): fail instead of doing the work. `after`: do the work (the visit is created)
   * and then fail the answer — the "VSee timed out but the visit exists" case.
   */
  when?: 'before' | 'after';
}

export interface Failure {
  mode: FailureMode;
  status: number;
  /** Undefined until taken: the default depends on the endpoint that takes it (a `'*'` failure may hit any). */
  field?: string;
  when: 'before' | 'after';
}

interface Queued {
  failure: Failure;
  remaining: number;
}

/** Thrown for a knob call that names no endpoint or has impossible values, so a typo cannot pass silently. */
export class KnobError extends Error {
  override name = 'KnobError';
}

function checkTarget(endpoint: string): KnobTarget {
  if (endpoint === '*' || (ENDPOINTS as readonly string[]).includes(endpoint)) return endpoint as KnobTarget;
  throw new KnobError(`Unknown endpoint "${endpoint}"; use one of ${ENDPOINTS.join(', ')} or *`);
}

/** Fault injection for tests: latency per endpoint and queued failures. */
export class SandboxKnobs {
  private latency = new Map<KnobTarget, number>();
  private failures = new Map<KnobTarget, Queued[]>();

  /** Delays every answer of `endpoint` (or of all endpoints, `'*'`) by `ms`; 0 removes the delay. */
  setLatency(endpoint: KnobTarget, ms: number): void {
    const target = checkTarget(endpoint);
    if (!Number.isFinite(ms) || ms < 0) throw new KnobError('Latency must be a number of milliseconds ≥ 0');
    if (ms === 0) this.latency.delete(target);
    else this.latency.set(target, ms);
  }

  /** Makes the next `times` calls of `endpoint` fail as described; calls queue up in order. */
  failNext(endpoint: KnobTarget, spec: FailureSpec = {}): void {
    const target = checkTarget(endpoint);
    const mode = spec.mode ?? 'status';
    const status = spec.status ?? 500;
    const times = spec.times ?? 1;
    if (!Number.isInteger(status) || status < 200 || status > 599)
      throw new KnobError('Status must be 200–599');
    if (!Number.isInteger(times) || times < 1) throw new KnobError('Times must be a whole number ≥ 1');
    const queue = this.failures.get(target) ?? [];
    queue.push({
      failure: { mode, status, field: spec.field, when: spec.when ?? 'before' },
      remaining: times,
    });
    this.failures.set(target, queue);
  }

  /** Removes every latency and queued failure. */
  reset(): void {
    this.latency.clear();
    this.failures.clear();
  }

  /** Delay for a call of `endpoint`: its own setting, else the `'*'` one. */
  latencyFor(endpoint: EndpointName): number {
    return this.latency.get(endpoint) ?? this.latency.get('*') ?? 0;
  }

  /** Consumes and returns the failure due for this call of `endpoint`, if any (own queue first). */
  takeFailure(endpoint: EndpointName): Failure | undefined {
    for (const target of [endpoint, '*'] as const) {
      const queue = this.failures.get(target);
      const head = queue?.[0];
      if (!queue || !head) continue;
      head.remaining -= 1;
      if (head.remaining === 0) queue.shift();
      return {
        ...head.failure,
        field: head.failure.field ?? (endpoint === 'users/sso' ? 'token.token' : 'id'),
      };
    }
    return undefined;
  }

  /** What is set now, for `GET /_sandbox/knobs`. */
  snapshot(): {
    latency: Record<string, number>;
    failures: Record<string, (Failure & { remaining: number })[]>;
  } {
    const failures: Record<string, (Failure & { remaining: number })[]> = {};
    for (const [target, queue] of this.failures) {
      if (queue.length > 0) failures[target] = queue.map((q) => ({ ...q.failure, remaining: q.remaining }));
    }
    return { latency: Object.fromEntries(this.latency), failures };
  }
}
