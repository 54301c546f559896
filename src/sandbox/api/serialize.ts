import { SANDBOX_CREDENTIALS } from '../credentials';
import type {
  SandboxIntake,
  SandboxProvider,
  SandboxRoom,
  SandboxUser,
  SandboxVisit,
  TokenRecord,
} from '../models';
import type { SandboxState } from '../state';

/** Answers are built here, in VSee's field names and types (docs/vsee-contract.md §2, §4, §7). */

const vseeid = (username: string) => `${SANDBOX_CREDENTIALS.accountCode}+${username}`;
const seconds = (ms: number) => Math.floor(ms / 1000);
const REFRESH_TTL_SECONDS = 30 * 86_400;

/** `data` of `POST /users/sso`. */
export function userJson(user: SandboxUser, token: TokenRecord): Record<string, unknown> {
  const created = seconds(token.createdAt);
  return {
    id: user.id,
    code: user.code,
    first_name: user.first_name,
    last_name: user.last_name,
    username: user.username,
    vseeid: vseeid(user.username),
    dob: user.dob,
    email: user.email,
    disable_emails: user.disable_emails ? 1 : 0,
    active: true,
    tos: false,
    subtype: '',
    token: {
      user_id: user.id,
      token: token.token,
      expiry: seconds(token.expiresAt),
      refresh_token: {
        user_id: user.id,
        token: token.refreshToken,
        expiry: created + REFRESH_TTL_SECONDS,
        created,
      },
    },
  };
}

/** The provider as visits and availability show it. */
export function providerBrief(provider: SandboxProvider): Record<string, unknown> {
  return {
    id: provider.id,
    first_name: provider.first_name,
    last_name: provider.last_name,
    vseeid: vseeid(provider.username),
    title: provider.title,
  };
}

/** The provider as `GET /rooms/:code/providers` lists it. */
export function providerJson(provider: SandboxProvider): Record<string, unknown> {
  return {
    id: provider.id,
    username: provider.username,
    code: provider.code,
    subtype: '482',
    first_name: provider.first_name,
    last_name: provider.last_name,
    vseeid: vseeid(provider.username),
    photo: null,
    title: provider.title,
    suffix: provider.suffix,
    status: 'available',
    short_bio: provider.short_bio,
  };
}

/** `data` of `GET /intakes/:id`: the documented fields plus every custom field. */
export function intakeJson(intake: SandboxIntake): Record<string, unknown> {
  return {
    ...intake.custom,
    id: intake.id,
    type: intake.type,
    member_id: intake.memberId,
    room_code: intake.roomCode,
    provider_id: intake.provider_id,
    reason_for_visit: intake.reason_for_visit,
    location: intake.location,
    phone: intake.phone,
    attachments: intake.attachments,
    visit_id: intake.visitId,
    created: intake.created,
    modified: intake.modified,
  };
}

const PAYMENT_DESCRIPTION: Record<SandboxVisit['kind'], string> = {
  walkin: 'Walk-in visit',
  appointment: 'Scheduled appointment',
  econsult: 'eConsult',
};

/** The visit object of docs/vsee-contract.md §4: numeric-string id, 32-hex code, Unix-second strings. */
export function visitJson(visit: SandboxVisit, state: SandboxState): Record<string, unknown> {
  const provider = visit.providerId === null ? undefined : state.providers.get(visit.providerId);
  const member = state.users.get(visit.memberId);
  const intake = state.intakes.get(visit.intakeId);
  const str = (n: number | null) => (n === null ? null : String(n));
  return {
    id: visit.id,
    _id: visit.id,
    member_id: visit.memberId,
    provider_id: visit.providerId,
    account_code: null,
    code: visit.code,
    start: String(visit.start),
    end: String(visit.end),
    actual_start: str(visit.actualStart),
    actual_end: str(visit.actualEnd),
    specialty_id: null,
    state: null,
    type: visit.type,
    status: visit.status,
    completed_by: visit.completedBy,
    created: visit.created,
    modified: visit.modified,
    room_id: null,
    room_code: visit.roomCode,
    payment: {
      duration: Math.round((visit.end - visit.start) / 60),
      amount: '00.00',
      description: PAYMENT_DESCRIPTION[visit.kind],
    },
    intake: intake && {
      id: intake.id,
      provider: intake.provider_id,
      reason_for_visit: intake.reason_for_visit,
      type: intake.type,
      visit_id: visit.id,
      created: intake.created,
      modified: intake.modified,
    },
    provider: provider ? providerBrief(provider) : null,
    member: member && {
      id: member.id,
      first_name: member.first_name,
      last_name: member.last_name,
      vseeid: vseeid(member.username),
      dob: member.dob,
      gender: null,
      phone: intake?.phone ?? null,
    },
  };
}

/** `data` of `GET /rooms/:code` (docs/vsee-contract.md §7). */
export function roomJson(room: SandboxRoom, providers: SandboxProvider[]): Record<string, unknown> {
  return {
    id: room.id,
    code: room.code,
    slug: room.slug,
    name: room.name,
    domain: 'sandbox.localhost',
    description: room.description,
    active: true,
    public_access_room: false,
    provider_ids: providers.map((p) => p.id),
    specialties: [{ code: 'general', name: 'General practice', duration: 15 }],
    visits: { walkin: { enabled: true }, appointment: { enabled: true } },
    auth: { guest: { type: 600, log_in: { enabled: true } } },
    payment: {
      currency: 'USD',
      consultations: room.consultations.map((c) => ({
        id: c.id,
        description: c.description,
        duration: c.duration,
        amount: '00.00',
        group: null,
        charge: false,
        slots: 1,
      })),
    },
    operation_settings: { is_closed: false, close_msg: '', default_timezone: 'UTC' },
  };
}
