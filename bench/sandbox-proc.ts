import { startSandbox } from '../src/sandbox';
import type { VseeSettings } from '../src/config';
import { serveParent } from './ipc';

/** What the sandbox child tells the parent once it listens. */
export interface SandboxReady {
  vsee: VseeSettings;
}

/** Calls per endpoint since the last reset, counted from the sandbox's own request log. */
export interface SandboxStats {
  connections: number;
  calls: Record<string, number>;
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({ port: 0 });
  sandbox.knobs.setLatency('*', Number(process.env.BENCH_LATENCY_MS ?? 20));
  let calls: Record<string, number> = {};
  let connectionsAtReset = 0;
  // The log keeps the last 10 000 calls only: drain it often so no call goes uncounted.
  const drain = () => {
    for (const entry of sandbox.requestLog.entries())
      calls[entry.endpoint] = (calls[entry.endpoint] ?? 0) + 1;
    sandbox.requestLog.clear();
  };
  const timer = setInterval(drain, 200);
  serveParent(
    { vsee: sandbox.vsee } satisfies SandboxReady,
    {
      latency: (ms) => sandbox.knobs.setLatency('*', Number(ms)),
      stats: (): SandboxStats => {
        drain();
        return { connections: sandbox.connectionsAccepted() - connectionsAtReset, calls };
      },
      reset: () => {
        drain();
        calls = {};
        connectionsAtReset = sandbox.connectionsAccepted();
      },
    },
    async () => {
      clearInterval(timer);
      await sandbox.close();
    },
  );
}

void main();
