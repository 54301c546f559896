import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { type Config, loadConfig } from '../config';

/** What `npm run launch-link` can be asked for. */
export interface LaunchLinkRequest {
  action: string;
  sub: string;
  givenName: string;
  familyName: string;
  birthdate?: string;
  email?: string;
  reason?: string;
  /** Seconds the link stays valid (at most 600). */
  ttl: number;
}

/**
 * A signed launch URL for this portal, made the way a clinic's portal would make one (HS256 with
 * LAUNCH_JWT_SECRET). For trying launch links locally; the clinic's own portal signs in production.
 */
export async function signLaunchLink(config: Config, request: LaunchLinkRequest): Promise<string> {
  const launch = config.identity.launch;
  if (!launch?.secret) {
    throw new Error('Set LAUNCH_JWT_SECRET and LAUNCH_JWT_ISSUER first (docs/integrating.md)');
  }
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({
    given_name: request.givenName,
    family_name: request.familyName,
    ...(request.birthdate ? { birthdate: request.birthdate } : {}),
    ...(request.email ? { email: request.email } : {}),
    action: request.action,
    ...(request.reason ? { reason: request.reason } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(launch.issuer)
    .setAudience(config.publicUrl)
    .setSubject(request.sub)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + Math.min(request.ttl, 600))
    .sign(new TextEncoder().encode(launch.secret));
  return `${config.publicUrl}/launch?token=${token}`;
}

/** `npm run launch-link -- --action walkin --reason "A cough"`: prints one signed launch URL. */
export async function main(argv = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      action: { type: 'string', default: 'clinic' },
      sub: { type: 'string', default: 'demo-patient-1' },
      'given-name': { type: 'string', default: 'Ada' },
      'family-name': { type: 'string', default: 'Lovelace' },
      birthdate: { type: 'string', default: '1985-12-10' },
      email: { type: 'string', default: 'ada@example.test' },
      reason: { type: 'string' },
      ttl: { type: 'string', default: '300' },
    },
  });
  const url = await signLaunchLink(loadConfig(), {
    action: values.action,
    sub: values.sub,
    givenName: values['given-name'],
    familyName: values['family-name'],
    birthdate: values.birthdate || undefined,
    email: values.email || undefined,
    reason: values.reason,
    ttl: Number(values.ttl),
  });
  process.stdout.write(`${url}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`launch-link: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
