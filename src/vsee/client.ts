import type http from 'node:http';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { VseeSettings } from '../config';
import type { Metrics } from '../ops/metrics';
import { VseeError, type VseeEndpoint } from './errors';
import { type Auth, type Call, VseeExchange } from './exchange';
import { type BreakerOptions, VseeBreaker } from './breaker';
import { withRetries, type RetryPolicy } from './retry';
import {
  availabilityAnswer,
  intakeAnswer,
  intakeDetailAnswer,
  roomAnswer,
  ssoAnswer,
  visitAnswer,
  visitListAnswer,
} from './schemas';
import { createAgent, createHttp } from './transport';
import type {
  AppointmentInput,
  AvailabilityQuery,
  Intake,
  IntakeInput,
  PatientIdentity,
  Room,
  Slot,
  SsoSession,
  VisitInput,
  VseeVisit,
  VisitListQuery,
} from './types';

export interface VseeClientOptions {
  logger?: Logger;
  /** connectMs: TCP (+TLS) connect, default 2000. callMs: one HTTP exchange, default 5000 (docs/security.md O1). */
  timeouts?: { connectMs?: number; callMs?: number };
  /** Sockets kept open to VSee per portal process, default 50. */
  maxSockets?: number;
  /** GETs only: attempts in all (default 3 = at most 2 retries) and the backoff base (default 100 ms). */
  retry?: { attempts?: number; baseDelayMs?: number };
  /** The circuit breaker in front of every call (docs/security.md O4). */
  breaker?: BreakerOptions;
  /** vsee_request_duration_seconds and vsee_circuit_open go here when given. */
  metrics?: Metrics;
}

const SSO_MEMBER_TYPE = 200;
const INTAKE_TYPE = { walkin: 1, scheduled: 2 } as const;

/** The portal's only way to VSee Clinic: one typed method per endpoint; every failure is a VseeError. */
export class VseeClient {
  private readonly agent: http.Agent;
  private readonly exchange: VseeExchange;
  private readonly retry: RetryPolicy;
  private readonly breaker: VseeBreaker;

  constructor(
    private readonly settings: VseeSettings,
    options: VseeClientOptions = {},
  ) {
    const apiBase = new URL(settings.apiUrl.endsWith('/') ? settings.apiUrl : `${settings.apiUrl}/`);
    this.retry = {
      attempts: Math.max(1, options.retry?.attempts ?? 3),
      baseDelayMs: options.retry?.baseDelayMs ?? 100,
    };
    this.breaker = new VseeBreaker(options.breaker, { logger: options.logger, metrics: options.metrics });
    const connectMs = options.timeouts?.connectMs ?? 2_000;
    this.agent = createAgent(apiBase, { connectMs, maxSockets: options.maxSockets ?? 50 });
    this.exchange = new VseeExchange(settings, createHttp(this.agent), apiBase, {
      callMs: options.timeouts?.callMs ?? 5_000,
      logger: options.logger,
      metrics: options.metrics,
    });
  }

  /** POST users/sso: finds (by `code`) or creates the patient's VSee user and mints a user token. */
  async ssoLogin(patient: PatientIdentity, signal?: AbortSignal): Promise<SsoSession> {
    if (!patient.code || patient.code.includes('@')) {
      throw new TypeError('SSO code must be an opaque account id');
    }
    // Exactly these fields (docs/security.md L3): nothing about the patient that VSee does not need.
    const body = {
      first_name: patient.firstName,
      last_name: patient.lastName,
      dob: patient.dob,
      email: patient.email,
      type: SSO_MEMBER_TYPE,
      code: patient.code,
      disable_emails: this.settings.disableEmails ? 1 : undefined,
    };
    return this.post('users/sso', 'users/sso', { kind: 'apiKey' }, body, ssoAnswer, signal);
  }

  /** POST intakes: the intake a walk-in, appointment or e-consult is built from. */
  async createIntake(input: IntakeInput, patientToken: string, signal?: AbortSignal): Promise<Intake> {
    const body = {
      room_code: this.settings.roomCode,
      type: input.kind ? INTAKE_TYPE[input.kind] : undefined,
      member_id: input.memberId,
      reason_for_visit: input.reasonForVisit,
      provider_id: input.providerId ?? this.settings.providerId,
    };
    return this.post('intakes', 'intakes', token(patientToken), body, intakeAnswer, signal);
  }

  /** POST visits/add_walkin: puts the patient in the waiting room now. Never retried (not idempotent). */
  async addWalkin(input: VisitInput, patientToken: string, signal?: AbortSignal): Promise<VseeVisit> {
    const body = {
      intake_id: input.intakeId,
      room_code: this.settings.roomCode,
      provider_id: input.providerId ?? this.settings.providerId,
    };
    return this.post(
      'visits/add_walkin',
      'visits/add_walkin',
      token(patientToken),
      body,
      visitAnswer,
      signal,
    );
  }

  /** GET availability: open slots between two Unix times, earliest first. */
  async listAvailability(
    query: AvailabilityQuery,
    patientToken: string,
    signal?: AbortSignal,
  ): Promise<Slot[]> {
    return this.send({
      method: 'GET',
      endpoint: 'availability',
      path: 'availability',
      auth: token(patientToken),
      query: {
        start: query.start,
        end: query.end,
        room_code: this.settings.roomCode,
        member_id: query.memberId,
        duration: query.duration,
        provider_id: query.providerId ?? this.settings.providerId,
        consultation_id: query.consultationId,
        intake_id: query.intakeId,
      },
      answer: availabilityAnswer,
      signal,
    });
  }

