import { dictionary } from '@zxcvbn-ts/language-common';

/** How many of the most used passwords we refuse (docs/security.md A1: "top-3000 common passwords blocked"). */
const BLOCKED_COUNT = 3000;

let blocked: Set<string> | undefined;

/**
 * True for one of the most common passwords, compared case-insensitively ("Password1" is as weak as
 * "password1"). The list is zxcvbn-ts's frequency-ordered common-password dictionary; it is
 * decompressed once, on first use, not at import.
 */
export function isCommonPassword(password: string): boolean {
  blocked ??= new Set(dictionary['passwords-common'].slice(0, BLOCKED_COUNT).map((p) => p.toLowerCase()));
  return blocked.has(password.toLowerCase());
}
