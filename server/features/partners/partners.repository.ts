import type { Db } from '../../db/open';

export const PARTNER_KINDS = ['helpline', 'government', 'municipality', 'legal', 'financial', 'health', 'social', 'other'] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

export interface Partner {
  id: number;
  key: string;
  /** null: a national partner every branch refers to. */
  branchId: number | null;
  name: string;
  kind: PartnerKind;
  phone: string;
  website: string;
  notes: string;
  sortOrder: number;
  retiredAt: string | null;
}

interface RawPartner {
  id: number;
  key: string;
  branch_id: number | null;
  name: string;
  kind: PartnerKind;
  phone: string;
  website: string;
  notes: string;
  sort_order: number;
  retired_at: string | null;
}

const COLUMNS = 'id, key, branch_id, name, kind, phone, website, notes, sort_order, retired_at';

function toPartner(r: RawPartner): Partner {
  return {
    id: r.id,
    key: r.key,
    branchId: r.branch_id,
    name: r.name,
    kind: r.kind,
    phone: r.phone,
    website: r.website,
    notes: r.notes,
    sortOrder: r.sort_order,
    retiredAt: r.retired_at,
  };
}

export type PartnerInput = Pick<Partner, 'name' | 'kind' | 'phone' | 'website' | 'notes'>;

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
    const r = this.byIdStmt.get(id) as RawPartner | undefined;
    return r ? toPartner(r) : null;
  }

  /** Global partners and those of the given branches; null: every partner (admins). */
  listVisible(branchIds: number[] | null): Partner[] {
    const rows = branchIds === null ? this.allStmt.all() : this.visibleStmt.all({ branchIds: JSON.stringify(branchIds) });
    return (rows as RawPartner[]).map(toPartner);
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
