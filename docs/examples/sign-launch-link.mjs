// Signs a launch link for the patient portal (Node 20+, `npm install jose`).
// Run: LAUNCH_JWT_SECRET=... LAUNCH_JWT_ISSUER=... PORTAL_URL=... node sign-launch-link.mjs
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

const { LAUNCH_JWT_SECRET, LAUNCH_JWT_ISSUER, PORTAL_URL } = process.env;

export async function launchUrl(patient, action = 'clinic') {
  const token = await new SignJWT({
    given_name: patient.firstName,
    family_name: patient.lastName,
    birthdate: patient.birthDate, // YYYY-MM-DD, optional
    email: patient.email, // optional
    action, // clinic | walkin | schedule | econsult | visits
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(LAUNCH_JWT_ISSUER)
    .setAudience(PORTAL_URL) // the portal's PUBLIC_URL
    .setSubject(String(patient.id)) // your patient id: never reuse it for another person
    .setJti(randomUUID()) // unique per link
    .setIssuedAt()
    .setExpirationTime('2m') // at most 10 minutes
    .sign(new TextEncoder().encode(LAUNCH_JWT_SECRET));
  return `${PORTAL_URL}/launch?token=${token}`;
}

process.stdout.write(
  `${await launchUrl({
    id: 1042,
    firstName: 'Ada',
    lastName: 'Lovelace',
    birthDate: '1985-12-10',
    email: 'ada@example.com',
  })}\n`,
);
