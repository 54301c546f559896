import { Writable } from 'node:stream';
import { createLogger } from '../../src/web/logger';

/** The portal's logger (its redaction included) writing into `lines`, one JSON line per entry. */
export function capturingLogger(level = 'debug') {
  const lines: string[] = [];
  const logger = createLogger(
    level,
    new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) }),
  );
  return { logger, lines };
}
