import type { Db } from '../../db/open';
import type { TaxonomyEntry, TaxonomyKind } from './categories.model';

// Columns named as the model's fields, so a row is a TaxonomyEntry without a mapper.
const COLUMNS = 'id, kind, parent_id AS parentId, key, label_nl AS labelNl, label_en AS labelEn, sort_order AS sortOrder, retired_at AS retiredAt';

export type NewEntry = Omit<TaxonomyEntry, 'id' | 'retiredAt'>;

export class CategoriesRepository {
  private readonly allStmt;
  private readonly byIdStmt;
  private readonly siblingsStmt;
  private readonly keyExistsStmt;
  private readonly maxSortStmt;
  private readonly insertStmt;
  private readonly labelsStmt;
  private readonly sortStmt;
  private readonly retireStmt;
  private readonly dataVersionStmt;
  /** Writes through this repository, counted so the service's cache notices them (see changeStamp). */
  private ownWrites = 0;

  constructor(private readonly db: Db) {
    this.allStmt = db.prepare(`SELECT ${COLUMNS} FROM taxonomy ORDER BY kind, parent_id, sort_order, id`);
    this.byIdStmt = db.prepare(`SELECT ${COLUMNS} FROM taxonomy WHERE id = ?`);
    this.siblingsStmt = db.prepare(
      `SELECT ${COLUMNS} FROM taxonomy WHERE kind = @kind AND parent_id IS @parentId ORDER BY sort_order, id`,
    );
    this.keyExistsStmt = db
      .prepare('SELECT 1 FROM taxonomy WHERE kind = @kind AND parent_id IS @parentId AND key = @key')
      .pluck();
    this.maxSortStmt = db
      .prepare('SELECT coalesce(max(sort_order), 0) FROM taxonomy WHERE kind = @kind AND parent_id IS @parentId')
      .pluck();
    this.insertStmt = db.prepare(
      `INSERT INTO taxonomy (kind, parent_id, key, label_nl, label_en, sort_order, created_at, updated_at)
       VALUES (@kind, @parentId, @key, @labelNl, @labelEn, @sortOrder, @now, @now)`,
    );
    this.labelsStmt = db.prepare('UPDATE taxonomy SET label_nl = @labelNl, label_en = @labelEn, updated_at = @now WHERE id = @id');
    this.sortStmt = db.prepare('UPDATE taxonomy SET sort_order = @sortOrder, updated_at = @now WHERE id = @id');
    this.retireStmt = db.prepare('UPDATE taxonomy SET retired_at = @retiredAt, updated_at = @now WHERE id = @id');
    this.dataVersionStmt = db.prepare('PRAGMA data_version').pluck();
  }

  /**
   * Differs from the last answer whenever the taxonomy may have changed: after a write through this
   * repository (counted here, even one that is rolled back: a needless re-read is harmless), or after a
   * commit by any other connection to the database file (SQLite's data_version, e.g. `npm run seed:demo`
   * while the server runs). One cheap pragma instead of reading every entry.
   */
  changeStamp(): string {
    return `${String(this.dataVersionStmt.get())}:${this.ownWrites}`;
  }

  listAll(): TaxonomyEntry[] {
    return this.allStmt.all() as TaxonomyEntry[];
  }

  findById(id: number): TaxonomyEntry | null {
    return (this.byIdStmt.get(id) as TaxonomyEntry | undefined) ?? null;
  }

  /** Entries of one kind (topics: of one organisation), retired ones included, in their order. */
  siblings(kind: TaxonomyKind, parentId: number | null): TaxonomyEntry[] {
    return this.siblingsStmt.all({ kind, parentId }) as TaxonomyEntry[];
  }

  keyExists(kind: TaxonomyKind, parentId: number | null, key: string): boolean {
    return this.keyExistsStmt.get({ kind, parentId, key }) === 1;
  }

  maxSortOrder(kind: TaxonomyKind, parentId: number | null): number {
    return this.maxSortStmt.get({ kind, parentId }) as number;
  }

  insert(e: NewEntry, now: string): number {
    this.ownWrites++;
    return Number(this.insertStmt.run({ ...e, now }).lastInsertRowid);
  }

  updateLabels(id: number, labelNl: string, labelEn: string, now: string): void {
    this.ownWrites++;
    this.labelsStmt.run({ id, labelNl, labelEn, now });
  }

  setSortOrder(id: number, sortOrder: number, now: string): void {
    this.ownWrites++;
    this.sortStmt.run({ id, sortOrder, now });
  }

  setRetired(id: number, retiredAt: string | null, now: string): void {
    this.ownWrites++;
    this.retireStmt.run({ id, retiredAt, now });
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
