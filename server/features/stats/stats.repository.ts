import type { Db } from '../../db/open';

/** Named parameters every section query may use; `branchIds` is a JSON array for json_each. */
export interface StatsParams {
  branchIds: string;
  fromDate: string;
  toDate: string;
  fromMonth: string;
  toMonth: string;
  /** Amsterdam midnight starting fromDate, and the one after toDate (exclusive), as stored ISO instants. */
  fromAt: string;
  beforeAt: string;
  [key: string]: string | number;
}

/**
 * Read-only access to the database for statistics sections. Each section keeps its own SQL beside the
 * tables it builds (adding a section is one file), so this repository offers prepared, cached statements
 * instead of one method per figure. Statements are prepared once per SQL text and reused across requests.
 */
export class StatsRepository {
  private readonly statements = new Map<string, ReturnType<Db['prepare']>>();

  constructor(private readonly db: Db) {}

  all<T>(sql: string, params: StatsParams): T[] {
    return this.statement(sql).all(params) as T[];
  }

  get<T>(sql: string, params: StatsParams): T | undefined {
    return this.statement(sql).get(params) as T | undefined;
  }

  /** Whether a table exists: a section whose feature has not landed yet returns null instead of failing. */
  hasTable(name: string): boolean {
    return this.statement(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = @name`).get({ name }) !== undefined;
  }

  /** Ids of every branch, open or closed (admins see the history of closed branches too). */
  allBranchIds(): number[] {
    return (this.statement('SELECT id FROM branches ORDER BY id').all({}) as { id: number }[]).map((r) => r.id);
  }

  private statement(sql: string): ReturnType<Db['prepare']> {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}
