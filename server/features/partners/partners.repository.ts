import type { Db } from '../../db/open';
import type { Partner, PartnerInput } from './partners.model';

// Columns named as the model's fields, so a row is a Partner without a mapper.
const COLUMNS = 'id, key, branch_id AS branchId, name, kind, phone, website, notes, sort_order AS sortOrder, retired_at AS retiredAt';

export class PartnersRepository {
  private readonly byIdStmt;
  private readonly visibleStmt;
  private readonly allStmt;
  private readonly keyExistsStmt;
  private readonly maxSortStmt;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly retireStmt;

  constructor(private readonly db: Db) {
    this.byIdStmt = db.prepare(`SELECT ${COLUMNS} FROM partners WHERE id = ?`);
    // Global partners first, then the branches' own, each in their order.
    this.visibleStmt = db.prepare(
      `SELECT ${COLUMNS} FROM partners
       WHERE branch_id IS NULL OR branch_id IN (SELECT value FROM json_each(@branchIds))
       ORDER BY branch_id IS NOT NULL, sort_order, name COLLATE NOCASE`,
    );
    this.allStmt = db.prepare(`SELECT ${COLUMNS} FROM partners ORDER BY branch_id IS NOT NULL, sort_order, name COLLATE NOCASE`);
    this.keyExistsStmt = db.prepare('SELECT 1 FROM partners WHERE key = ?').pluck();
    this.maxSortStmt = db.prepare('SELECT coalesce(max(sort_order), 0) FROM partners WHERE branch_id IS @branchId').pluck();
    this.insertStmt = db.prepare(
      `INSERT INTO partners (key, branch_id, name, kind, phone, website, notes, sort_order, created_at, updated_at)
       VALUES (@key, @branchId, @name, @kind, @phone, @website, @notes, @sortOrder, @now, @now)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE partners SET name = @name, kind = @kind, phone = @phone, website = @website, notes = @notes, updated_at = @now WHERE id = @id`,
    );
    this.retireStmt = db.prepare('UPDATE partners SET retired_at = @retiredAt, updated_at = @now WHERE id = @id');
  }

  findById(id: number): Partner | null {
    return (this.byIdStmt.get(id) as Partner | undefined) ?? null;
  }

  /** Global partners and those of the given branches; null: every partner (admins). */
  listVisible(branchIds: number[] | null): Partner[] {
    const rows = branchIds === null ? this.allStmt.all() : this.visibleStmt.all({ branchIds: JSON.stringify(branchIds) });
    return rows as Partner[];
  }

  keyExists(key: string): boolean {
    return this.keyExistsStmt.get(key) === 1;
  }

  maxSortOrder(branchId: number | null): number {
    return this.maxSortStmt.get({ branchId }) as number;
  }

  insert(p: PartnerInput & { key: string; branchId: number | null; sortOrder: number }, now: string): number {
    return Number(this.insertStmt.run({ ...p, now }).lastInsertRowid);
  }

  update(id: number, p: PartnerInput, now: string): void {
    this.updateStmt.run({ ...p, id, now });
  }

  setRetired(id: number, retiredAt: string | null, now: string): void {
    this.retireStmt.run({ id, retiredAt, now });
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
