import type { Logger } from '../web/logger';
import { isVseeError } from '../vsee';
import type { ClinicRoom } from './clinic-room';
import { isTimeZone } from './time-zones';

/** How long a failed look-up of the room's zone is trusted before VSee is asked again. */
const RETRY_AFTER_MS = 60_000;

/**
 * The clinic's time zone: CLINIC_TIMEZONE when set, else the VSee room's default zone (asked once,
 * then kept for the life of the process), else UTC, which the pages then name as such.
 */
export interface ClinicZone {
  /** The zone, asking VSee's room the first time when CLINIC_TIMEZONE is not set. */
  get(): Promise<string>;
  /** The zone without asking anyone: for pages that must not call VSee (the dashboard). */
  peek(): string;
}

export function clinicZoneSource(
  configured: string | undefined,
  room: Pick<ClinicRoom, 'read'>,
  logger: Logger,
): ClinicZone {
  if (configured) return { get: async () => configured, peek: () => configured };
  let known: string | undefined;
  let failedAt = -Infinity;
  const peek = () => known ?? 'UTC';
  const get = async () => {
    if (known) return known;
    if (Date.now() - failedAt < RETRY_AFTER_MS) return 'UTC';
    try {
      const { defaultTimezone } = await room.read();
      known = isTimeZone(defaultTimezone) ? defaultTimezone : 'UTC';
      return known;
    } catch (error) {
      if (!isVseeError(error)) throw error;
      failedAt = Date.now();
      logger.warn({ kind: error.kind }, 'could not read the clinic time zone from the VSee room; using UTC');
      return 'UTC';
    }
  };
  return { get, peek };
}
