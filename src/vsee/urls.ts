import type { VseeSettings } from '../config';
import { VseeError } from './errors';

// Browser-facing VSee URLs (docs/vsee-contract.md §9). Ids and tokens come from VSee's answers, so they are
// checked or encoded here before they can shape a redirect (docs/security.md C2: no open redirect).

/** docs/security.md C2: the only id shape allowed into a path we redirect to. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_TOKEN_LENGTH = 512;

declare const nextPathBrand: unique symbol;
/** A `next` path built by this module; the only kind `ssoLaunchUrl` accepts. */
export type VseeNextPath = string & { readonly [nextPathBrand]: true };

/** Re-checked at run time too, in case a string was cast to VseeNextPath. */
const OUR_NEXT_PATHS =
  /^\/(u\/clinic|visits\/start\/[A-Za-z0-9_-]{1,64}|members\/appointment\/[A-Za-z0-9_-]{1,64}\?token=[A-Za-z0-9%._~!*'()-]+)$/;

type ClinicSettings = Pick<VseeSettings, 'clinicUrl' | 'disableNavigation'>;

/** `/u/clinic`: the patient's clinic dashboard and waiting room. */
export function clinicHomePath(): VseeNextPath {
  return '/u/clinic' as VseeNextPath;
}

/** `/visits/start/{id}`: the call page of a walk-in (or a rejoined) visit. */
export function visitStartPath(visitId: string): VseeNextPath {
  return `/visits/start/${safeId(visitId)}` as VseeNextPath;
}

/** `/members/appointment/{id}?token=…`: an appointment's page, as a `next` path. */
export function appointmentPath(visitId: string, oneTimeToken: string): VseeNextPath {
  return `/members/appointment/${safeId(visitId)}?token=${encodedToken(oneTimeToken)}` as VseeNextPath;
}

/** `{clinic}auth?sso_token=…&next=…[&disable_navigation=1]`: logs the patient in, then opens `next`. */
export function ssoLaunchUrl(settings: ClinicSettings, ssoToken: string, next: VseeNextPath): string {
  if (!OUR_NEXT_PATHS.test(next)) throw new VseeError('bad_response', 'auth', { retryable: false });
  // encodeURIComponent, not URLSearchParams: '+' for a space is ambiguous to some decoders.
  let query = `sso_token=${encodedToken(ssoToken)}&next=${encodeURIComponent(next)}`;
  if (settings.disableNavigation) query += '&disable_navigation=1';
  return `${clinicUrl(settings, 'auth')}?${query}`;
}

/** `{clinic}members/appointment/{id}?token=…`: the appointment link VSee's guests open directly. */
export function appointmentUrl(
  settings: Pick<VseeSettings, 'clinicUrl'>,
  visitId: string,
  oneTimeToken: string,
): string {
  return `${clinicUrl(settings, `members/appointment/${safeId(visitId)}`)}?token=${encodedToken(oneTimeToken)}`;
}

/** `{clinic}visits/join/{code}`: the link a patient shares to invite someone into a visit. */
export function inviteUrl(settings: Pick<VseeSettings, 'clinicUrl'>, visitCode: string): string {
  return clinicUrl(settings, `visits/join/${safeId(visitCode)}`);
}

/** Resolves a relative path under the clinic base, keeping its path prefix (e.g. `/vc/next/`). */
function clinicUrl(settings: Pick<VseeSettings, 'clinicUrl'>, path: string): string {
  const base = settings.clinicUrl.endsWith('/') ? settings.clinicUrl : `${settings.clinicUrl}/`;
  return new URL(path, base).href;
}

function safeId(id: string): string {
  if (typeof id !== 'string' || !SAFE_ID.test(id))
    throw new VseeError('bad_response', 'auth', { retryable: false });
  return id;
}

function encodedToken(token: string): string {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    throw new VseeError('bad_response', 'auth', { retryable: false });
  }
  return encodeURIComponent(token);
}
