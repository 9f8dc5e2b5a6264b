import fs from 'node:fs';
import path from 'node:path';
import Database from './driver';
import { listMigrations } from './migrate';

export class BackupError extends Error {}

export interface DatabaseCheck {
  /** Schema versions recorded in the file, oldest first. */
  versions: number[];
  /** Rows in the users table, as a quick sign the file holds real data. */
  users: number;
}

/**
 * Checks a database file without changing it: SQLite's integrity_check must say "ok" and every recorded
 * schema version must be one this release knows. Throws BackupError with a readable reason otherwise.
 */
export function checkDatabaseFile(file: string, migrationsDir: string): DatabaseCheck {
  if (!fs.existsSync(file)) throw new BackupError(`${file} does not exist`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new BackupError(`${file} cannot be opened as a database: ${(err as Error).message}`);
  }
  try {
    let integrity: string;
    try {
      integrity = String(db.pragma('integrity_check', { simple: true }));
    } catch (err) {
      throw new BackupError(`${file} is not a usable database: ${(err as Error).message}`);
    }
    if (integrity !== 'ok') throw new BackupError(`${file} failed the integrity check: ${integrity}`);
    const hasHistory = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").pluck().get() === 1;
    if (!hasHistory) throw new BackupError(`${file} is not a Dichterbij database (no schema_migrations table)`);
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all() as number[];
    const known = new Set(listMigrations(migrationsDir).map((m) => m.version));
    const unknown = versions.filter((v) => !known.has(v));
    if (unknown.length > 0) {
      throw new BackupError(`${file} has schema version(s) ${unknown.join(', ')} that this release does not know; use the release that made it`);
    }
    const users = db.prepare('SELECT count(*) FROM users').pluck().get() as number;
    return { versions, users };
  } finally {
    db.close();
  }
}

/**
 * Online backup with SQLite's backup API: consistent even while the server writes (WAL), and it includes
 * commits still in the -wal file, which a plain file copy would miss. The copy is checked before we say "done".
 */
export async function backupDatabase(source: string, target: string, migrationsDir: string): Promise<DatabaseCheck> {
  if (path.resolve(source) === path.resolve(target)) throw new BackupError('the backup file must differ from the database');
  if (fs.existsSync(target)) throw new BackupError(`${target} already exists; choose another name`);
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(target);
  } finally {
    db.close();
  }
  try {
    // A standalone copy: one file, no -wal beside it, readable by any SQLite tool.
    const copy = new Database(target);
    copy.pragma('journal_mode = DELETE');
    copy.close();
    return checkDatabaseFile(target, migrationsDir);
  } catch (err) {
    fs.rmSync(target, { force: true });
    throw err;
  }
}

/**
 * Puts a checked backup in place of the database. Only while the server is stopped: the caller checks that.
 * The current database (with its -wal) is first saved beside it as <name>.before-restore-<stamp>, so a
 * restore can itself be undone.
 */
export async function restoreDatabase(backup: string, target: string, migrationsDir: string, stamp: string): Promise<{ check: DatabaseCheck; previous: string | null }> {
  const check = checkDatabaseFile(backup, migrationsDir);
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  let previous: string | null = null;
  if (fs.existsSync(target)) {
    previous = `${target}.before-restore-${stamp}`;
    await backupDatabase(target, previous, migrationsDir).catch(() => {
      // A damaged current database cannot be backed up through SQLite; keep its raw bytes instead.
      fs.copyFileSync(target, previous as string);
    });
  }
  const temporary = `${target}.restoring`;
  fs.copyFileSync(backup, temporary);
  const fd = fs.openSync(temporary, 'r+');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  for (const suffix of ['-wal', '-shm', '']) fs.rmSync(target + suffix, { force: true });
  fs.renameSync(temporary, target);
  return { check, previous };
}
