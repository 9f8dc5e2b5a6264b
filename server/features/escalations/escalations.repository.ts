import type { Db } from '../../db/open';
import { sqliteConstraint } from '../../db/constraint';
import type { CallbackRequest, CallbackWithPhone, Escalation, Outcome, PresenceStatus } from './escalations.model';

const ESCALATION_COLUMNS = `e.id, e.branch_id AS branchId, b.name AS branchName, e.question_id AS questionId, e.type_id AS typeId,
  e.organisation_id AS organisationId, e.topic_id AS topicId, e.description, e.status, e.created_by AS createdBy,
  e.expert_id AS expertId, u.name AS expertName, e.created_at AS createdAt, e.accepted_at AS acceptedAt,
  e.closed_at AS closedAt, e.outcome`;
const ESCALATION_FROM = 'escalations e JOIN branches b ON b.id = e.branch_id LEFT JOIN users u ON u.id = e.expert_id';
const CALLBACK_COLUMNS = `c.id, c.branch_id AS branchId, b.name AS branchName, c.question_id AS questionId, c.escalation_id AS escalationId,
  c.type_id AS typeId, c.organisation_id AS organisationId, c.description, c.preferred_moment AS preferredMoment, c.status,
  c.created_at AS createdAt, c.done_at AS doneAt`;
const CALLBACK_FROM = 'callback_requests c JOIN branches b ON b.id = c.branch_id';

/** The categorised part of an intake question an escalation copies. */
export interface QuestionSummary {
  id: number;
  branchId: number;
  typeId: number;
  organisationId: number;
  topicId: number | null;
}

export interface NewEscalation {
  branchId: number;
  questionId: number;
  typeId: number;
  organisationId: number;
  topicId: number | null;
  description: string;
  createdBy: number | null;
  now: string;
}

export interface NewCallback {
  branchId: number;
  questionId: number | null;
  escalationId: number | null;
  typeId: number | null;
  organisationId: number | null;
  description: string;
  phone: string;
  preferredMoment: string;
  createdBy: number | null;
  now: string;
}

/** True when a write was refused because the question already has an open escalation. */
export function isOpenEscalationConflict(err: unknown): boolean {
  const refused = sqliteConstraint(err);
  return refused !== null && refused.code === 'SQLITE_CONSTRAINT_UNIQUE' && refused.message.includes('escalations.question_id');
}

/**
 * Escalations, expert presence and callback requests. The lifecycle's guards are in the SQL itself:
 * accept only changes a 'queued' row, transfer and close only the holder's 'active' row, so two
 * requests (or two processes) racing for one escalation cannot both succeed.
 */
