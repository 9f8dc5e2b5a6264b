import type { Db } from '../../db/open';

/** One registered question with only the ids the national registration counts: nothing about the person. */
export interface IdoQuestionRow {
  id: number;
  localDate: string;
  channelId: number;
  typeId: number;
  organisationId: number;
  topicId: number | null;
  helpId: number;
  partnerId: number | null;
  durationId: number;
  outcomeId: number;
}

export interface TaxonomyLabel {
  id: number;
  kind: string;
  key: string;
  parentKey: string | null;
  labelNl: string;
  labelEn: string;
}

export interface NamedRow {
  id: number;
  name: string;
}

/**
 * Reads for the per-question export. Only ids are read per question; the labels (a few hundred taxonomy
 * entries and partners) are looked up once, so a year of questions costs one index range scan per branch.
 */
export class StatsExportRepository {
  private readonly idoStmt;
  private readonly taxonomyStmt;
  private readonly partnersStmt;
  private readonly branchesStmt;

  constructor(db: Db) {
    // Keyset pagination on (local_date, id) along questions_branch_date: each batch is one short range scan,
    // and no statement stays open while the response waits for the client to read.
    this.idoStmt = db.prepare(
      `SELECT id, local_date AS localDate, channel_id AS channelId, type_id AS typeId, organisation_id AS organisationId,
         topic_id AS topicId, help_id AS helpId, partner_id AS partnerId, duration_id AS durationId, outcome_id AS outcomeId
       FROM questions
       WHERE branch_id = @branchId AND (local_date, id) > (@afterDate, @afterId) AND local_date <= @toDate
       ORDER BY local_date, id
       LIMIT @limit`,
    );
    this.taxonomyStmt = db.prepare(
      `SELECT t.id, t.kind, t.key, p.key AS parentKey, t.label_nl AS labelNl, t.label_en AS labelEn
       FROM taxonomy t LEFT JOIN taxonomy p ON p.id = t.parent_id`,
    );
    this.partnersStmt = db.prepare('SELECT id, name FROM partners');
    this.branchesStmt = db.prepare('SELECT id, name FROM branches ORDER BY name, id');
  }

  /**
   * The next `limit` questions of one branch after (afterDate, afterId), up to toDate inclusive, as a
   * lazy iterator (stmt.iterate()): the caller consumes it completely before it awaits anything.
   */
  idoRows(branchId: number, afterDate: string, afterId: number, toDate: string, limit: number): IterableIterator<IdoQuestionRow> {
    return this.idoStmt.iterate({ branchId, afterDate, afterId, toDate, limit }) as IterableIterator<IdoQuestionRow>;
  }

  taxonomy(): TaxonomyLabel[] {
    return this.taxonomyStmt.all() as TaxonomyLabel[];
  }

  partners(): NamedRow[] {
    return this.partnersStmt.all() as NamedRow[];
  }

  /** Every branch, also closed ones: their past questions still count. */
  branches(): NamedRow[] {
    return this.branchesStmt.all() as NamedRow[];
  }
}
