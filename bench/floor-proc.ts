import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { VseeSettings } from '../src/config';
import { serveParent } from './ipc';

/**
 * The floor: a bare node:http server that, per request, makes the portal's three VSee calls for a
 * walk-in (users/sso → intakes → visits/add_walkin) over a keep-alive agent and answers 302. No
 * framework, session, database or validation: what the portal adds is measured against this.
 */
const vsee = JSON.parse(process.env.BENCH_VSEE ?? '{}') as VseeSettings;
const pool = Number(process.env.BENCH_POOL ?? 50);
const patients = Number(process.env.BENCH_PATIENTS ?? 50);
const agent = new http.Agent({ keepAlive: true, maxSockets: pool, maxFreeSockets: pool, scheduling: 'lifo' });
const api = new URL(vsee.apiUrl);

function post(
  path: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<{ data: Record<string, unknown> }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: api.hostname,
        port: api.port,
        method: 'POST',
        path: `${api.pathname}${path}`,
        headers: {
          'X-AccountCode': vsee.accountCode,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(payload),
          Accept: 'application/json',
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode}`));
          else resolve(JSON.parse(text) as { data: Record<string, unknown> });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

let n = 0;
async function walkin(): Promise<string> {
  n += 1;
  const code = `floor-${n % patients}`;
  const sso = await post(
    'users/sso',
    { 'X-ApiKey': vsee.apiKey, 'X-ApiSecret': vsee.apiSecret },
    {
      first_name: 'Ada',
      last_name: 'Lovelace',
      dob: '1985-12-10',
      email: `${code}@example.test`,
      type: 200,
      code,
    },
  );
  const token = (sso.data.token as { token: string }).token;
  const intake = await post(
    'intakes',
    { 'X-ApiToken': token },
    { room_code: vsee.roomCode, type: 1, member_id: sso.data.id },
  );
  const visit = await post(
    'visits/add_walkin',
    { 'X-ApiToken': token },
    { intake_id: intake.data.id, room_code: vsee.roomCode },
  );
  return `${vsee.clinicUrl}auth?sso_token=${encodeURIComponent(token)}&next=/visits/start/${String(visit.data.id)}`;
}

const server = http.createServer((req, res) => {
  req.resume();
  walkin().then(
    (location) => {
      res.writeHead(302, { Location: location });
      res.end();
    },
    () => {
      res.writeHead(502);
      res.end();
    },
  );
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  serveParent({ url: `http://127.0.0.1:${port}` }, { rss: () => process.memoryUsage().rss }, async () => {
    server.closeAllConnections();
    server.close();
    agent.destroy();
  });
});
