import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from '../../server/db/driver';
import { backupDatabase, checkDatabaseFile, restoreDatabase, BackupError } from '../../server/db/backup';
import { openDatabase } from '../../server/db/open';
import { migrate } from '../../server/db/migrate';
import { MIGRATIONS_DIR, ROOT_DIR } from '../../server/paths';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { createBranch, createUser, tempDir } from '../helpers/test-app';
import { buildOnce } from '../helpers/compiled-server';

jest.setTimeout(120_000);

const emails = (file: string): string[] => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT email FROM users ORDER BY email').pluck().all() as string[];
  } finally {
    db.close();
  }
};

describe('backup and restore', () => {
  let live: LiveServer;
  beforeEach(async () => {
    live = await startLiveServer();
  });
  afterEach(() => live.close());

  test('backs up a live database, restores it to a new path and the data reads back', async () => {
    const branch = createBranch(live.deps, { name: 'Centrale Bibliotheek' });
    await createUser(live.deps, 'coordinator', [branch], 'coco@bieb.nl');
    const backup = path.join(tempDir(), 'backups', 'copy.sqlite');

    const check = await backupDatabase(live.deps.config.databasePath, backup, MIGRATIONS_DIR);
    expect(check.users).toBe(1);
    expect(check.versions.length).toBeGreaterThan(0);
    // A standalone file: no -wal needed beside it.
    expect(fs.existsSync(`${backup}-wal`)).toBe(false);

    // Written after the backup: must not be in it.
    await createUser(live.deps, 'volunteer', [branch], 'later@bieb.nl');
    expect(emails(live.deps.config.databasePath)).toEqual(['coco@bieb.nl', 'later@bieb.nl']);

    const target = path.join(tempDir(), 'restored', 'dichterbij.sqlite');
    const restored = await restoreDatabase(backup, target, MIGRATIONS_DIR, 'test');
    expect(restored.previous).toBeNull();
    expect(emails(target)).toEqual(['coco@bieb.nl']);

    // The restored file is a working database for this release.
    const db = openDatabase(target);
    expect(migrate(db, MIGRATIONS_DIR)).toEqual([]);
    expect(db.prepare('SELECT name FROM branches').pluck().all()).toEqual(['Centrale Bibliotheek']);
    db.close();
  });

  test('restoring over an existing database keeps the replaced one beside it', async () => {
    await createUser(live.deps, 'admin', [], 'first@bieb.nl');
    const backup = path.join(tempDir(), 'b.sqlite');
    await backupDatabase(live.deps.config.databasePath, backup, MIGRATIONS_DIR);

    const dir = tempDir();
    const target = path.join(dir, 'dichterbij.sqlite');
    const other = openDatabase(target);
    migrate(other, MIGRATIONS_DIR);
    other.close();
    const { previous } = await restoreDatabase(backup, target, MIGRATIONS_DIR, '20260302-090000');
    expect(previous).toBe(`${target}.before-restore-20260302-090000`);
    expect(checkDatabaseFile(previous!, MIGRATIONS_DIR).users).toBe(0);
    expect(emails(target)).toEqual(['first@bieb.nl']);
  });

  test('refuses a damaged file, a foreign file and an unknown schema version', async () => {
    const dir = tempDir();
    const target = path.join(dir, 'dichterbij.sqlite');

    const garbage = path.join(dir, 'garbage.sqlite');
    fs.writeFileSync(garbage, 'this is not a database'.repeat(200));
    await expect(restoreDatabase(garbage, target, MIGRATIONS_DIR, 'x')).rejects.toThrow(BackupError);

    // A real backup with one page overwritten in the middle.
    const damaged = path.join(dir, 'damaged.sqlite');
    await backupDatabase(live.deps.config.databasePath, damaged, MIGRATIONS_DIR);
    const bytes = fs.readFileSync(damaged);
    const pageSize = bytes.readUInt16BE(16);
    bytes.fill(0x5a, pageSize * 2, pageSize * 3);
    fs.writeFileSync(damaged, bytes);
    await expect(restoreDatabase(damaged, target, MIGRATIONS_DIR, 'x')).rejects.toThrow(/integrity|not a usable|malformed/);

    const foreign = path.join(dir, 'foreign.sqlite');
    const f = new Database(foreign);
    f.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY)');
    f.close();
    await expect(restoreDatabase(foreign, target, MIGRATIONS_DIR, 'x')).rejects.toThrow(/not a Dichterbij database/);

    const future = path.join(dir, 'future.sqlite');
    await backupDatabase(live.deps.config.databasePath, future, MIGRATIONS_DIR);
    const fdb = new Database(future);
    fdb.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future', '2030-01-01')").run();
    fdb.close();
    await expect(restoreDatabase(future, target, MIGRATIONS_DIR, 'x')).rejects.toThrow(/9999/);

    expect(fs.existsSync(target)).toBe(false);
  });
});

describe('backup and restore from the command line (compiled scripts)', () => {
  beforeAll(() => buildOnce(), 120_000);

  test('npm run backup / restore: backup while running, restore refused while running, accepted when stopped', async () => {
    const live = await startLiveServer();
    const env = {
      PATH: process.env.PATH ?? '',
      DATABASE_PATH: live.deps.config.databasePath,
      PORT: new URL(live.url).port,
      HOST: '127.0.0.1',
      SESSION_SECRET: 'cli-test-secret-cli-test-secret-1234',
    };
    // Asynchronous on purpose: the live server runs in this process and must keep answering meanwhile.
    const run = (script: string, args: string[]): Promise<{ status: number | null; out: string }> =>
      new Promise((resolve) => {
        execFile(process.execPath, [path.join(ROOT_DIR, 'dist', 'scripts', script), ...args], { env, encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
          resolve({ status: err ? ((err as { code?: number }).code ?? -1) : 0, out: stdout + stderr });
        });
      });
    try {
      await createUser(live.deps, 'admin', [], 'cli@bieb.nl');
      const file = path.join(tempDir(), 'cli.sqlite');
      const backup = await run('backup.js', [file]);
      expect(backup.out).toContain('integrity_check: ok');
      expect(backup.status).toBe(0);
      expect(emails(file)).toEqual(['cli@bieb.nl']);

      const refused = await run('restore.js', [file]);
      expect(refused.status).toBe(1);
      expect(refused.out).toContain('stop it first');

      await live.close();
      const restored = await run('restore.js', [file]);
      expect(restored.out).toContain('integrity_check: ok');
      expect(restored.status).toBe(0);
      expect(emails(env.DATABASE_PATH)).toEqual(['cli@bieb.nl']);

      expect((await run('restore.js', [])).out).toContain('usage: npm run restore');
    } finally {
      await live.close();
    }
  });
});
