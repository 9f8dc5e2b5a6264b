import type { Db } from '../../db/open';

/** The one query /healthz needs: whether the database answers at all. */
export class HealthRepository {
  private readonly ping;

  constructor(db: Db) {
    this.ping = db.prepare('SELECT 1').pluck();
  }

  /** True when the database answers; a closed or broken connection throws inside and answers false. */
  databaseAnswers(): boolean {
    try {
      return this.ping.get() === 1;
    } catch {
      return false;
    }
  }
}
