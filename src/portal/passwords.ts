import argon2 from 'argon2';

// OWASP Password Storage Cheat Sheet's argon2id floor: m=19 MiB, t=2, p=1. argon2 hashes on the
// libuv thread pool, so the event loop keeps serving other patients while a hash is computed.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * Hashes a password as typed but Unicode-normalised (NFC, NIST 800-63B §5.1.1.2): "é" typed as one
 * character on one keyboard and as e + accent on another is the same password. No trimming.
 */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password.normalize('NFC'), OPTIONS);
}

/**
 * True when `password` (normalised as in hashPassword) matches `hash`; false on any malformed hash
 * rather than throwing. One argon2 operation per check, whatever is typed, so timing tells nothing.
 */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password.normalize('NFC'));
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real verification when no account matches, so a login for an
 * unknown email cannot be told apart from a wrong password by its timing.
 */
export async function burnVerificationTime(password: string): Promise<void> {
  dummyHash ??= hashPassword('not-a-real-password-but-the-same-cost');
  await verifyPassword(await dummyHash, password);
}
