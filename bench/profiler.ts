import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

/**
 * A CPU profile of one phase only (`--cpu-prof`): a launch run, or one page run, without the
 * start-up, the sign-ups and the other phases a whole-process profile would mix in. Written to
 * bench/profiles/<name>.cpuprofile (open it in Chrome DevTools or VS Code).
 */
export function phaseProfiler() {
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, (err, result) => (err ? reject(err) : resolve(result))),
    );
  return {
    start: async () => {
      await post('Profiler.enable');
      await post('Profiler.start');
    },
    stop: async (name: string) => {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      mkdirSync(join(__dirname, 'profiles'), { recursive: true });
      const file = join(__dirname, 'profiles', `${name}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      return file;
    },
  };
}
