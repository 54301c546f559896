import { SANDBOX_CREDENTIALS } from './credentials';
import { hex32, numericIds, shortToken, uuid } from './ids';
import type {
  SandboxIntake,
  SandboxProvider,
  SandboxConsultation,
  SandboxRoom,
  SandboxSession,
  SandboxUser,
  SandboxVisit,
  Slot,
  TokenRecord,
  UserType,
  VisitEventType,
  VisitKind,
} from './models';
import { seedProviders, seedRoom } from './seed';
import { seededSlots, slotKey } from './slots';
import { applyAction, eventOf, refusal, type VisitAction } from './visit-lifecycle';

export interface StateDeps {
  now: () => number;
  tokenFactory: () => string;
  tokenTtlSeconds: number;
  /** The seeded room's visit types (default SEEDED_CONSULTATIONS); kept across reset(). */
  consultations?: readonly SandboxConsultation[];
}

/** What an `X-ApiToken` value turned out to be. */
export type TokenLookup =
  | { kind: 'admin' }
  | { kind: 'patient'; record: TokenRecord; user: SandboxUser; expired: boolean }
  | { kind: 'unknown' };

export interface SsoInput {
  type: UserType;
  code: string | null;
  first_name: string;
  last_name: string;
  dob: string | null;
  email: string | null;
  disable_emails: boolean | null;
}

/** What a caller gives to create an intake; the state adds the id, the visit link and the times. */
export type NewIntake = Omit<SandboxIntake, 'id' | 'visitId' | 'created' | 'modified'>;

export interface NewVisit {
  kind: VisitKind;
  intake: SandboxIntake;
  providerId: string | null;
  start: number;
  end: number;
}

/** Thrown by `transition` when the visit is unknown or the action is not allowed in its status. */
export class TransitionError extends Error {
  override name = 'TransitionError';
}

const TYPE_OF: Record<VisitKind, SandboxVisit['type']> = { walkin: '1', appointment: '2', econsult: '3' };

/** All the sandbox remembers, in memory; tests read it directly. */
export class SandboxState {
  readonly users = new Map<string, SandboxUser>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly intakes = new Map<string, SandboxIntake>();
  readonly visits = new Map<string, SandboxVisit>();
  readonly providers = new Map<string, SandboxProvider>();
  readonly rooms = new Map<string, SandboxRoom>();
  readonly sessions = new Map<string, SandboxSession>();
  /** Slots taken by `POST /visits`, keyed by `slotKey(providerId, start)`. */
  readonly bookedSlots = new Set<string>();
  private readonly nextUserId = numericIds(10001);
  private readonly nextVisitId = numericIds(1501);
  /** Told after a visit is created or changes status (the webhook sender listens here). */
  onVisitEvent: ((type: VisitEventType, visit: SandboxVisit) => void) | undefined;

  constructor(private readonly deps: StateDeps) {
    this.seed();
  }

  /** Sandbox clock in milliseconds. */
  nowMs(): number {
    return this.deps.now();
  }

  /** Sandbox clock in Unix seconds, the unit of every VSee timestamp. */
  nowSeconds(): number {
    return Math.floor(this.deps.now() / 1000);
  }

  /** Forgets every user, token, intake, visit, booking and session; providers and the room come back seeded. */
  reset(): void {
    for (const map of [
      this.users,
      this.tokens,
      this.intakes,
      this.visits,
      this.providers,
      this.rooms,
      this.sessions,
    ]) {
      map.clear();
    }
    this.bookedSlots.clear();
    this.seed();
  }

  userByCode(code: string): SandboxUser | undefined {
    for (const user of this.users.values()) if (user.code === code) return user;
    return undefined;
  }

  /** The SSO token issued most recently to the user with this `code`, for tests. */
  lastTokenFor(code: string): string | undefined {
    const user = this.userByCode(code);
    let last: TokenRecord | undefined;
    for (const record of this.tokens.values()) {
      if (record.userId === user?.id && (!last || record.createdAt >= last.createdAt)) last = record;
    }
    return last?.token;
  }

  /** First SSO call with a code creates the user; later calls return the same user with its fields updated. */
  upsertUser(input: SsoInput): { user: SandboxUser; created: boolean } {
    const existing = input.code === null ? undefined : this.userByCode(input.code);
    if (existing) {
      existing.first_name = input.first_name;
      existing.last_name = input.last_name;
      existing.dob = input.dob ?? existing.dob;
      existing.email = input.email ?? existing.email;
      existing.disable_emails = input.disable_emails ?? existing.disable_emails;
      return { user: existing, created: false };
    }
    const user: SandboxUser = {
      id: this.nextUserId(),
      code: input.code ?? hex32(),
      username: hex32(),
      type: input.type,
      first_name: input.first_name,
      last_name: input.last_name,
      dob: input.dob,
      email: input.email,
      disable_emails: input.disable_emails ?? false,
      created: this.nowSeconds(),
    };
    this.users.set(user.id, user);
    return { user, created: true };
  }

