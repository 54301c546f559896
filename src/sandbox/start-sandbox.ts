import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createSandbox } from './create-sandbox';
import type { RunningSandbox, StartSandboxOptions } from './types';

/** Longer than any load balancer or client pool idle time, so keep-alive sockets are not reset under a client. */
const KEEP_ALIVE_MS = 65_000;

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Starts a sandbox on `host:port` (default 127.0.0.1, port 0 = any free port). */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const { port = 0, host = '127.0.0.1', identityProvider, ...sandboxOptions } = options;
  const sandbox = createSandbox(sandboxOptions);
  const server = createServer(sandbox.app);
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  const sockets = new Set<Socket>();
  let accepted = 0;
  server.on('connection', (socket: Socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const address = await listen(server, port, host);
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostPart}:${address.port}`;
  return {
    ...sandbox,
    url,
    vsee: sandbox.settings(url),
    oidcIssuer: identityProvider ? sandbox.serveIdentityProvider(url, identityProvider) : undefined,
    connectionsAccepted: () => accepted,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // server.close() alone waits for idle keep-alive and hung sockets; end them now.
        for (const socket of sockets) socket.destroy();
      }),
  };
}
