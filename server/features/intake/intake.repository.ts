import type { Db } from '../../db/open';

export interface Visit {
  id: number;
  branchId: number;
  channelId: number;
  staffUserId: number | null;
  startedAt: string;
  localDate: string;
  appointmentId: number | null;
  walkinId: number | null;
}

/** The categorised content of a question: what the form edits and a tally tile presets. */
export interface QuestionFields {
  typeId: number;
  organisationId: number;
  topicId: number | null;
  lifeEventId: number | null;
  helpId: number;
  partnerId: number | null;
  durationId: number;
  outcomeId: number;
  note: string;
}

export type QuestionSource = 'tally' | 'form';

export interface Question extends QuestionFields {
  id: number;
  visitId: number;
  branchId: number;
  channelId: number;
  localDate: string;
  localMonth: string;
  source: QuestionSource;
  createdBy: number | null;
  createdAt: string;
  updatedBy: number | null;
  updatedAt: string;
}

export interface TallyTile {
  id: number;
  branchId: number | null;
  labelNl: string;
  labelEn: string;
  typeId: number;
  organisationId: number;
  topicId: number | null;
  helpId: number;
  durationId: number;
  outcomeId: number;
  sortOrder: number;
}

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

export interface DimensionCount {
  /** Taxonomy (or partner) id; null: not filled in (e.g. no topic, no referral). */
  id: number | null;
  count: number;
}

interface RawVisit {
  id: number;
  branch_id: number;
  channel_id: number;
  staff_user_id: number | null;
  started_at: string;
  local_date: string;
  appointment_id: number | null;
  walkin_id: number | null;
}

interface RawQuestion {
  id: number;
  visit_id: number;
  branch_id: number;
  channel_id: number;
  local_date: string;
  local_month: string;
  type_id: number;
  organisation_id: number;
  topic_id: number | null;
  life_event_id: number | null;
  help_id: number;
  partner_id: number | null;
  duration_id: number;
  outcome_id: number;
  note: string;
  source: QuestionSource;
  created_by: number | null;
  created_at: string;
  updated_by: number | null;
  updated_at: string;
}

interface RawTile {
  id: number;
  branch_id: number | null;
  label_nl: string;
  label_en: string;
  type_id: number;
  organisation_id: number;
  topic_id: number | null;
  help_id: number;
  duration_id: number;
  outcome_id: number;
  sort_order: number;
}

const VISIT_COLUMNS = 'id, branch_id, channel_id, staff_user_id, started_at, local_date, appointment_id, walkin_id';
const QUESTION_COLUMNS =
  'id, visit_id, branch_id, channel_id, local_date, local_month, type_id, organisation_id, topic_id, life_event_id, help_id, partner_id, duration_id, outcome_id, note, source, created_by, created_at, updated_by, updated_at';
const TILE_COLUMNS = 'id, branch_id, label_nl, label_en, type_id, organisation_id, topic_id, help_id, duration_id, outcome_id, sort_order';

function toVisit(r: RawVisit): Visit {
  return {
    id: r.id,
    branchId: r.branch_id,
    channelId: r.channel_id,
    staffUserId: r.staff_user_id,
    startedAt: r.started_at,
    localDate: r.local_date,
    appointmentId: r.appointment_id,
    walkinId: r.walkin_id,
  };
}

function toQuestion(r: RawQuestion): Question {
  return {
    id: r.id,
    visitId: r.visit_id,
    branchId: r.branch_id,
    channelId: r.channel_id,
    localDate: r.local_date,
    localMonth: r.local_month,
    typeId: r.type_id,
    organisationId: r.organisation_id,
    topicId: r.topic_id,
    lifeEventId: r.life_event_id,
    helpId: r.help_id,
    partnerId: r.partner_id,
    durationId: r.duration_id,
    outcomeId: r.outcome_id,
    note: r.note,
    source: r.source,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at,
  };
}

function toTile(r: RawTile): TallyTile {
  return {
    id: r.id,
    branchId: r.branch_id,
    labelNl: r.label_nl,
    labelEn: r.label_en,
    typeId: r.type_id,
    organisationId: r.organisation_id,
    topicId: r.topic_id,
    helpId: r.help_id,
    durationId: r.duration_id,
    outcomeId: r.outcome_id,
    sortOrder: r.sort_order,
  };
}

export type NewVisit = Omit<Visit, 'id'>;
export type NewQuestion = QuestionFields & { visitId: number; branchId: number; channelId: number; localDate: string; source: QuestionSource; userId: number | null };
export type TileInput = Omit<TallyTile, 'id' | 'branchId' | 'sortOrder'>;

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
    const r = this.visitByIdStmt.get(id) as RawVisit | undefined;
    return r ? toVisit(r) : null;
  }

  deleteVisit(id: number): void {
    this.deleteVisitStmt.run(id);
  }

  insertQuestion(q: NewQuestion, now: string): number {
    return Number(this.insertQuestionStmt.run({ ...q, now }).lastInsertRowid);
  }

  findQuestion(id: number): Question | null {
    const r = this.questionByIdStmt.get(id) as RawQuestion | undefined;
    return r ? toQuestion(r) : null;
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
    return (this.questionsOfVisitStmt.all(visitId) as RawQuestion[]).map(toQuestion);
  }

  /** A branch's questions between two local dates (inclusive), newest first. */
  listForBranch(branchId: number, fromDate: string, toDate: string, limit: number): Question[] {
    return (this.listStmt.all({ branchId, fromDate, toDate, limit }) as RawQuestion[]).map(toQuestion);
  }

  /** The branch's own tiles, or the defaults when it has none. */
  tilesFor(branchId: number): TallyTile[] {
    const own = (this.branchTilesStmt.all(branchId) as RawTile[]).map(toTile);
    return own.length > 0 ? own : (this.defaultTilesStmt.all() as RawTile[]).map(toTile);
  }

  ownTiles(branchId: number): TallyTile[] {
    return (this.branchTilesStmt.all(branchId) as RawTile[]).map(toTile);
  }

  findTile(id: number): TallyTile | null {
    const r = this.tileByIdStmt.get(id) as RawTile | undefined;
    return r ? toTile(r) : null;
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
