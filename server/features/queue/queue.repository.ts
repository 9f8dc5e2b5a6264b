import type { Db } from '../../db/open';

export type CallKind = 'walkin' | 'appointment';

export interface QueueCall {
  id: number;
  branchId: number;
  localDate: string;
  kind: CallKind;
  subjectId: number;
  label: string;
  desk: number;
  calledAt: string;
}

// The columns carry the model's names: a row is a QueueCall, no mapper.
const COLUMNS = 'id, branch_id AS branchId, local_date AS localDate, kind, subject_id AS subjectId, label, desk, called_at AS calledAt';

export interface NewCall extends Omit<QueueCall, 'id'> {
  calledBy: number | null;
}

/** The calls shown on the public queue display. */
export class QueueRepository {
  private readonly insertStmt;
  private readonly recentStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO queue_calls (branch_id, local_date, kind, subject_id, label, desk, called_at, called_by)
       VALUES (@branchId, @localDate, @kind, @subjectId, @label, @desk, @calledAt, @calledBy)`,
    );
    // The newest call per person only: calling someone twice moves them to the top instead of listing them twice.
    this.recentStmt = db.prepare(
      `SELECT ${COLUMNS} FROM queue_calls c
       WHERE c.branch_id = @branchId AND c.local_date = @localDate
         AND c.id = (SELECT max(id) FROM queue_calls o
                     WHERE o.branch_id = c.branch_id AND o.local_date = c.local_date AND o.kind = c.kind AND o.subject_id = c.subject_id)
       ORDER BY c.id DESC LIMIT @limit`,
    );
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  insert(call: NewCall): void {
    this.insertStmt.run(call);
  }

  recent(branchId: number, localDate: string, limit: number): QueueCall[] {
    return this.recentStmt.all({ branchId, localDate, limit }) as QueueCall[];
  }
}
