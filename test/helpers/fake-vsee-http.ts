import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A tiny scripted VSee on 127.0.0.1 for unit tests of the client: it records every request and
// answers what the test scripted. The full sandbox (src/sandbox) is for integration tests.

export interface RecordedRequest {
  method: string;
  /** Path and query as received, e.g. `/vc/next/api_v3/availability?start=1`. */
  url: string;
  /** Path relative to the API prefix, e.g. `availability`. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  /** Which TCP connection (1, 2, …) carried the request. */
  connection: number;
}

export type ScriptedAnswer =
  | { status?: number; json?: unknown; body?: string; headers?: Record<string, string>; delayMs?: number }
  /** Accept the request and never answer. */
  | 'hang'
  /** Destroy the socket without answering. */
  | 'destroy';

export interface FakeVsee {
  /** API base with its path prefix, ending in '/'. */
  apiUrl: string;
  requests: RecordedRequest[];
  /** TCP connections accepted so far. */
  connections(): number;
  /** Scripts answers to `method path` (path relative to the prefix); the last answer repeats. */
  script(method: 'GET' | 'POST', path: string, ...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

/** Starts the fake on an ephemeral loopback port; unscripted calls get VSee's 404 body. */
export async function startFakeVsee(prefix = '/vc/next/api_v3/', tls?: TlsMaterial): Promise<FakeVsee> {
  const scripts = new Map<string, ScriptedAnswer[]>();
  const requests: RecordedRequest[] = [];
  const socketIds = new WeakMap<net.Socket, number>();
  let connections = 0;

  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        path,
        query: url.searchParams,
        headers: req.headers,
        body,
        json: tryJson(body),
        connection: socketIds.get(req.socket) ?? 0,
      });
      const queue = scripts.get(`${req.method} ${path}`);
      const answer = queue && (queue.length > 1 ? queue.shift() : queue[0]);
      respond(
        req,
        res,
        answer ?? { status: 404, json: { code: 404, message: 'Sorry, this page is not available.' } },
      );
    });
  };

  const server = tls
    ? https.createServer({ key: tls.key, cert: tls.cert }, handler)
    : http.createServer(handler);
  server.on(tls ? 'secureConnection' : 'connection', (socket: net.Socket) => {
    connections += 1;
    socketIds.set(socket, connections);
  });
  await listen(server);
  const { port } = server.address() as net.AddressInfo;
  return {
    apiUrl: `${tls ? 'https' : 'http'}://127.0.0.1:${port}${prefix}`,
    requests,
    connections: () => connections,
    script: (method, path, ...answers) => void scripts.set(`${method} ${path}`, answers),
    close: () => closeServer(server),
  };
}

function respond(req: http.IncomingMessage, res: http.ServerResponse, answer: ScriptedAnswer): void {
  if (answer === 'hang') return;
  if (answer === 'destroy') {
    req.socket.destroy();
    return;
  }
  const send = () => {
    const text = answer.body ?? (answer.json === undefined ? '' : JSON.stringify(answer.json));
    res.writeHead(answer.status ?? 200, { 'Content-Type': 'application/json', ...answer.headers });
    res.end(text);
  };
  if (answer.delayMs) setTimeout(send, answer.delayMs);
  else send();
}

/** A TCP server that accepts and never says a word (a TLS handshake against it never finishes). */
export async function startSilentTcpServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await listen(server);
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface TlsMaterial {
  key: string;
  cert: string;
}

/** A throwaway self-signed certificate for 127.0.0.1 made with the openssl CLI, or undefined without it. */
export function selfSignedCertificate(): TlsMaterial | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'fake-vsee-tls-'));
  try {
    const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    args.push('-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1');
    args.push('-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1');
    execFileSync('openssl', args, { stdio: 'ignore' });
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function listen(server: net.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
