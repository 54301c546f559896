/** A signed-up, logged-in patient as the load generator uses it. */
export interface BenchPatient {
  cookie: string;
  csrf: string;
  email: string;
}

/** Visits each page reader has (portal-proc.ts): finished walk-ins and appointments, so a page asks VSee nothing. */
export const VISITS_PER_PAGE_PATIENT = 10;

/** Every request says it came through the TLS-terminating proxy, as in production (TRUST_PROXY=1). */
export const PROXY_HEADERS = { 'x-forwarded-proto': 'https' };

function cookieOf(res: Response, previous?: string): string {
  const set = res.headers.getSetCookie().find((c) => c.includes('portal.sid='));
  return set ? set.split(';')[0]! : previous!;
}

function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token on the page');
  return match[1];
}

/** Signs one patient up through the real form, then reads the dashboard's CSRF token. */
async function signUp(base: string, n: number, tag: string): Promise<BenchPatient> {
  const form = await fetch(`${base}/signup`, { headers: PROXY_HEADERS });
  let cookie = cookieOf(form);
  const body = new URLSearchParams({
    first_name: 'Ada',
    last_name: `Bench${n}`,
    dob: '1985-12-10',
    email: `bench.${tag}.${n}@example.test`,
    password: 'correct horse battery staple',
    _csrf: csrfOf(await form.text()),
  });
  const signup = await fetch(`${base}/signup`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...PROXY_HEADERS, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  if (signup.status !== 303) throw new Error(`sign-up answered ${signup.status}`);
  cookie = cookieOf(signup, cookie);
  const home = await fetch(`${base}/`, { headers: { ...PROXY_HEADERS, cookie } });
  if (home.status !== 200) throw new Error(`dashboard answered ${home.status}`);
  return { cookie: cookieOf(home, cookie), csrf: csrfOf(await home.text()), email: body.get('email')! };
}

let batch = 0;

/** Signs up `count` patients, a few at a time (each sign-up hashes a password with argon2). */
export async function signUpPatients(base: string, count: number): Promise<BenchPatient[]> {
  const tag = `${process.pid}.${Date.now()}.${(batch += 1)}`;
  const patients: BenchPatient[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) patients.push(await signUp(base, next++, tag));
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return patients;
}

/** Logs in the naive peer's patients (naive-peer.ts keeps `naive{n}@example.test` in memory). */
export async function logInNaivePatients(base: string, count: number): Promise<string[]> {
  const cookies: string[] = [];
  for (let n = 1; n <= count; n += 1) {
    const res = await fetch(`${base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        email: `naive${n}@example.test`,
        password: 'correct horse battery staple',
      }),
    });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('connect.sid='));
    if (res.status !== 302 || !set) throw new Error(`naive login answered ${res.status}`);
    cookies.push(set.split(';')[0]!);
  }
  return cookies;
}
