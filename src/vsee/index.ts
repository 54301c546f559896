// The public face of src/vsee: flows import from here, never from the files behind it.
export { VseeClient, type VseeClientOptions } from './client';
export { flowDeadline } from './deadline';
export { VseeError, isVseeError, type VseeErrorKind, type VseeEndpoint } from './errors';
export {
  appointmentPath,
  appointmentUrl,
  clinicHomePath,
  inviteUrl,
  ssoLaunchUrl,
  visitStartPath,
  type VseeNextPath,
} from './urls';
export * from './types';
