import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './open';

export class UnknownSchemaError extends Error {}

interface MigrationFile {
  version: number;
  name: string;
  file: string;
}

export function listMigrations(dir: string): MigrationFile[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 4)), name: f.replace(/\.sql$/, ''), file: path.join(dir, f) }));
}

/**
 * Applies pending migrations, each with its version record in one transaction, forward only.
 * Refuses a database that has versions this code does not know (a newer release, or another program).
 */
export function migrate(db: Db, dir: string): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const migrations = listMigrations(dir);
  const known = new Set(migrations.map((m) => m.version));
  const applied = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all() as number[];
  const unknown = applied.filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new UnknownSchemaError(
      `The database has schema version(s) ${unknown.join(', ')} that this version of Dichterbij does not know. ` +
        'Refusing to start: use the release that created this database, or restore a backup.',
    );
  }
  if (applied.length === 0) {
    const others = db
      .prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT IN ('schema_migrations') AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .get() as number;
    if (others > 0) throw new UnknownSchemaError('The database has tables but no migration history; refusing to touch it.');
  }
  const done = new Set(applied);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const newlyApplied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    const sql = fs.readFileSync(m.file, 'utf8');
    db.transaction(() => {
      db.exec(sql);
      record.run(m.version, m.name, new Date().toISOString());
    })();
    newlyApplied.push(m.version);
  }
  return newlyApplied;
}
