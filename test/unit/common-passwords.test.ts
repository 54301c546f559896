import { isCommonPassword } from '../../src/portal/common-passwords';

describe('common password check (docs/security.md A1)', () => {
  it.each(['123456', 'password', 'qwerty123', 'iloveyou', 'Password1', 'LETMEIN'])(
    'refuses %s',
    (password) => {
      expect(isCommonPassword(password)).toBe(true);
    },
  );

  it.each(['correct horse battery staple', 'my cat eats tulips at noon', 'Z7#uq!wP0e'])(
    'accepts %s',
    (password) => {
      expect(isCommonPassword(password)).toBe(false);
    },
  );
});