export class EscalationsRepository {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      question: db.prepare(`SELECT id, branch_id AS branchId, type_id AS typeId, organisation_id AS organisationId, topic_id AS topicId FROM questions WHERE id = ?`),
      insert: db.prepare(
        `INSERT INTO escalations (branch_id, question_id, type_id, organisation_id, topic_id, description, created_by, created_at)
         VALUES (@branchId, @questionId, @typeId, @organisationId, @topicId, @description, @createdBy, @now)`,
      ),
      find: db.prepare(`SELECT ${ESCALATION_COLUMNS} FROM ${ESCALATION_FROM} WHERE e.id = ?`),
      openOfQuestion: db.prepare(`SELECT id FROM escalations WHERE question_id = ? AND status IN ('queued', 'active')`),
      accept: db.prepare(`UPDATE escalations SET status = 'active', expert_id = @expertId, accepted_at = @now WHERE id = @id AND status = 'queued'`),
      transfer: db.prepare(`UPDATE escalations SET expert_id = @toId WHERE id = @id AND status = 'active' AND expert_id = @fromId`),
      close: db.prepare(
        `UPDATE escalations SET status = 'closed', outcome = @outcome, closed_at = @now, closed_by = @by WHERE id = @id AND status = 'active' AND expert_id = @by`,
      ),
      cancel: db.prepare(`UPDATE escalations SET status = 'cancelled', closed_at = @now, closed_by = @by WHERE id = @id AND status = 'queued'`),
      activeCount: db.prepare(`SELECT count(*) FROM escalations WHERE expert_id = ? AND status = 'active'`).pluck(),
      queued: db.prepare(`SELECT ${ESCALATION_COLUMNS} FROM ${ESCALATION_FROM} WHERE e.status = 'queued' ORDER BY e.created_at, e.id`),
      activeOfExpert: db.prepare(`SELECT ${ESCALATION_COLUMNS} FROM ${ESCALATION_FROM} WHERE e.expert_id = ? AND e.status = 'active' ORDER BY e.accepted_at`),
      openOfBranch: db.prepare(`SELECT ${ESCALATION_COLUMNS} FROM ${ESCALATION_FROM} WHERE e.branch_id = ? AND e.status IN ('queued', 'active') ORDER BY e.created_at, e.id`),
      recentOfBranch: db.prepare(
        `SELECT ${ESCALATION_COLUMNS} FROM ${ESCALATION_FROM} WHERE e.branch_id = ? AND e.status IN ('closed', 'cancelled') ORDER BY e.closed_at DESC, e.id DESC LIMIT ?`,
      ),
      recentWaits: db.prepare(
        `SELECT (julianday(accepted_at) - julianday(created_at)) * 1440.0 FROM escalations WHERE accepted_at IS NOT NULL AND accepted_at >= ? ORDER BY accepted_at DESC LIMIT 25`,
      ).pluck(),
      setQuestionOutcome: db.prepare(
        `UPDATE questions SET outcome_id = (SELECT id FROM taxonomy WHERE kind = 'outcome' AND key = @outcome), updated_by = @by, updated_at = @now WHERE id = @id`,
      ),
      upsertPresence: db.prepare(
        `INSERT INTO expert_presence (user_id, status, last_active_at, updated_at) VALUES (@userId, @status, @now, @now)
         ON CONFLICT (user_id) DO UPDATE SET status = excluded.status, last_active_at = excluded.last_active_at, updated_at = excluded.updated_at`,
      ),
      touchPresence: db.prepare(`UPDATE expert_presence SET last_active_at = @now WHERE user_id = @userId`),
      presence: db.prepare(
        `SELECT p.user_id AS userId, u.name, p.status, p.last_active_at AS lastActiveAt FROM expert_presence p JOIN users u ON u.id = p.user_id
         WHERE u.role = 'expert' AND u.disabled_at IS NULL ORDER BY u.name`,
      ),
      insertCallback: db.prepare(
        `INSERT INTO callback_requests (branch_id, question_id, escalation_id, type_id, organisation_id, description, phone, preferred_moment, consent_at, created_by, created_at)
         VALUES (@branchId, @questionId, @escalationId, @typeId, @organisationId, @description, @phone, @preferredMoment, @now, @createdBy, @now)`,
      ),
      callback: db.prepare(`SELECT ${CALLBACK_COLUMNS}, c.phone FROM ${CALLBACK_FROM} WHERE c.id = ?`),
      openCallbacks: db.prepare(`SELECT ${CALLBACK_COLUMNS} FROM ${CALLBACK_FROM} WHERE c.status = 'open' ORDER BY c.created_at, c.id`),
      callbacksOfBranch: db.prepare(`SELECT ${CALLBACK_COLUMNS} FROM ${CALLBACK_FROM} WHERE c.branch_id = ? ORDER BY c.created_at DESC, c.id DESC LIMIT ?`),
      // Retention (SPEC 4.9): the text goes, the rows (and so every count) stay.
      purgeTranscripts: db.prepare(
        `UPDATE chat_messages SET body = '' WHERE escalation_id IN (
           SELECT id FROM escalations WHERE status IN ('closed', 'cancelled') AND closed_at < @cutoff AND personal_data_purged_at IS NULL)`,
      ),
      markTranscriptsPurged: db.prepare(
        `UPDATE escalations SET description = '-', personal_data_purged_at = @now
         WHERE status IN ('closed', 'cancelled') AND closed_at < @cutoff AND personal_data_purged_at IS NULL`,
      ),
      purgeCallbacks: db.prepare(
        `UPDATE callback_requests SET phone = '', preferred_moment = '', description = '', personal_data_purged_at = @now
         WHERE personal_data_purged_at IS NULL AND coalesce(done_at, created_at) < @cutoff`,
      ),
      callbackDone: db.prepare(`UPDATE callback_requests SET status = 'done', done_by = @by, done_at = @now WHERE id = @id AND status = 'open'`),
    };
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  question(id: number): QuestionSummary | null {
    return (this.stmts.question.get(id) as QuestionSummary | undefined) ?? null;
  }

  insert(e: NewEscalation): number {
    return Number(this.stmts.insert.run(e).lastInsertRowid);
  }

  find(id: number): Escalation | null {
    return (this.stmts.find.get(id) as Escalation | undefined) ?? null;
  }

  openOfQuestion(questionId: number): number | null {
    const row = this.stmts.openOfQuestion.get(questionId) as { id: number } | undefined;
    return row?.id ?? null;
  }

  /** Exactly one expert wins: the row changes only while it is still 'queued'. */
  accept(id: number, expertId: number, now: string): boolean {
    return this.stmts.accept.run({ id, expertId, now }).changes === 1;
  }

  transfer(id: number, fromId: number, toId: number): boolean {
    return this.stmts.transfer.run({ id, fromId, toId }).changes === 1;
  }

  close(id: number, by: number, outcome: Outcome, now: string): boolean {
    return this.stmts.close.run({ id, by, outcome, now }).changes === 1;
  }

  cancel(id: number, by: number | null, now: string): boolean {
    return this.stmts.cancel.run({ id, by, now }).changes === 1;
  }

  activeCount(expertId: number): number {
    return this.stmts.activeCount.get(expertId) as number;
  }

  queued(): Escalation[] {
    return this.stmts.queued.all() as Escalation[];
  }

  activeOfExpert(expertId: number): Escalation[] {
    return this.stmts.activeOfExpert.all(expertId) as Escalation[];
  }

  openOfBranch(branchId: number): Escalation[] {
    return this.stmts.openOfBranch.all(branchId) as Escalation[];
  }

  recentOfBranch(branchId: number, limit: number): Escalation[] {
    return this.stmts.recentOfBranch.all(branchId, limit) as Escalation[];
  }

  /** Minutes from queue to accept of recent escalations, newest first. */
  recentWaitMinutes(since: string): number[] {
    return this.stmts.recentWaits.all(since) as number[];
  }

  setQuestionOutcome(questionId: number, outcome: Outcome, by: number | null, now: string): void {
    this.stmts.setQuestionOutcome.run({ id: questionId, outcome, by, now });
  }

  setPresence(userId: number, status: PresenceStatus, now: string): void {
    this.stmts.upsertPresence.run({ userId, status, now });
  }

  touchPresence(userId: number, now: string): void {
    this.stmts.touchPresence.run({ userId, now });
  }

  presence(): { userId: number; name: string; status: PresenceStatus; lastActiveAt: string }[] {
    return this.stmts.presence.all() as { userId: number; name: string; status: PresenceStatus; lastActiveAt: string }[];
  }

  insertCallback(c: NewCallback): number {
    return Number(this.stmts.insertCallback.run(c).lastInsertRowid);
  }

  callback(id: number): CallbackWithPhone | null {
    return (this.stmts.callback.get(id) as CallbackWithPhone | undefined) ?? null;
  }

  openCallbacks(): CallbackRequest[] {
    return this.stmts.openCallbacks.all() as CallbackRequest[];
  }

  callbacksOfBranch(branchId: number, limit: number): CallbackRequest[] {
    return this.stmts.callbacksOfBranch.all(branchId, limit) as CallbackRequest[];
  }

  /** Blanks transcripts and callback contact data that ended before `cutoff`; returns how many records. */
  purgeBefore(cutoff: string, now: string): number {
    return this.transaction(() => {
      this.stmts.purgeTranscripts.run({ cutoff });
      const escalations = this.stmts.markTranscriptsPurged.run({ cutoff, now }).changes;
      return escalations + this.stmts.purgeCallbacks.run({ cutoff, now }).changes;
    });
  }

  markCallbackDone(id: number, by: number | null, now: string): boolean {
    return this.stmts.callbackDone.run({ id, by, now }).changes === 1;
  }
}
