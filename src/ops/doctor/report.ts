/** One line of `npm run doctor`: which setting it is about, how it went, and what to change. */
export interface CheckResult {
  /** The setting to change when it fails (`VSEE_API_SECRET`), or what was checked. */
  setting: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  message: string;
}

export const ok = (setting: string, message: string): CheckResult => ({ setting, status: 'ok', message });
export const warn = (setting: string, message: string): CheckResult => ({ setting, status: 'warn', message });
export const fail = (setting: string, message: string): CheckResult => ({ setting, status: 'fail', message });
export const skip = (setting: string, message: string): CheckResult => ({ setting, status: 'skip', message });

const MARK: Record<CheckResult['status'], string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' };

/** The printed line: `FAIL VSEE_ROOM_CODE: VSee has no room "x" …`. */
export function formatResult(result: CheckResult): string {
  return `${MARK[result.status]} ${result.setting}: ${result.message}`;
}

/** Runs a check, turning an unexpected exception into a failure of its setting (never a crash). */
export async function guarded(setting: string, check: () => Promise<CheckResult[]>): Promise<CheckResult[]> {
  try {
    return await check();
  } catch (error) {
    return [
      fail(setting, `check failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`),
    ];
  }
}
