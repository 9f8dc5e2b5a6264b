import type { Db } from '../../db/open';

/** Who asked for the monthly report by e-mail, and which months went out to whom. */
export class StatsMailRepository {
  private readonly subscribedStmt;
  private readonly subscribeStmt;
  private readonly unsubscribeStmt;
  private readonly subscribersStmt;
  private readonly sentStmt;
  private readonly claimStmt;

  constructor(private readonly db: Db) {
    this.subscribedStmt = db.prepare('SELECT 1 FROM stats_report_subscriptions WHERE user_id = ?').pluck();
    this.subscribeStmt = db.prepare('INSERT OR IGNORE INTO stats_report_subscriptions (user_id, created_at) VALUES (?, ?)');
    this.unsubscribeStmt = db.prepare('DELETE FROM stats_report_subscriptions WHERE user_id = ?');
    this.subscribersStmt = db.prepare('SELECT user_id FROM stats_report_subscriptions ORDER BY user_id').pluck();
    this.sentStmt = db.prepare('SELECT 1 FROM stats_report_mails WHERE user_id = ? AND month = ?').pluck();
    this.claimStmt = db.prepare('INSERT OR IGNORE INTO stats_report_mails (user_id, month, sent_at) VALUES (?, ?, ?)');
  }

  isSubscribed(userId: number): boolean {
    return this.subscribedStmt.get(userId) !== undefined;
  }

  /** True when this changed anything (for the audit log). */
  setSubscribed(userId: number, on: boolean, now: string): boolean {
    return (on ? this.subscribeStmt.run(userId, now) : this.unsubscribeStmt.run(userId)).changes > 0;
  }

  subscribers(): number[] {
    return this.subscribersStmt.all() as number[];
  }

  wasSent(userId: number, month: string): boolean {
    return this.sentStmt.get(userId, month) !== undefined;
  }

  /** Marks the month as sent; false when it already was (another pass or process got there first). */
  claim(userId: number, month: string, now: string): boolean {
    return this.claimStmt.run(userId, month, now).changes === 1;
  }

  /** A write transaction that takes the lock at once (BEGIN IMMEDIATE). */
  immediate<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}
