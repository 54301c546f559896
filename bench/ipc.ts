import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

/** A message from the parent: a command with an id the answer repeats. */
interface Command {
  id: number;
  cmd: string;
  arg?: unknown;
}

/** A bench process (sandbox, floor, portal) in a child of its own, so autocannon never shares its CPU. */
export interface Child<Ready> {
  ready: Ready;
  call<T>(cmd: string, arg?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/** Forks `bench/<file>.ts` through tsx and waits for its `ready` message. */
export async function startChild<Ready>(
  file: string,
  env: Record<string, string> = {},
  nodeFlags: string[] = [],
): Promise<Child<Ready>> {
  const child: ChildProcess = fork(join(__dirname, `${file}.ts`), [], {
    execArgv: ['--import', 'tsx', ...nodeFlags],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (value: unknown) => void>();
  let nextId = 1;
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before it was ready`)));
    child.on('message', (msg: { type?: string; id?: number; result?: unknown; ready?: Ready }) => {
      if (msg.type === 'ready') resolve(msg.ready as Ready);
      else if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
    });
  });
  return {
    ready,
    call: <T>(cmd: string, arg?: unknown) =>
      new Promise<T>((resolve) => {
        const id = nextId++;
        pending.set(id, (value) => {
          pending.delete(id);
          resolve(value as T);
        });
        child.send({ id, cmd, arg } satisfies Command);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** In a child: announces readiness and answers the parent's commands with `handlers`. */
export function serveParent(
  ready: unknown,
  handlers: Record<string, (arg: unknown) => unknown>,
  onStop: () => Promise<void>,
): void {
  // Every child reports its CPU time, so the report can say where each press's CPU went.
  const all: Record<string, (arg: unknown) => unknown> = { cpu: () => process.cpuUsage(), ...handlers };
  process.on('message', (msg: Command) => {
    void Promise.resolve(all[msg.cmd]?.(msg.arg)).then((result) => process.send?.({ id: msg.id, result }));
  });
  process.on('SIGTERM', () => {
    onStop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  // The parent died without stopping us: do not linger.
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', ready });
}
