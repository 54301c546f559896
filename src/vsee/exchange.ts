import { performance } from 'node:perf_hooks';
import type { AxiosInstance } from 'axios';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { VseeSettings } from '../config';
import type { Metrics } from '../ops/metrics';
import { interpretAnswer } from './answers';
import { CallAbort } from './call-abort';
import { isVseeError, type VseeEndpoint } from './errors';
import { errorFromTransport } from './transport';

export type Auth = { kind: 'apiKey' } | { kind: 'token'; token: string } | { kind: 'public' };

export interface Call<T> {
  method: 'GET' | 'POST';
  endpoint: VseeEndpoint;
  /** Relative to the API base, no leading '/', so the base's path prefix is kept. */
  path: string;
  auth: Auth;
  body?: Record<string, unknown>;
  query?: Record<string, string | number | undefined>;
  answer: z.ZodType<T>;
  signal?: AbortSignal;
}

/**
 * One HTTP exchange with VSee: the URL and auth headers, the per-call timeout (docs/security.md O1), the
 * answer read and checked, one log line. Retries and the breaker are the client's (client.ts).
 */
export class VseeExchange {
  private readonly callMs: number;
  private readonly logger?: Logger;
  private readonly metrics?: Metrics;

  constructor(
    private readonly settings: VseeSettings,
    private readonly http: AxiosInstance,
    private readonly apiBase: URL,
    options: { callMs: number; logger?: Logger; metrics?: Metrics },
  ) {
    this.callMs = options.callMs;
    this.logger = options.logger;
    this.metrics = options.metrics;
  }

  async attempt<T>(call: Call<T>, attempt: number): Promise<T> {
    const started = performance.now();
    // Aborted by our timer or by the caller's (flow) signal; the listener on the flow's signal is
    // removed when the call ends, so a long flow does not collect them.
    const aborts = new CallAbort();
    let callTimedOut = false;
    const timer = setTimeout(() => {
      callTimedOut = true;
      aborts.abort();
    }, this.callMs);
    timer.unref();
    const onCallerAbort = () => aborts.abort();
    if (call.signal?.aborted) aborts.abort();
    else call.signal?.addEventListener('abort', onCallerAbort, { once: true });
    let status: number | undefined;
    let vseeCode: number | undefined;
    let outcome = 'ok';
    try {
      const response = await this.http.request<string>({
        method: call.method,
        url: this.urlFor(call.path, call.query),
        headers: this.headersFor(call),
        // JSON, not form encoding: the contract accepts it (customportal demos), it keeps numbers
        // and strings apart, and one body format means one thing for the sandbox to check.
        // Serialised here (undefined fields are left out) so axios's request transform has no work.
        data: call.body ? JSON.stringify(call.body) : undefined,
        signal: aborts,
      });
      status = response.status;
      const raw = { status, retryAfter: response.headers['retry-after'], text: response.data };
      return interpretAnswer(call.endpoint, raw, call.answer);
    } catch (error) {
      const vseeError = isVseeError(error)
        ? error
        : errorFromTransport(call.endpoint, error, {
            callerAborted: call.signal?.aborted ?? false,
            callTimedOut,
          });
      outcome = vseeError.kind;
      status ??= vseeError.status;
      vseeCode = vseeError.vseeCode;
      throw vseeError;
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onCallerAbort);
      const seconds = (performance.now() - started) / 1000;
      this.metrics?.vseeRequestDuration.observe({ endpoint: call.endpoint, outcome }, seconds);
      // One line per call; never the URL (ids, query), headers, bodies or VSee's message text (it may
      // name the patient). A failure is a warning an operator can act on: endpoint, status, VSee's code.
      // A success is logged only at debug, and its line is built only when debug is on (hot path).
      if (outcome !== 'ok' || this.logger?.isLevelEnabled('debug')) {
        const ms = Math.round(seconds * 1000);
        const vsee = { endpoint: call.endpoint, method: call.method, attempt, status, vseeCode, ms, outcome };
        if (outcome === 'ok') this.logger?.debug({ vsee }, 'vsee call');
        else
          this.logger?.warn(
            { vsee },
            `vsee ${call.endpoint} failed: ${outcome}${status ? ` (HTTP ${status})` : ''}`,
          );
      }
    }
  }

  private urlFor(path: string, query: Call<unknown>['query']): string {
    if (path.startsWith('/')) throw new Error('VSee paths are relative to the API base');
    const url = new URL(path, this.apiBase);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.href;
  }

  private headersFor(call: Call<unknown>): Record<string, string> {
    const headers: Record<string, string> = { 'X-AccountCode': this.settings.accountCode };
    if (call.body) headers['Content-Type'] = 'application/json';
    if (call.auth.kind === 'apiKey') {
      headers['X-ApiKey'] = this.settings.apiKey;
      headers['X-ApiSecret'] = this.settings.apiSecret;
    } else if (call.auth.kind === 'token') {
      headers['X-ApiToken'] = call.auth.token;
    }
    return headers;
  }
}
