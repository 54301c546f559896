/**
 * The sandbox's fixed credentials. Obviously fake on purpose: they are printed by `npm run sandbox`,
 * written in docs/sandbox.md and must never be mistaken for (or accepted as) real VSee secrets.
 */
export const SANDBOX_CREDENTIALS = {
  accountCode: 'sandbox',
  apiKey: 'sandbox-api-key-not-a-secret',
  apiSecret: 'sandbox-api-secret-not-a-secret',
  roomCode: 'sandboxroom',
  adminToken: 'sandbox-admin-token-not-a-secret',
} as const satisfies {
  accountCode: 'sandbox';
  apiKey: string;
  apiSecret: string;
  roomCode: string;
  adminToken: string;
};
