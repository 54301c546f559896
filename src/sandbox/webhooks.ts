import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { SANDBOX_CREDENTIALS } from './credentials';
import type { SandboxVisit, VisitEventType, VisitStatus } from './models';

/** Where and how the sandbox posts VSee's webhooks (docs/vsee-contract.md §10). */
export interface SandboxWebhookOptions {
  /** The receiver, e.g. `http://localhost:3000/webhooks/vsee/{secret}`. */
  url: string;
  /** 1 (default): `account_code` and numeric-string status; 2: `clinic_code` and status words. */
  version?: 1 | 2;
  /** A secret sent as `X-Webhook-Secret` (VSee itself can only put one in the URL). */
  secretHeader?: string;
  /** Per delivery (default 2000 ms); a slow receiver never holds the sandbox up longer. */
  timeoutMs?: number;
}

/** One delivery attempt, as tests read it. */
export interface SentWebhook {
  eventId: string;
  type: VisitEventType;
  visitId: string;
  version: 1 | 2;
  payload: Record<string, unknown>;
  /** The receiver's HTTP status; undefined when the post failed (refused, timed out). */
  status?: number;
  error?: string;
}

const WORD: Record<VisitStatus, string> = {
  '10': 'pending',
  '20': 'confirmed',
  '25': 'in_progress',
  '30': 'completed',
  '40': 'cancelled',
};

/** The payload VSee would send for this visit now, in the given version (docs/vsee-contract.md §10 samples). */
export function webhookPayload(
  version: 1 | 2,
  type: VisitEventType,
  visit: SandboxVisit,
  eventId: string,
  nowSec: number,
): Record<string, unknown> {
  if (version === 1) {
    const str = (n: number | null) => (n === null ? null : String(n));
    return {
      version: '1.0',
      id: eventId,
      type,
      created: nowSec,
      account_code: SANDBOX_CREDENTIALS.accountCode,
      data: {
        id: visit.id,
        member_id: visit.memberId,
        provider_id: visit.providerId,
        start: String(visit.start),
        end: String(visit.end),
        actual_start: str(visit.actualStart),
        actual_end: str(visit.actualEnd),
        status: visit.status,
        completed_by: visit.completedBy,
      },
    };
  }
  return {
    version: '2.0',
    id: eventId,
    type,
    created: nowSec,
    clinic_code: SANDBOX_CREDENTIALS.accountCode,
    data: {
      id: visit.id,
      member_id: visit.memberId,
      provider_id: visit.providerId,
      start: visit.start,
      end: visit.end,
      actual_start: visit.actualStart,
      actual_end: visit.actualEnd,
      status: WORD[visit.status],
      status_updated_by: visit.completedBy ?? visit.providerId,
    },
  };
}

/**
 * Posts a webhook for every visit created or moved, when configured. Deliveries go one after the
 * other (in the order things happened), each with a timeout; a failure is logged and recorded,
 * never thrown: the sandbox keeps working whatever the receiver does.
 */
export class WebhookSender {
  private options: SandboxWebhookOptions | undefined;
  private tail: Promise<void> = Promise.resolve();
  private readonly log: SentWebhook[] = [];

  constructor(
    private readonly deps: { nowSeconds: () => number; logger?: Logger },
    options?: SandboxWebhookOptions,
  ) {
    this.options = options;
  }

  /** Points the sender somewhere else (or nowhere: undefined turns it off). */
  configure(options: SandboxWebhookOptions | undefined): void {
    this.options = options;
  }

  /** Queues the event for this visit as it is now; a no-op when no receiver is configured. */
  visitEvent(type: VisitEventType, visit: SandboxVisit): void {
    const options = this.options;
    if (!options) return;
    const version = options.version ?? 1;
    const eventId = randomUUID();
    const entry: SentWebhook = {
      eventId,
      type,
      visitId: visit.id,
      version,
      // Built now, not at delivery time: the visit may have moved on by then.
      payload: webhookPayload(version, type, visit, eventId, this.deps.nowSeconds()),
    };
    this.log.push(entry);
    this.tail = this.tail.then(() => this.deliver(options, entry));
  }

  /** Resolves when every queued delivery has finished (delivered or failed). */
  async flush(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.tail;
      await seen;
    } while (seen !== this.tail);
  }

  /** Every event queued so far, oldest first, with how its delivery went. */
  sent(): SentWebhook[] {
    return this.log.map((e) => ({ ...e }));
  }

  clear(): void {
    this.log.length = 0;
  }

  private async deliver(options: SandboxWebhookOptions, entry: SentWebhook): Promise<void> {
    try {
      const res = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.secretHeader ? { 'x-webhook-secret': options.secretHeader } : {}),
        },
        body: JSON.stringify(entry.payload),
        signal: AbortSignal.timeout(options.timeoutMs ?? 2000),
      });
      entry.status = res.status;
      await res.body?.cancel();
    } catch (err) {
      entry.error = err instanceof Error ? err.name : 'Error';
      // Never the URL: it carries the receiver's secret.
      this.deps.logger?.warn(
        { eventId: entry.eventId, type: entry.type, error: entry.error },
        'sandbox webhook delivery failed',
      );
    }
  }
}
