import type { VseeSettings } from '../../../src/config';

// Canary values: a test fails if any of them shows up in an error or a log line (docs/security.md L1).
export const CANARY = {
  apiKey: 'CANARY-apikey-7f3e',
  apiSecret: 'CANARY-apisecret-91ab',
  adminToken: 'CANARY-admintoken-55cd',
  patientToken: 'CANARY-patienttoken-0c1d',
  vseeMessage: 'CANARY-vsee-message-text',
  patientName: 'PHI-Name-3b9a',
};

/** Client settings pointing at a fake VSee. */
export function settingsFor(apiUrl: string, overrides: Partial<VseeSettings> = {}): VseeSettings {
  return {
    apiUrl,
    clinicUrl: 'https://clinic.example.test/vc/next/',
    accountCode: 'acme',
    apiKey: CANARY.apiKey,
    apiSecret: CANARY.apiSecret,
    roomCode: 'acmeroom',
    disableNavigation: false,
    disableEmails: false,
    ...overrides,
  };
}

/** VSee's visit object as docs/vsee-contract.md §4 shows it (strings for ids and times). */
export function visitJson(overrides: Record<string, unknown> = {}): { data: Record<string, unknown> } {
  return {
    data: {
      id: '1525',
      _id: '1525',
      member_id: '508',
      provider_id: '509',
      code: '56e8c580f55c44a2868b66f0ac1f0144',
      start: '1458095488',
      end: '1458096388',
      type: '1',
      status: '10',
      created: 1458095488,
      intake: { id: '56e8c536-566c-44b6-bbca-66f0ac1f0144', reason_for_visit: 'cough' },
      provider: { id: '509', first_name: 'Ada', last_name: 'Lovelace', vseeid: 'acme+user509', title: 'MD' },
      member: { id: '508', first_name: 'John', last_name: 'Smith' },
      ...overrides,
    },
  };
}

/** A `POST users/sso` answer (docs/vsee-contract.md §2). */
export function ssoJson(token = CANARY.patientToken): unknown {
  return {
    data: {
      id: 10008,
      code: 'ca9781',
      first_name: 'John',
      last_name: 'Smith',
      token: { user_id: '10008', token, expiry: '1473821786', refresh_token: { token: 'r', expiry: 1 } },
    },
  };
}

/** Runs `fn` and returns what it threw (fails the test when it does not throw). */
export async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure, got success');
}
