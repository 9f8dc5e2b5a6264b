import type { Db } from '../../db/open';

import { HELP_TOPICS } from '../../lib/topics';

export const WALKIN_TOPICS = HELP_TOPICS;
export type WalkinTopic = (typeof WALKIN_TOPICS)[number];
export type WalkinStatus = 'waiting' | 'called' | 'in_progress' | 'done' | 'no_show';
/** Statuses that still belong in the desk's queue. */
export const OPEN_WALKIN_STATUSES: readonly WalkinStatus[] = ['waiting', 'called', 'in_progress'];

export interface Walkin {
  id: number;
  branchId: number;
  localDate: string;
  number: number;
  topic: WalkinTopic | '';
  status: WalkinStatus;
  ticketToken: string;
  createdAt: string;
  calledAt: string | null;
  desk: number | null;
  startedAt: string | null;
  finishedAt: string | null;
}

// The columns carry the model's names: a row is a Walkin, no mapper.
const COLUMNS = `id, branch_id AS branchId, local_date AS localDate, number, topic, status, ticket_token AS ticketToken,
  created_at AS createdAt, called_at AS calledAt, desk, started_at AS startedAt, finished_at AS finishedAt`;

export interface NewWalkin {
  branchId: number;
  localDate: string;
  topic: WalkinTopic | '';
  ticketToken: string;
  createdAt: string;
}

export class WalkinsRepository {
  private readonly insertNextStmt;
  private readonly byIdStmt;
  private readonly byTokenStmt;
  private readonly openOfDayStmt;
  private readonly countWaitingStmt;
  private readonly callStmt;
  private readonly startStmt;
  private readonly finishStmt;

  constructor(private readonly db: Db) {
    // The next number is computed inside the INSERT itself; callers run it in an IMMEDIATE transaction, so
    // the read of max(number) and the write happen under one write lock and can never interleave.
    this.insertNextStmt = db.prepare(
      `INSERT INTO walkins (branch_id, local_date, number, topic, status, ticket_token, created_at)
       VALUES (@branchId, @localDate,
         (SELECT coalesce(max(number), 0) + 1 FROM walkins WHERE branch_id = @branchId AND local_date = @localDate),
         @topic, 'waiting', @ticketToken, @createdAt)
       RETURNING ${COLUMNS}`,
    );
    this.byIdStmt = db.prepare(`SELECT ${COLUMNS} FROM walkins WHERE id = ?`);
    this.byTokenStmt = db.prepare(`SELECT ${COLUMNS} FROM walkins WHERE ticket_token = ?`);
    this.openOfDayStmt = db.prepare(
      `SELECT ${COLUMNS} FROM walkins
       WHERE branch_id = @branchId AND local_date = @localDate AND status IN ('waiting', 'called', 'in_progress')
       ORDER BY number`,
    );
    this.countWaitingStmt = db
      .prepare(`SELECT count(*) FROM walkins WHERE branch_id = @branchId AND local_date = @localDate AND status = 'waiting'`)
      .pluck();
    this.callStmt = db.prepare(
      `UPDATE walkins SET status = 'called', called_at = @at, called_by = @userId, desk = @desk
       WHERE id = @id AND status IN ('waiting', 'called')`,
    );
    this.startStmt = db.prepare(
      `UPDATE walkins SET status = 'in_progress', started_at = @at, started_by = @userId
       WHERE id = @id AND status IN ('waiting', 'called')`,
    );
    this.finishStmt = db.prepare(
      `UPDATE walkins SET status = @status, finished_at = @at, finished_by = @userId
       WHERE id = @id AND status IN ('waiting', 'called', 'in_progress')`,
    );
  }

  /** Runs `fn` in an IMMEDIATE transaction: the write lock is taken before the first read. */
  immediate<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  insertNext(input: NewWalkin): Walkin {
    return this.insertNextStmt.get(input) as Walkin;
  }

  findById(id: number): Walkin | null {
    return (this.byIdStmt.get(id) as Walkin | undefined) ?? null;
  }

  findByToken(token: string): Walkin | null {
    return (this.byTokenStmt.get(token) as Walkin | undefined) ?? null;
  }

  /** Waiting, called and in-progress walk-ins of one day, in number order. */
  openOfDay(branchId: number, localDate: string): Walkin[] {
    return this.openOfDayStmt.all({ branchId, localDate }) as Walkin[];
  }

  countWaiting(branchId: number, localDate: string): number {
    return this.countWaitingStmt.get({ branchId, localDate }) as number;
  }

  /** Each state change returns false when the walk-in was no longer in a state that allows it. */
  markCalled(id: number, desk: number, userId: number | null, at: string): boolean {
    return this.callStmt.run({ id, desk, userId, at }).changes === 1;
  }

  markStarted(id: number, userId: number | null, at: string): boolean {
    return this.startStmt.run({ id, userId, at }).changes === 1;
  }

  markFinished(id: number, status: 'done' | 'no_show', userId: number | null, at: string): boolean {
    return this.finishStmt.run({ id, status, userId, at }).changes === 1;
  }
}
