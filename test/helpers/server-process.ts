import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './waiting';

const ROOT = join(__dirname, '../..');

export interface ServerProcess {
  child: ChildProcess;
  /** Resolves once the server says "listening on"; rejects, with what it printed, if it exits first. */
  ready: Promise<void>;
  exited: Promise<number | null>;
  output: () => { stdout: string; stderr: string };
}

/** The real entry point (through tsx, as `npm start` runs it), on its own SQLite file unless `env` names one. */
export function spawnServer(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ...env,
      DATABASE_URL: env.DATABASE_URL ?? `sqlite:${join(mkdtempSync(join(tmpdir(), 'portal-')), 'portal.db')}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/listening on/.test(stdout)) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    void exited.then((code) => reject(new Error(`exited (${code}) before listening:\n${stderr}${stdout}`)));
  });
  // Tests that expect an early exit never await `ready`: its rejection must not crash the run.
  ready.catch(() => undefined);
  return { child, exited, ready, output: () => ({ stdout, stderr }) };
}

/**
 * Starts the server on ports free a moment ago and waits until it listens. Between freePort() and the
 * child's listen another process on this busy machine can take the port (an outgoing connection's
 * ephemeral port, another suite's server): then it starts again on new ports rather than failing the test.
 */
export async function startServerOnFreePorts(
  envFor: (port: number, sandboxPort: number) => Record<string, string>,
  // Generous: tsx compiles the whole app on a shared, busy machine.
  timeoutMs = 45_000,
): Promise<ServerProcess & { port: number; sandboxPort: number }> {
  for (let attempt = 1; ; attempt++) {
    const [port, sandboxPort] = [await freePort(), await freePort()];
    const server = spawnServer(envFor(port, sandboxPort));
    try {
      await untilListening(server, timeoutMs);
      return { ...server, port, sandboxPort };
    } catch (error) {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      if (attempt < 3 && /already in use/.test(server.output().stderr)) continue;
      throw error;
    }
  }
}

/** Waits for a server already spawned (a restart on a known port); fails with what it printed. */
export function untilListening(server: ServerProcess, timeoutMs = 45_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const { stdout, stderr } = server.output();
      reject(new Error(`no "listening on" within ${timeoutMs} ms:\n${stderr}${stdout}`));
    }, timeoutMs);
    server.ready.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
