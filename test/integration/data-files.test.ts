import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { openDb } from '../../src/db/connection';
import { migrateToLatest } from '../../src/db/migrate';

const ROOT = join(__dirname, '../..');

/** A CLI from src/ through tsx, with only the given environment (no portal settings at all). */
function cli(script: string, args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

const modeOf = (path: string) => statSync(path).mode & 0o777;

function auditCount(path: string): number {
  const copy = new SQLite(path, { readonly: true });
  try {
    return (copy.prepare('select count(*) as n from audit_events').get() as { n: number }).n;
  } finally {
    copy.close();
  }
}

describe('data that survives', () => {
  it('db:migrate needs only DATABASE_URL, even with NODE_ENV=production; the files it creates are 0600', () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrate-'));
    const path = join(dir, 'portal.db');
    const result = cli('src/db/migrate-cli.ts', [], {
      NODE_ENV: 'production',
      DATABASE_URL: `sqlite:${path}`,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('migrations applied');
    expect(modeOf(path)).toBe(0o600);
  });

  it('db:backup copies a live database (open in another connection, data still in the WAL) consistently, 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backup-'));
    const path = join(dir, 'portal.db');
    const db = openDb(`sqlite:${path}`);
    try {
      await migrateToLatest(db);
      for (let i = 0; i < 50; i += 1) {
        await db
          .insertInto('audit_events')
          .values({ at: new Date().toISOString(), account_id: null, action: 'login', outcome: 'failure' })
          .execute();
      }
      expect(modeOf(`${path}-wal`)).toBe(0o600);

      // The trap: a plain copy of the file alone misses what is still in the WAL.
      const plain = join(dir, 'plain-copy.db');
      copyFileSync(path, plain);
      expect(() => auditCount(plain)).toThrow(/no such table/);

      const backup = join(dir, 'backup.db');
      const result = cli('src/db/backup-cli.ts', [backup], { DATABASE_URL: `sqlite:${path}` });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(auditCount(backup)).toBe(50);
      expect(modeOf(backup)).toBe(0o600);
    } finally {
      await db.destroy();
    }
  }, 60_000);

  it('a committed write survives the portal dying before any checkpoint, with SQLITE_SYNCHRONOUS at its default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sync-'));
    const path = join(dir, 'portal.db');
    // A child process opens the database as the portal does, commits one row and exits at once,
    // without closing it: the row is only in the WAL file, which the next open must replay.
    const writer = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `const { openDb } = require('./src/db/connection');
         const { migrateToLatest } = require('./src/db/migrate');
         const db = openDb('sqlite:${path}');
         migrateToLatest(db)
           .then(() => db.insertInto('audit_events').values({ at: 'x', account_id: null, action: 'login', outcome: 'failure' }).execute())
           .then(() => process.exit(0));`,
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect(writer.stderr).toBe('');
    expect(writer.status).toBe(0);
    expect(auditCount(path)).toBe(1);
  }, 60_000);

  it.each([
    [{}, 1],
    [{ sqliteSynchronous: 'normal' as const }, 1],
    [{ sqliteSynchronous: 'full' as const }, 2],
  ])(
    'SQLite opened with %j syncs at %i (1 = at checkpoints, 2 = at every commit)',
    async (options, level) => {
      const path = join(mkdtempSync(join(tmpdir(), 'sync-')), 'portal.db');
      const db = openDb(`sqlite:${path}`, options);
      try {
        const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(db);
        expect(rows[0]?.synchronous).toBe(level);
      } finally {
        await db.destroy();
      }
    },
  );

  it('db:backup without a file, or on PostgreSQL, exits 1 and says what to do', () => {
    expect(cli('src/db/backup-cli.ts', [], {}).stderr).toContain('usage: npm run db:backup -- FILE');
    const pg = cli('src/db/backup-cli.ts', ['x.db'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:9/x' });
    expect(pg.status).toBe(1);
    expect(pg.stderr).toContain('pg_dump');
  }, 60_000);
});

describe('the sandbox stays out of production', () => {
  it('loading the app, the runtime and the server modules loads nothing from src/sandbox', () => {
    const script = `
      require('./src/app.ts'); require('./src/runtime.ts'); require('./src/ops/doctor/run-checks.ts');
      const loaded = Object.keys(require.cache).filter((k) => k.includes('/src/sandbox/'));
      process.stdout.write(JSON.stringify(loaded));`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual([]);
  }, 60_000);
});
