import fs from 'node:fs';
import path from 'node:path';
import Database from './driver';

export type Db = Database.Database;

/** Opens the database with the settings every connection needs. */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL makes every commit fsync the WAL before we answer: a confirmed booking, question, loan or chat
  // message survives a killed process *and* a power cut. NORMAL would be faster but may lose the last
  // commits on power loss, which we promise citizens never happens.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Scripts (backup, purge, export) may write while the server runs; wait instead of failing at once.
  db.pragma('busy_timeout = 5000');
  return db;
}
