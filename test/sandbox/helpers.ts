import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import request from 'supertest';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox';

export const C = SANDBOX_CREDENTIALS;
/** The default API prefix, without its trailing slash, so paths read `${API}/users/sso`. */
export const API = '/vc/next/api_v3';
export const CLINIC = '/vc/next';

/** 2030-01-07 08:00 UTC: an hour before the seeded working day starts. */
export const T0 = Date.parse('2030-01-07T08:00:00Z');
export const T0_SECONDS = T0 / 1000;

/** A clock the test moves by hand. */
export function manualClock(start = T0): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

export const SSO_HEADERS = {
  'X-AccountCode': C.accountCode,
  'X-ApiKey': C.apiKey,
  'X-ApiSecret': C.apiSecret,
};

/** Headers of a call made with a user or admin token. */
export function asToken(token: string): Record<string, string> {
  return { 'X-AccountCode': C.accountCode, 'X-ApiToken': token };
}

export const ADMIN = asToken(C.adminToken);

/** Signs a patient in through SSO and returns the token and VSee user id. */
export async function ssoPatient(
  app: Express,
  code = 'patient-1',
  extra: Record<string, unknown> = {},
): Promise<{ token: string; userId: string; data: Record<string, unknown> }> {
  const res = await request(app)
    .post(`${API}/users/sso`)
    .set(SSO_HEADERS)
    .send({ first_name: 'Pat', last_name: 'Ient', type: 200, code, ...extra })
    .expect(200);
  return { token: res.body.data.token.token, userId: res.body.data.id, data: res.body.data };
}

/** Creates an intake for the token's patient and returns its id. */
export async function createIntake(
  app: Express,
  token: string,
  fields: Record<string, unknown> = {},
): Promise<string> {
  const res = await request(app)
    .post(`${API}/intakes`)
    .set(asToken(token))
    .send({ room_code: C.roomCode, type: 1, reason_for_visit: 'Cough', ...fields })
    .expect(200);
  return res.body.data.id;
}

type CreatedVisit = {
  token: string;
  userId: string;
  visit: Record<string, unknown> & { id: string; code: string };
};

/** SSO → intake → `visits/{endpoint}`; returns the patient's token and the visit object. */
async function createVisit(app: Express, endpoint: string, code: string): Promise<CreatedVisit> {
  const { token, userId } = await ssoPatient(app, code);
  const intakeId = await createIntake(app, token);
  const res = await request(app)
    .post(`${API}/visits/${endpoint}`)
    .set(asToken(token))
    .send({ intake_id: intakeId, room_code: C.roomCode })
    .expect(200);
  return { token, userId, visit: res.body.data };
}

/** SSO → intake → walk-in; returns the patient's token and the visit object. */
export function walkIn(app: Express, code = 'patient-1'): Promise<CreatedVisit> {
  return createVisit(app, 'add_walkin', code);
}

/** SSO → intake → eConsult (unassigned); returns the patient's token and the visit object. */
export function eConsult(app: Express, code = 'patient-1'): Promise<CreatedVisit> {
  return createVisit(app, 'add_econsult', code);
}

/** Text of the element carrying `data-testid="id"` (same rule as test/helpers/html.ts). */
export function testId(html: string, id: string): string | undefined {
  const match = new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(html);
  return match?.[1]?.trim();
}

/** `name=value` of the sandbox session cookie in a response. */
export function sandboxCookie(setCookie: string[] | string | undefined): string | undefined {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return list.find((c) => c.startsWith('vsee_sandbox_session='))?.split(';')[0];
}

/** One POST a webhook receiver got. */
export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown> & { data: Record<string, unknown> };
}

/**
 * A webhook receiver on a real port that records every POST and answers `status`. `url` is its
 * `/hook` path; `origin` takes any path.
 */
export async function receiver(status = 200) {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(raw) });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    received,
    origin,
    url: `${origin}/hook`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