  /** Mints a fresh SSO token for the user, valid for the configured lifetime. */
  issueToken(userId: string): TokenRecord {
    const createdAt = this.nowMs();
    const record: TokenRecord = {
      token: this.deps.tokenFactory(),
      refreshToken: this.deps.tokenFactory(),
      userId,
      createdAt,
      expiresAt: createdAt + this.deps.tokenTtlSeconds * 1000,
      usedForLoginAt: null,
    };
    this.tokens.set(record.token, record);
    return record;
  }

  /** Classifies an `X-ApiToken` or `sso_token` value. */
  lookupToken(token: string): TokenLookup {
    if (token === SANDBOX_CREDENTIALS.adminToken) return { kind: 'admin' };
    const record = this.tokens.get(token);
    const user = record && this.users.get(record.userId);
    if (!record || !user) return { kind: 'unknown' };
    return { kind: 'patient', record, user, expired: this.nowMs() >= record.expiresAt };
  }

  addIntake(input: NewIntake): SandboxIntake {
    const now = this.nowSeconds();
    const intake: SandboxIntake = { ...input, id: uuid(), visitId: null, created: now, modified: now };
    this.intakes.set(intake.id, intake);
    return intake;
  }

  addVisit(input: NewVisit): SandboxVisit {
    const now = this.nowSeconds();
    const visit: SandboxVisit = {
      id: this.nextVisitId(),
      code: hex32(),
      kind: input.kind,
      type: TYPE_OF[input.kind],
      status: input.kind === 'appointment' ? '20' : '10',
      memberId: input.intake.memberId,
      providerId: input.providerId,
      roomCode: input.intake.roomCode,
      intakeId: input.intake.id,
      start: input.start,
      end: input.end,
      actualStart: null,
      actualEnd: null,
      completedBy: null,
      created: now,
      modified: now,
      appointmentToken: input.kind === 'appointment' ? shortToken() : null,
    };
    input.intake.visitId = visit.id;
    input.intake.modified = now;
    this.visits.set(visit.id, visit);
    this.onVisitEvent?.('visit.created', visit);
    return visit;
  }

  providersOf(roomCode: string): SandboxProvider[] {
    return [...this.providers.values()].filter((p) => p.roomCode === roomCode);
  }

  /** Open (seeded, future, not booked) slots of a room's providers between two Unix times. */
  openSlots(query: {
    roomCode: string;
    from: number;
    to: number;
    providerId?: string;
    durationMinutes?: number;
  }): Slot[] {
    const providers = this.providersOf(query.roomCode).filter(
      (p) =>
        (query.providerId === undefined || p.id === query.providerId) &&
        (query.durationMinutes === undefined || p.slotMinutes === query.durationMinutes),
    );
    return seededSlots(providers, this.nowSeconds(), query.from, query.to).filter(
      (s) => !this.bookedSlots.has(slotKey(s.providerId, s.start)),
    );
  }

  /** The open slot that exactly matches, if any. */
  findOpenSlot(roomCode: string, start: number, end: number, providerId?: string): Slot | undefined {
    return this.openSlots({ roomCode, from: start, to: end, providerId }).find(
      (s) => s.start === start && s.end === end,
    );
  }

  visitsOf(userId: string): SandboxVisit[] {
    return [...this.visits.values()].filter((v) => v.memberId === userId);
  }

  visitByCode(code: string): SandboxVisit | undefined {
    for (const visit of this.visits.values()) if (visit.code === code) return visit;
    return undefined;
  }

  /** Moves a visit through its statuses as a provider would; throws TransitionError when not allowed. */
  transition(visitId: string, action: VisitAction, providerId: string | null = null): SandboxVisit {
    const visit = this.visits.get(visitId);
    if (!visit) throw new TransitionError(`No visit ${visitId}.`);
    if (providerId !== null && !this.providers.has(providerId))
      throw new TransitionError(`No provider ${providerId}.`);
    const why = refusal(visit, action, providerId);
    if (why) throw new TransitionError(why);
    applyAction(visit, action, providerId, this.nowSeconds());
    // A cancelled appointment gives its slot back, as a real calendar would.
    if (action === 'cancel' && visit.kind === 'appointment' && visit.providerId) {
      this.bookedSlots.delete(slotKey(visit.providerId, visit.start));
    }
    this.onVisitEvent?.(eventOf(action), visit);
    return visit;
  }

  private seed(): void {
    const room = seedRoom(this.deps.consultations);
    this.rooms.set(room.code, room);
    for (const provider of seedProviders()) this.providers.set(provider.id, provider);
  }
}
