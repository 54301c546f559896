import {
  appointmentPath,
  appointmentUrl,
  clinicHomePath,
  inviteUrl,
  ssoLaunchUrl,
  visitStartPath,
  type VseeNextPath,
} from '../../../src/vsee/urls';

const clinic = { clinicUrl: 'https://acme.vseepreview.com/vc/next/', disableNavigation: false };

describe('VSee browser URLs', () => {
  it('builds the /auth URL under the clinic prefix with the dashboard as next', () => {
    expect(ssoLaunchUrl(clinic, 'abc123', clinicHomePath())).toBe(
      'https://acme.vseepreview.com/vc/next/auth?sso_token=abc123&next=%2Fu%2Fclinic',
    );
  });

  it('encodes a token with reserved characters so it cannot add parameters', () => {
    const url = new URL(ssoLaunchUrl(clinic, 'a+b&next=//evil.test#x y/?=%', visitStartPath('1525')));

    expect(url.origin + url.pathname).toBe('https://acme.vseepreview.com/vc/next/auth');
    expect([...url.searchParams.keys()]).toEqual(['sso_token', 'next']);
    expect(url.searchParams.get('sso_token')).toBe('a+b&next=//evil.test#x y/?=%');
    expect(url.searchParams.get('next')).toBe('/visits/start/1525');
    expect(url.hash).toBe('');
  });

  it('adds disable_navigation=1 when the clinic asks for it', () => {
    const url = ssoLaunchUrl({ ...clinic, disableNavigation: true }, 't', clinicHomePath());

    expect(url).toBe(
      'https://acme.vseepreview.com/vc/next/auth?sso_token=t&next=%2Fu%2Fclinic&disable_navigation=1',
    );
  });

  it('keeps a clinic URL without a prefix or without its trailing slash', () => {
    expect(
      ssoLaunchUrl({ clinicUrl: 'https://acme.vsee.me/', disableNavigation: false }, 't', clinicHomePath()),
    ).toMatch(/^https:\/\/acme\.vsee\.me\/auth\?/);
    expect(inviteUrl({ clinicUrl: 'https://h.test/vc/stable' }, 'c0de')).toBe(
      'https://h.test/vc/stable/visits/join/c0de',
    );
  });

  it('puts the appointment page with its encoded token into next', () => {
    const next = appointmentPath('1526', 'f7 gy&z');
    const url = new URL(ssoLaunchUrl(clinic, 't', next));

    expect(next).toBe('/members/appointment/1526?token=f7%20gy%26z');
    expect(url.searchParams.get('next')).toBe('/members/appointment/1526?token=f7%20gy%26z');
  });

  it('builds the direct appointment link and the invite link under the prefix', () => {
    expect(appointmentUrl(clinic, '1526', 'f7gybzjd9o')).toBe(
      'https://acme.vseepreview.com/vc/next/members/appointment/1526?token=f7gybzjd9o',
    );
    expect(inviteUrl(clinic, '56e8c580f55c44a2868b66f0ac1f0144')).toBe(
      'https://acme.vseepreview.com/vc/next/visits/join/56e8c580f55c44a2868b66f0ac1f0144',
    );
  });

  it.each(['', '../admin', '1525/../../x', '//evil.test', '1 2', '%2F', 'a'.repeat(65), 'é', '1\r\nX: y'])(
    'rejects the id %j with a bad_response VseeError (docs/security.md C2)',
    (id) => {
      for (const build of [
        () => visitStartPath(id),
        () => appointmentPath(id, 't'),
        () => inviteUrl(clinic, id),
      ]) {
        expect(build).toThrow(expect.objectContaining({ name: 'VseeError', kind: 'bad_response' }));
      }
    },
  );

  it('rejects an empty token and a next path it did not build', () => {
    expect(() => ssoLaunchUrl(clinic, '', clinicHomePath())).toThrow(
      expect.objectContaining({ kind: 'bad_response' }),
    );
    expect(() => appointmentUrl(clinic, '1', '')).toThrow(expect.objectContaining({ kind: 'bad_response' }));
    for (const forged of [
      '//evil.test',
      'https://evil.test/',
      '/u/clinic/../../x',
      '/visits/start/1?x=//evil',
    ]) {
      expect(() => ssoLaunchUrl(clinic, 't', forged as VseeNextPath)).toThrow(
        expect.objectContaining({ kind: 'bad_response' }),
      );
    }
  });
});