  /**
   * POST visits: books a slot. The answer's `oneTimeToken` may be missing (its field name is
   * unconfirmed, docs/vsee-contract.md §5); the visit exists anyway, so the flow decides, not this method.
   */
  async createAppointment(
    input: AppointmentInput,
    patientToken: string,
    signal?: AbortSignal,
  ): Promise<VseeVisit> {
    const body = {
      intake_id: input.intakeId,
      room_code: this.settings.roomCode,
      provider_id: input.providerId,
      member_id: input.memberId,
      start: input.start,
      end: input.end,
      timezone: input.timezone,
    };
    return this.post('visits', 'visits', token(patientToken), body, visitAnswer, signal);
  }

  /** POST visits/add_econsult: an asynchronous visit any provider of the room may accept. */
  async addEconsult(input: VisitInput, patientToken: string, signal?: AbortSignal): Promise<VseeVisit> {
    const body = {
      intake_id: input.intakeId,
      room_code: this.settings.roomCode,
      provider_id: input.providerId,
    };
    return this.post(
      'visits/add_econsult',
      'visits/add_econsult',
      token(patientToken),
      body,
      visitAnswer,
      signal,
    );
  }

  /** GET visits/{id}: with the admin token when configured, else the visit's patient's token. */
  async getVisit(id: string, patientToken?: string, signal?: AbortSignal): Promise<VseeVisit> {
    const apiToken = this.settings.adminToken ?? patientToken;
    if (!apiToken) throw new TypeError('getVisit needs a patient token when no admin token is configured');
    return this.send({
      method: 'GET',
      endpoint: 'visits/:id',
      path: `visits/${pathSegment(id, 'visits/:id')}`,
      auth: token(apiToken),
      answer: visitAnswer,
      signal,
    });
  }

  /**
   * GET visits: the room's visits starting between two times, read with the admin token. Used to find
   * a visit whose create answer was lost when its intake cannot be read back (docs/vsee-contract.md).
   */
  async listVisits(query: VisitListQuery, signal?: AbortSignal): Promise<VseeVisit[]> {
    const adminToken = this.settings.adminToken;
    if (!adminToken) throw new TypeError('listVisits needs the admin token (VSEE_ADMIN_TOKEN)');
    return this.send({
      method: 'GET',
      endpoint: 'visits/list',
      path: 'visits',
      query: {
        room_code: query.roomCode ?? this.settings.roomCode,
        start_time: query.startTime,
        end_time: query.endTime,
      },
      auth: token(adminToken),
      answer: visitListAnswer,
      signal,
    });
  }

  /**
   * GET intakes/{id}: the intake as VSee keeps it, with the id of the visit built from it (if any).
   * Flows use it to find a visit whose creation answer was lost (docs/security.md O2: reconcile, never re-POST).
   */
  async getIntake(id: string, patientToken: string, signal?: AbortSignal): Promise<Intake> {
    return this.send({
      method: 'GET',
      endpoint: 'intakes/:id',
      path: `intakes/${pathSegment(id, 'intakes/:id')}`,
      auth: token(patientToken),
      answer: intakeDetailAnswer,
      signal,
    });
  }

  /** GET rooms/{code}: the room's public settings (defaults to the configured room). */
  async getRoom(code: string = this.settings.roomCode, signal?: AbortSignal): Promise<Room> {
    const path = `rooms/${pathSegment(code, 'rooms/:code')}`;
    return this.send({
      method: 'GET',
      endpoint: 'rooms/:code',
      path,
      auth: { kind: 'public' },
      answer: roomAnswer,
      signal,
    });
  }

  /** Closes the pooled sockets; the client must not be used afterwards. */
  close(): void {
    this.breaker.shutdown();
    this.agent.destroy();
  }

  private post<T>(
    endpoint: VseeEndpoint,
    path: string,
    auth: Auth,
    body: Record<string, unknown>,
    answer: z.ZodType<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    return this.send({ method: 'POST', endpoint, path, auth, body, answer, signal });
  }

  /**
   * Every call goes through here, each attempt through the circuit breaker. Only GETs are retried: a POST
   * that timed out may have created a visit, so the flow reconciles instead (docs/security.md O2).
   */
  private send<T>(call: Call<T>): Promise<T> {
    const attempts = call.method === 'GET' ? this.retry.attempts : 1;
    const policy = { ...this.retry, attempts };
    return withRetries(
      call.endpoint,
      policy,
      (n) => this.breaker.run(call.endpoint, () => this.exchange.attempt(call, n)),
      call.signal,
    );
  }
}

function token(value: string): Auth {
  if (!value) throw new TypeError('a VSee token is required');
  return { kind: 'token', token: value };
}

/** An id as one path segment: encoded, and never '.' or '..', which URL resolution would eat. */
function pathSegment(id: string, endpoint: VseeEndpoint): string {
  if (!id || id === '.' || id === '..') throw new VseeError('bad_response', endpoint, { retryable: false });
  return encodeURIComponent(id);
}
