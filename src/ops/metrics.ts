import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The portal's Prometheus metrics, one registry per app (tests build several apps in one process).
 * Served only on METRICS_PORT, never on the public port (see metrics-server.ts, docs/operations.md).
 */
export class Metrics {
  readonly registry = new Registry();

  /** Every answered request, by route template (`/visits/:id`, never the raw URL) and status. */
  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer a request, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** Clinic launches by flow (walkin, appointment, …) and outcome (success, rejected, failure). */
  readonly portalLaunches = new Counter({
    name: 'portal_launches_total',
    help: 'Clinic launches by flow and outcome',
    labelNames: ['flow', 'outcome'] as const,
    registers: [this.registry],
  });

  /** One observation per HTTP exchange with VSee; outcome is `ok` or the VseeError kind. */
  readonly vseeRequestDuration = new Histogram({
    name: 'vsee_request_duration_seconds',
    help: 'Time of one HTTP exchange with the VSee API, by endpoint template and outcome',
    labelNames: ['endpoint', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [this.registry],
  });

  /** 1 while the circuit breaker refuses VSee calls without trying. */
  readonly vseeCircuitOpen = new Gauge({
    name: 'vsee_circuit_open',
    help: '1 while the VSee circuit breaker is open (calls fail at once), else 0',
    registers: [this.registry],
  });

  /** VSee webhook deliveries by result (applied, unchanged, replayed, unknown_visit, refused, …). */
  readonly webhookEvents = new Counter({
    name: 'webhook_events_total',
    help: 'VSee webhook deliveries by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  /** Emails sent by kind and outcome (sent, failed); fed by the email sender. */
  readonly emailSent = new Counter({
    name: 'email_sent_total',
    help: 'Emails by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    // Default process metrics (CPU, memory, event loop lag, handles); off for throwaway test apps.
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.vseeCircuitOpen.set(0);
  }
}
