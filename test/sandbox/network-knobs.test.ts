import { Agent, request as httpRequest } from 'node:http';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { C } from './helpers';

interface Outcome {
  status?: number;
  body?: string;
  error?: string;
}

/** One plain HTTP call to the sandbox with a short timeout; reports what happened instead of throwing. */
function call(url: string, timeoutMs = 300, agent?: Agent): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = httpRequest(
      url,
      { headers: { 'X-AccountCode': C.accountCode }, agent, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve({ error: 'timeout' });
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end();
  });
}

describe('startSandbox on a real port', () => {
  let sandbox: RunningSandbox;
  let roomUrl: string;

  beforeEach(async () => {
    sandbox = await startSandbox();
    roomUrl = `${sandbox.vsee.apiUrl}rooms/${C.roomCode}`;
  });
  afterEach(async () => {
    await sandbox.close();
  });

  it('listens on 127.0.0.1 on an ephemeral port and exposes matching VseeSettings', async () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.vsee.apiUrl).toBe(`${sandbox.url}/vc/next/api_v3/`);
    expect((await call(roomUrl)).status).toBe(200);
  });

  it('hang: the call gets no answer before the client times out', async () => {
    sandbox.knobs.failNext('rooms/:code', { mode: 'hang' });
    const started = Date.now();
    expect(await call(roomUrl, 300)).toEqual({ error: 'timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(sandbox.requestLog.entries()[0]).toMatchObject({ endpoint: 'rooms/:code', status: 0 });
    expect((await call(roomUrl)).status).toBe(200);
  });

  it('drop: the connection is closed without an answer', async () => {
    sandbox.knobs.failNext('rooms/:code', { mode: 'drop' });
    const outcome = await call(roomUrl, 2000);
    expect(outcome.error).toBe('ECONNRESET');
    expect((await call(roomUrl)).status).toBe(200);
  });

  it('counts accepted TCP connections, so a test can see keep-alive reuse', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 5; i++) expect((await call(roomUrl, 1000, agent)).status).toBe(200);
    agent.destroy();
    expect(sandbox.connectionsAccepted()).toBe(1);
  });

  it('close() ends hung and idle keep-alive sockets instead of waiting for them', async () => {
    const agent = new Agent({ keepAlive: true });
    await call(roomUrl, 1000, agent);
    sandbox.knobs.failNext('rooms/:code', { mode: 'hang' });
    const hung = call(roomUrl, 10_000);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await sandbox.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await hung).error).toBe('ECONNRESET');
    agent.destroy();
    sandbox = await startSandbox(); // afterEach closes this one
  });
});
