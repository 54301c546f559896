import type { VseeSettings } from '../../config';
import { isVseeError, VseeClient, type VseeError } from '../../vsee';
import { type CheckResult, fail, ok, skip, warn } from './report';
import { isLoopback } from './settings-checks';

/** The one VSee user the doctor signs in as: never a patient, the same user every time. */
export const CHECK_IDENTITY = {
  code: 'portal-connection-check',
  firstName: 'Portal',
  lastName: 'Connection Check',
  dob: '2000-01-01',
  email: 'portal-connection-check@invalid.example',
};

const SLOT_WINDOW_DAYS = 14;
const CHECK_TIMEOUT_MS = 5000;

function what(error: unknown): string {
  if (!isVseeError(error)) return (error as Error)?.message ?? String(error);
  const e = error as VseeError;
  return `${e.kind}${e.status ? ` (HTTP ${e.status}${e.vseeCode ? `, VSee code ${e.vseeCode}` : ''})` : ''}`;
}

const refused = (error: unknown) => isVseeError(error) && error.kind === 'rejected';

/** Any HTTP answer from `url` within the timeout (a 404 at the API root still proves the host answers). */
async function answers(url: string): Promise<{ status?: number; error?: string }> {
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
    await res.body?.cancel();
    return { status: res.status };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { error: cause ?? (error as Error).name };
  }
}

export interface VseeCheckOptions {
  /** false: the SSO (and so the slots) check is skipped, as `--no-sso` asks (and at boot). */
  sso: boolean;
}

/**
 * The clinic's settings against VSee itself: the API over TLS, the room, the API key and secret (one
 * SSO for CHECK_IDENTITY), the admin token, open slots and the clinic URL. Creates no visit.
 */
export async function checkVsee(settings: VseeSettings, options: VseeCheckOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const client = new VseeClient(settings, {
    timeouts: { callMs: CHECK_TIMEOUT_MS },
    retry: { attempts: 1 },
    breaker: { enabled: false },
  });
  try {
    const api = new URL(settings.apiUrl);
    const reach = await answers(api.href);
    if (reach.error) {
      results.push(fail('VSEE_API_URL', `${api.origin} does not answer (${reach.error})`));
      return results;
    }
    if (api.protocol !== 'https:' && !isLoopback(api)) {
      results.push(
        fail('VSEE_API_URL', `${api.origin} is not https: the API key would cross the network in clear`),
      );
    } else {
      results.push(
        ok('VSEE_API_URL', `${api.origin} answers${api.protocol === 'https:' ? ' over TLS' : ' (local)'}`),
      );
    }

    results.push(...(await checkRoom(client, settings)));
    if (!options.sso) {
      results.push(
        skip('VSEE_API_SECRET', 'SSO check skipped (--no-sso): the API key and secret were not tried'),
      );
    } else {
      results.push(...(await checkSsoAndSlots(client)));
    }
    if (settings.adminToken) results.push(await checkAdminToken(client));

    const clinic = await answers(settings.clinicUrl);
    if (clinic.error || (clinic.status ?? 500) >= 500) {
      results.push(
        fail(
          'VSEE_CLINIC_URL',
          `${settings.clinicUrl} does not answer (${clinic.error ?? `HTTP ${clinic.status}`})`,
        ),
      );
    } else {
      results.push(
        ok('VSEE_CLINIC_URL', `${new URL(settings.clinicUrl).origin} answers (HTTP ${clinic.status})`),
      );
    }
    return results;
  } finally {
    client.close();
  }
}

async function checkRoom(client: VseeClient, settings: VseeSettings): Promise<CheckResult[]> {
  try {
    const room = await client.getRoom();
    const results = [
      ok(
        'VSEE_ROOM_CODE',
        `room "${settings.roomCode}" found (time zone ${room.defaultTimezone ?? 'not set'})`,
      ),
    ];
    if (room.walkinEnabled === false)
      results.push(warn('VSEE_ROOM_CODE', 'walk-ins are disabled in this room'));
    if (room.appointmentEnabled === false)
      results.push(warn('VSEE_ROOM_CODE', 'appointments are disabled in this room'));
    if (room.isClosed) results.push(warn('VSEE_ROOM_CODE', 'the room is closed'));
    if (!room.defaultTimezone)
      results.push(warn('VSEE_ROOM_CODE', 'the room has no time zone: slots show in UTC'));
    return results;
  } catch (error) {
    if (refused(error)) {
      return [
        fail(
          'VSEE_ROOM_CODE',
          `VSee has no room "${settings.roomCode}" for account ${settings.accountCode} (${what(error)})`,
        ),
      ];
    }
    return [fail('VSEE_API_URL', `rooms/{code} failed: ${what(error)}`)];
  }
}

async function checkSsoAndSlots(client: VseeClient): Promise<CheckResult[]> {
  let token: string;
  try {
    token = (await client.ssoLogin(CHECK_IDENTITY)).token;
  } catch (error) {
    if (refused(error)) {
      return [
        fail(
          'VSEE_API_SECRET',
          `VSee refused the SSO (${what(error)}): check VSEE_API_KEY, VSEE_API_SECRET and VSEE_ACCOUNT_CODE`,
        ),
      ];
    }
    return [fail('VSEE_API_URL', `users/sso failed: ${what(error)}`)];
  }
  const results = [
    ok('VSEE_API_SECRET', 'the API key and secret work (one SSO for the connection-check user)'),
  ];
  try {
    const now = Math.floor(Date.now() / 1000);
    const slots = await client.listAvailability({ start: now, end: now + SLOT_WINDOW_DAYS * 86_400 }, token);
    results.push(
      slots.length > 0
        ? ok('VSEE_ROOM_CODE', `${slots.length} open slot(s) in the next ${SLOT_WINDOW_DAYS} days`)
        : warn('VSEE_ROOM_CODE', `no open slots in the next ${SLOT_WINDOW_DAYS} days: patients cannot book`),
    );
  } catch (error) {
    results.push(warn('VSEE_ROOM_CODE', `availability could not be read: ${what(error)}`));
  }
  return results;
}

/** A visit id that cannot exist: a 404 means the token was accepted, a 401/403 that it was not. */
async function checkAdminToken(client: VseeClient): Promise<CheckResult> {
  try {
    await client.getVisit('0');
    return ok('VSEE_ADMIN_TOKEN', 'accepted');
  } catch (error) {
    if (isVseeError(error) && error.status === 404) return ok('VSEE_ADMIN_TOKEN', 'accepted');
    return fail('VSEE_ADMIN_TOKEN', `not accepted: ${what(error)}`);
  }
}
