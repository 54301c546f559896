import fc from 'fast-check';
import { hashPassword, verifyPassword } from '../../src/portal/passwords';

// argon2id, verified as typed after Unicode normalisation (NFC).

describe('password hashing (docs/security.md A1)', () => {
  it('hashes with argon2id at the OWASP floor: m=19 MiB, t=2, p=1', async () => {
    // The argon2 package writes the parameters in the order m, p, t.
    expect(await hashPassword('correct horse battery staple')).toMatch(
      /^\$argon2id\$v=19\$m=19456,p=1,t=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
    );
  });

  it('the same password typed as composed or decomposed characters (NFC) verifies either way', async () => {
    const composed = 'caf\u00e9 au lait, s\u00ed se\u00f1or';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    expect(await verifyPassword(await hashPassword(decomposed), composed)).toBe(true);
    expect(await verifyPassword(await hashPassword(composed), decomposed)).toBe(true);
  });

  it('any Unicode password of 1–128 characters verifies, and changing any one character makes it fail', async () => {
    // The checklist's 1000 runs. Each costs three argon2 operations (~30 ms each), so this one test
    // takes about a minute and a half; it runs beside the others (Jest has two workers).
    // size 'max' as well as the default: fast-check otherwise keeps strings short, and a
    // truncation at 64 or 72 characters would never be reached.
    const password = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 128 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 128, size: 'max' }),
    );
    const passwordAndChange = password
      .chain((password) => {
        const chars = [...password];
        return fc.record({
          password: fc.constant(password),
          index: fc.nat({ max: chars.length - 1 }),
          replacement: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
        });
      })
      .filter(({ password, index, replacement }) => {
        const chars = [...password];
        if (chars[index] === replacement) return false;
        chars[index] = replacement;
        // Canonically equivalent spellings (e.g. the Ångström sign and Å) are the same password now.
        return chars.join('').normalize('NFC') !== password.normalize('NFC');
      });

    await fc.assert(
      fc.asyncProperty(passwordAndChange, async ({ password, index, replacement }) => {
        const chars = [...password];
        chars[index] = replacement;
        const changed = chars.join('');
        const hash = await hashPassword(password);
        expect(await verifyPassword(hash, password)).toBe(true);
        expect(await verifyPassword(hash, changed)).toBe(false);
      }),
      // No shrinking: each shrink step costs three argon2 operations too.
      { numRuns: 1000, endOnFailure: true },
    );
  }, 300_000);
});
