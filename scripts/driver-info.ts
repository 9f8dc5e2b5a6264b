/**
 * `npm run driver-info`: which SQLite driver this Node uses and why (server/db/driver.ts decides), plus a
 * smoke test of it: a WAL database in a temporary folder, a write, a read and PRAGMA integrity_check.
 * Exit code 1 when the driver cannot open a database. CI prints this for each Node version it tests.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeDriver, driver, sqliteVersion } from '../server/db/driver';
import { openDatabase } from '../server/db/open';

function smokeTest(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dichterbij-driver-'));
  try {
    const db = openDatabase(path.join(dir, 'check.sqlite'));
    try {
      db.exec('CREATE TABLE t (v TEXT NOT NULL)');
      db.prepare('INSERT INTO t (v) VALUES (?)').run('ok');
      const read = db.prepare('SELECT v FROM t').pluck().get();
      const mode = db.pragma('journal_mode', { simple: true });
      const integrity = db.pragma('integrity_check', { simple: true });
      if (read !== 'ok' || mode !== 'wal' || integrity !== 'ok') throw new Error(`read=${String(read)} journal_mode=${String(mode)} integrity=${String(integrity)}`);
      return `journal_mode=${mode}, integrity_check=${integrity}`;
    } finally {
      db.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

try {
  console.log(`SQLite driver: ${describeDriver()}, SQLite ${sqliteVersion()}`);
  console.log(`  package ${driver.package} (major ${driver.major}): ${driver.reason}`);
  console.log(`  smoke test: ${smokeTest()}`);
} catch (err) {
  console.error(`SQLite driver check failed: ${(err as Error).message}`);
  process.exitCode = 1;
}
