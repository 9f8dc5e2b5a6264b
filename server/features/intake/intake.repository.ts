import type { Db } from '../../db/open';
import type { DimensionCount, Question, QuestionFields, QuestionSource, TallyTile, TileInput, Visit } from './intake.model';

/** Dimensions the statistics count questions by; each is a column of `questions`. */
export const STAT_DIMENSIONS = {
  type: 'type_id',
  organisation: 'organisation_id',
  topic: 'topic_id',
  life_event: 'life_event_id',
  help: 'help_id',
  partner: 'partner_id',
  duration: 'duration_id',
  outcome: 'outcome_id',
  channel: 'channel_id',
} as const;
export type StatDimension = keyof typeof STAT_DIMENSIONS;

// Columns named as the model's fields, so a row is a Visit, Question or TallyTile without a mapper.
const VISIT_COLUMNS = 'id, branch_id AS branchId, channel_id AS channelId, staff_user_id AS staffUserId, started_at AS startedAt, local_date AS localDate, appointment_id AS appointmentId, walkin_id AS walkinId';
const QUESTION_COLUMNS =
  'id, visit_id AS visitId, branch_id AS branchId, channel_id AS channelId, local_date AS localDate, local_month AS localMonth, type_id AS typeId, organisation_id AS organisationId, topic_id AS topicId, life_event_id AS lifeEventId, help_id AS helpId, partner_id AS partnerId, duration_id AS durationId, outcome_id AS outcomeId, note, source, created_by AS createdBy, created_at AS createdAt, updated_by AS updatedBy, updated_at AS updatedAt';
const TILE_COLUMNS = 'id, branch_id AS branchId, label_nl AS labelNl, label_en AS labelEn, type_id AS typeId, organisation_id AS organisationId, topic_id AS topicId, help_id AS helpId, duration_id AS durationId, outcome_id AS outcomeId, sort_order AS sortOrder';

export type NewVisit = Omit<Visit, 'id'>;
export type NewQuestion = QuestionFields & { visitId: number; branchId: number; channelId: number; localDate: string; source: QuestionSource; userId: number | null };

export class IntakeRepository {
  private readonly insertVisitStmt;
  private readonly visitByIdStmt;
  private readonly deleteVisitStmt;
  private readonly insertQuestionStmt;
  private readonly questionByIdStmt;
  private readonly updateQuestionStmt;
  private readonly deleteQuestionStmt;
  private readonly countInVisitStmt;
  private readonly questionsOfVisitStmt;
  private readonly listStmt;
  private readonly branchTilesStmt;
  private readonly defaultTilesStmt;
  private readonly tileByIdStmt;
  private readonly insertTileStmt;
  private readonly deleteTileStmt;
  private readonly maxTileSortStmt;
  private readonly countByStmts: Record<StatDimension, ReturnType<Db['prepare']>>;
  private readonly totalsStmt;
  private readonly appointmentBranchStmt;
  private readonly walkinBranchStmt;

  constructor(private readonly db: Db) {
    this.insertVisitStmt = db.prepare(
      `INSERT INTO visits (branch_id, channel_id, staff_user_id, started_at, local_date, appointment_id, walkin_id, created_at)
       VALUES (@branchId, @channelId, @staffUserId, @startedAt, @localDate, @appointmentId, @walkinId, @startedAt)`,
    );
    this.visitByIdStmt = db.prepare(`SELECT ${VISIT_COLUMNS} FROM visits WHERE id = ?`);
    this.deleteVisitStmt = db.prepare('DELETE FROM visits WHERE id = ?');
    this.insertQuestionStmt = db.prepare(
      `INSERT INTO questions (visit_id, branch_id, channel_id, local_date, local_month, type_id, organisation_id, topic_id, life_event_id,
         help_id, partner_id, duration_id, outcome_id, note, source, created_by, created_at, updated_by, updated_at)
       VALUES (@visitId, @branchId, @channelId, @localDate, substr(@localDate, 1, 7), @typeId, @organisationId, @topicId, @lifeEventId,
         @helpId, @partnerId, @durationId, @outcomeId, @note, @source, @userId, @now, @userId, @now)`,
    );
    this.questionByIdStmt = db.prepare(`SELECT ${QUESTION_COLUMNS} FROM questions WHERE id = ?`);
    this.updateQuestionStmt = db.prepare(
      `UPDATE questions SET type_id = @typeId, organisation_id = @organisationId, topic_id = @topicId, life_event_id = @lifeEventId,
         help_id = @helpId, partner_id = @partnerId, duration_id = @durationId, outcome_id = @outcomeId, note = @note,
         updated_by = @userId, updated_at = @now
       WHERE id = @id`,
    );
    this.deleteQuestionStmt = db.prepare('DELETE FROM questions WHERE id = ?');
    this.countInVisitStmt = db.prepare('SELECT count(*) FROM questions WHERE visit_id = ?').pluck();
    this.questionsOfVisitStmt = db.prepare(`SELECT ${QUESTION_COLUMNS} FROM questions WHERE visit_id = ? ORDER BY id`);
    this.listStmt = db.prepare(
      `SELECT ${QUESTION_COLUMNS} FROM questions
       WHERE branch_id = @branchId AND local_date BETWEEN @fromDate AND @toDate
       ORDER BY local_date DESC, id DESC LIMIT @limit`,
    );
    this.branchTilesStmt = db.prepare(`SELECT ${TILE_COLUMNS} FROM tally_tiles WHERE branch_id = ? ORDER BY sort_order, id`);
    this.defaultTilesStmt = db.prepare(`SELECT ${TILE_COLUMNS} FROM tally_tiles WHERE branch_id IS NULL ORDER BY sort_order, id`);
    this.tileByIdStmt = db.prepare(`SELECT ${TILE_COLUMNS} FROM tally_tiles WHERE id = ?`);
    this.insertTileStmt = db.prepare(
      `INSERT INTO tally_tiles (branch_id, label_nl, label_en, type_id, organisation_id, topic_id, help_id, duration_id, outcome_id, sort_order, created_at)
       VALUES (@branchId, @labelNl, @labelEn, @typeId, @organisationId, @topicId, @helpId, @durationId, @outcomeId, @sortOrder, @now)`,
    );
    this.deleteTileStmt = db.prepare('DELETE FROM tally_tiles WHERE id = ? AND branch_id = ?');
    this.maxTileSortStmt = db.prepare('SELECT coalesce(max(sort_order), 0) FROM tally_tiles WHERE branch_id = ?').pluck();
    // One prepared statement per dimension: the column name comes from the fixed map above, never from input.
    this.countByStmts = Object.fromEntries(
      (Object.entries(STAT_DIMENSIONS) as [StatDimension, string][]).map(([dim, column]) => [
        dim,
        db.prepare(
          `SELECT ${column} AS id, count(*) AS count FROM questions
           WHERE branch_id IN (SELECT value FROM json_each(@branchIds)) AND local_month = @month
           GROUP BY ${column} ORDER BY count DESC, ${column}`,
        ),
      ]),
    ) as Record<StatDimension, ReturnType<Db['prepare']>>;
    this.totalsStmt = db.prepare(
      `SELECT count(*) AS questions, count(DISTINCT visit_id) AS visits FROM questions
       WHERE branch_id IN (SELECT value FROM json_each(@branchIds)) AND local_month = @month`,
    );
    this.appointmentBranchStmt = db.prepare('SELECT branch_id FROM appointments WHERE id = ?').pluck();
    this.walkinBranchStmt = db.prepare('SELECT branch_id FROM walkins WHERE id = ?').pluck();
  }

