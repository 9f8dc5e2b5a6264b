import type { Db } from '../../db/open';

export interface FailureRecord {
  key: string;
  failures: number;
  windowStartedAt: string;
  lockedUntil: string | null;
}

interface RawFailure {
  key: string;
  failures: number;
  window_started_at: string;
  locked_until: string | null;
}

export class SignInThrottleRepository {
  private readonly getStmt;
  private readonly upsertStmt;
  private readonly deleteStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare('SELECT key, failures, window_started_at, locked_until FROM sign_in_failures WHERE key = ?');
    this.upsertStmt = db.prepare(
      `INSERT INTO sign_in_failures (key, failures, window_started_at, locked_until)
       VALUES (@key, @failures, @windowStartedAt, @lockedUntil)
       ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,
         window_started_at = excluded.window_started_at, locked_until = excluded.locked_until`,
    );
    this.deleteStmt = db.prepare('DELETE FROM sign_in_failures WHERE key = ?');
  }

  find(key: string): FailureRecord | null {
    const r = this.getStmt.get(key) as RawFailure | undefined;
    return r ? { key: r.key, failures: r.failures, windowStartedAt: r.window_started_at, lockedUntil: r.locked_until } : null;
  }

  save(record: FailureRecord): void {
    this.upsertStmt.run(record);
  }

  clear(key: string): void {
    this.deleteStmt.run(key);
  }
}
