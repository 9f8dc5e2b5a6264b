import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, type Db } from '../../server/db/open';
import { migrate, listMigrations, UnknownSchemaError } from '../../server/db/migrate';
import { MIGRATIONS_DIR } from '../../server/paths';
import { tempDir } from '../helpers/test-app';

function migrationsDir(files: Record<string, string>): string {
  const dir = tempDir('dichterbij-migrations-');
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

function freshDb(): Db {
  return openDatabase(path.join(tempDir(), 'm.sqlite'));
}

const versions = (db: Db): { version: number; name: string }[] =>
  db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as { version: number; name: string }[];

describe('migrations', () => {
  test('apply in order with a version record each, and only once', () => {
    const dir = migrationsDir({
      '0002_add_colour.sql': 'ALTER TABLE things ADD COLUMN colour TEXT;',
      '0001_create_things.sql': 'CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL);',
      'README.txt': 'not a migration',
    });
    const db = freshDb();
    expect(migrate(db, dir)).toEqual([1, 2]);
    expect(versions(db)).toEqual([
      { version: 1, name: '0001_create_things' },
      { version: 2, name: '0002_add_colour' },
    ]);
    expect(migrate(db, dir)).toEqual([]);
    db.prepare("INSERT INTO things (name, colour) VALUES ('lamp', 'blue')").run();

    fs.writeFileSync(path.join(dir, '0003_add_size.sql'), 'ALTER TABLE things ADD COLUMN size INTEGER;');
    expect(migrate(db, dir)).toEqual([3]);
    expect(db.prepare('SELECT name, colour, size FROM things').get()).toEqual({ name: 'lamp', colour: 'blue', size: null });
    db.close();
  });

  test('a failing migration leaves no trace: schema change and version record roll back together', () => {
    const dir = migrationsDir({
      '0001_create_things.sql': 'CREATE TABLE things (id INTEGER PRIMARY KEY);',
      '0002_broken.sql': 'CREATE TABLE half (id INTEGER PRIMARY KEY);\nINSERT INTO nowhere VALUES (1);',
    });
    const db = freshDb();
    expect(() => migrate(db, dir)).toThrow(/nowhere/);
    expect(versions(db).map((v) => v.version)).toEqual([1]);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
    db.close();
  });

  test('refuses a database with a version this code does not know', () => {
    const dir = migrationsDir({ '0001_create_things.sql': 'CREATE TABLE things (id INTEGER PRIMARY KEY);' });
    const db = freshDb();
    migrate(db, dir);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, '0099_from_the_future', '2030-01-01')").run();
    expect(() => migrate(db, dir)).toThrow(UnknownSchemaError);
    expect(() => migrate(db, dir)).toThrow(/schema version\(s\) 99/);
    db.close();
  });

  test('refuses a non-empty database without migration history', () => {
    const dir = migrationsDir({ '0001_create_things.sql': 'CREATE TABLE things (id INTEGER PRIMARY KEY);' });
    const db = freshDb();
    db.exec('CREATE TABLE someone_elses (id INTEGER PRIMARY KEY)');
    expect(() => migrate(db, dir)).toThrow(/tables but no migration history/);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'things'").pluck().get()).toBe(0);
    db.close();
  });

  test('the real migrations: numbered uniquely, apply to an empty database, and are idempotent', () => {
    const files = listMigrations(MIGRATIONS_DIR);
    expect(files.length).toBeGreaterThan(0);
    expect(new Set(files.map((f) => f.version)).size).toBe(files.length);
    const db = freshDb();
    expect(migrate(db, MIGRATIONS_DIR)).toEqual(files.map((f) => f.version));
    expect(migrate(db, MIGRATIONS_DIR)).toEqual([]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  test('connections use WAL, foreign keys, FULL sync and a busy timeout', () => {
    const db = freshDb();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });
});
