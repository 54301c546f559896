import { randomBytes, randomInt, randomUUID } from 'node:crypto';

/** 32 lowercase hex characters, the shape of VSee codes, usernames and tokens (docs/vsee-contract.md §0). */
export function hex32(): string {
  return randomBytes(16).toString('hex');
}

/** A UUID, the shape of VSee intake ids (docs/vsee-contract.md §0). */
export function uuid(): string {
  return randomUUID();
}

const SHORT_TOKEN_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** 10 lowercase alphanumerics, the shape of the appointment link token (docs/vsee-contract.md §5, `f7gybzjd9o`). */
export function shortToken(): string {
  let token = '';
  for (let i = 0; i < 10; i++) token += SHORT_TOKEN_ALPHABET[randomInt(SHORT_TOKEN_ALPHABET.length)];
  return token;
}

/** Hands out increasing numeric-string ids (`"10001"`, `"10002"`, …) like VSee user and visit ids. */
export function numericIds(first: number): () => string {
  let next = first;
  return () => String(next++);
}