  insertVisit(v: NewVisit): number {
    return Number(this.insertVisitStmt.run(v).lastInsertRowid);
  }

  /**
   * The branch of an appointment or walk-in a visit is about to point at. The visits table links to both
   * (no foreign key: they came in later migrations), so only this check keeps the link within the branch.
   */
  branchOfLink(kind: 'appointment' | 'walkin', id: number): number | null {
    const stmt = kind === 'appointment' ? this.appointmentBranchStmt : this.walkinBranchStmt;
    return (stmt.get(id) as number | undefined) ?? null;
  }

  findVisit(id: number): Visit | null {
    return (this.visitByIdStmt.get(id) as Visit | undefined) ?? null;
  }

  deleteVisit(id: number): void {
    this.deleteVisitStmt.run(id);
  }

  insertQuestion(q: NewQuestion, now: string): number {
    return Number(this.insertQuestionStmt.run({ ...q, now }).lastInsertRowid);
  }

  findQuestion(id: number): Question | null {
    return (this.questionByIdStmt.get(id) as Question | undefined) ?? null;
  }

  updateQuestion(id: number, fields: QuestionFields, userId: number | null, now: string): void {
    this.updateQuestionStmt.run({ ...fields, id, userId, now });
  }

  deleteQuestion(id: number): void {
    this.deleteQuestionStmt.run(id);
  }

  countQuestionsInVisit(visitId: number): number {
    return this.countInVisitStmt.get(visitId) as number;
  }

  questionsOfVisit(visitId: number): Question[] {
    return this.questionsOfVisitStmt.all(visitId) as Question[];
  }

  /** A branch's questions between two local dates (inclusive), newest first. */
  listForBranch(branchId: number, fromDate: string, toDate: string, limit: number): Question[] {
    return this.listStmt.all({ branchId, fromDate, toDate, limit }) as Question[];
  }

  /** The branch's own tiles, or the defaults when it has none. */
  tilesFor(branchId: number): TallyTile[] {
    const own = this.branchTilesStmt.all(branchId) as TallyTile[];
    return own.length > 0 ? own : this.defaultTilesStmt.all() as TallyTile[];
  }

  ownTiles(branchId: number): TallyTile[] {
    return this.branchTilesStmt.all(branchId) as TallyTile[];
  }

  findTile(id: number): TallyTile | null {
    return (this.tileByIdStmt.get(id) as TallyTile | undefined) ?? null;
  }

  insertTile(branchId: number, t: TileInput, now: string): number {
    const sortOrder = (this.maxTileSortStmt.get(branchId) as number) + 10;
    return Number(this.insertTileStmt.run({ ...t, branchId, sortOrder, now }).lastInsertRowid);
  }

  deleteTile(id: number, branchId: number): boolean {
    return this.deleteTileStmt.run(id, branchId).changes === 1;
  }

  /** Questions per value of one dimension, for a set of branches and one local month (YYYY-MM). */
  countBy(dimension: StatDimension, branchIds: number[], month: string): DimensionCount[] {
    return this.countByStmts[dimension].all({ branchIds: JSON.stringify(branchIds), month }) as DimensionCount[];
  }

  totals(branchIds: number[], month: string): { questions: number; visits: number } {
    return this.totalsStmt.get({ branchIds: JSON.stringify(branchIds), month }) as { questions: number; visits: number };
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
