import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

export const LAUNCH_SECRET = 'a-launch-secret-of-more-than-32-characters-0123456789';
export const LAUNCH_ISSUER = 'https://portal.clinic.example';
export const PORTAL_URL = 'http://127.0.0.1:3999';

/** The claims of a valid launch for `PORTAL_URL`, issued now, living 5 minutes. */
export function launchClaims(overrides: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: LAUNCH_ISSUER,
    aud: PORTAL_URL,
    sub: `mrn-${randomUUID()}`,
    jti: randomUUID(),
    iat: now,
    exp: now + 300,
    given_name: 'Ada',
    family_name: 'Lovelace',
    birthdate: '1985-12-10',
    email: 'ada@example.test',
    ...overrides,
  };
}

/** Signs claims as the clinic's portal would; `secret` defaults to LAUNCH_SECRET (HS256). */
export function signHs256(claims: JWTPayload, secret = LAUNCH_SECRET): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(secret));
}

/** An unsigned token (`alg: none`), which must never be accepted. */
export function unsignedToken(claims: JWTPayload): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

/** An ES256 key pair whose public half a local HTTP server serves as a JWKS. */
export interface JwksServer {
  url: string;
  kid: string;
  privateKey: CryptoKey;
  sign(claims: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

export async function startJwksServer(): Promise<JwksServer> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
    kid,
    privateKey,
    sign: (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid }).sign(privateKey),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
