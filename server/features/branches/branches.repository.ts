import type { Db } from '../../db/open';
import { allRows, oneRow } from '../../db/rows';
import type { Branch, BranchInput, Closure, OpeningPeriod } from './branches.model';

/** A branch row as selected: the columns carry the model's names; only inside_library (0/1) needs converting. */
type StoredBranch = Omit<Branch, 'insideLibrary'> & { insideLibrary: number };

const COLUMNS = `id, name, address, postcode, city, municipality, phone, inside_library AS insideLibrary,
  staffing_model AS staffingModel, slot_minutes AS slotMinutes, desks, horizon_days AS horizonDays,
  min_notice_minutes AS minNoticeMinutes, waitlist_hold_minutes AS waitlistHoldMinutes, retired_at AS retiredAt`;

function toBranch(r: StoredBranch): Branch {
  return { ...r, insideLibrary: r.insideLibrary === 1 };
}

// Opening periods and closures are named as the model's fields: a row is the object, no mapper.
const HOURS_COLUMNS = 'id, branch_id AS branchId, weekday, opens, closes';
const CLOSURE_COLUMNS = 'id, branch_id AS branchId, start_date AS startDate, end_date AS endDate, reason';

export class BranchesRepository {
  private readonly byId;
  private readonly byName;
  private readonly listAllStmt;
  private readonly listActiveStmt;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly retireStmt;
  private readonly hoursStmt;
  private readonly hoursForManyStmt;
  private readonly deleteHoursStmt;
  private readonly insertHourStmt;
  private readonly closuresStmt;
  private readonly closuresInRangeStmt;
  private readonly insertClosureStmt;
  private readonly deleteClosureStmt;

  constructor(private readonly db: Db) {
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM branches WHERE id = ?`);
    this.byName = db.prepare(`SELECT ${COLUMNS} FROM branches WHERE name = ? COLLATE NOCASE`);
    this.listAllStmt = db.prepare(`SELECT ${COLUMNS} FROM branches ORDER BY retired_at IS NOT NULL, name COLLATE NOCASE`);
    this.listActiveStmt = db.prepare(`SELECT ${COLUMNS} FROM branches WHERE retired_at IS NULL ORDER BY name COLLATE NOCASE`);
    this.insertStmt = db.prepare(
      `INSERT INTO branches (name, address, postcode, city, municipality, phone, inside_library, staffing_model, slot_minutes, desks, horizon_days, min_notice_minutes, waitlist_hold_minutes, created_at, updated_at)
       VALUES (@name, @address, @postcode, @city, @municipality, @phone, @insideLibrary, @staffingModel, @slotMinutes, @desks, @horizonDays, @minNoticeMinutes, coalesce(@waitlistHoldMinutes, 240), @now, @now)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE branches SET name = @name, address = @address, postcode = @postcode, city = @city, municipality = @municipality,
         phone = @phone, inside_library = @insideLibrary, staffing_model = @staffingModel, slot_minutes = @slotMinutes,
         desks = @desks, horizon_days = @horizonDays, min_notice_minutes = @minNoticeMinutes,
         waitlist_hold_minutes = coalesce(@waitlistHoldMinutes, waitlist_hold_minutes), updated_at = @now
       WHERE id = @id`,
    );
    this.retireStmt = db.prepare('UPDATE branches SET retired_at = @retiredAt, updated_at = @now WHERE id = @id');
    this.hoursStmt = db.prepare(`SELECT ${HOURS_COLUMNS} FROM opening_hours WHERE branch_id = ? ORDER BY weekday, opens`);
    this.hoursForManyStmt = db.prepare(
      `SELECT ${HOURS_COLUMNS} FROM opening_hours
       WHERE branch_id IN (SELECT value FROM json_each(?)) ORDER BY branch_id, weekday, opens`,
    );
    this.deleteHoursStmt = db.prepare('DELETE FROM opening_hours WHERE branch_id = ?');
    this.insertHourStmt = db.prepare('INSERT INTO opening_hours (branch_id, weekday, opens, closes) VALUES (@branchId, @weekday, @opens, @closes)');
    this.closuresStmt = db.prepare(`SELECT ${CLOSURE_COLUMNS} FROM closures WHERE branch_id = ? AND end_date >= ? ORDER BY start_date`);
    this.closuresInRangeStmt = db.prepare(
      `SELECT ${CLOSURE_COLUMNS} FROM closures WHERE branch_id = ? AND end_date >= ? AND start_date <= ? ORDER BY start_date`,
    );
    this.insertClosureStmt = db.prepare(
      'INSERT INTO closures (branch_id, start_date, end_date, reason, created_at) VALUES (@branchId, @startDate, @endDate, @reason, @now)',
    );
    this.deleteClosureStmt = db.prepare('DELETE FROM closures WHERE id = ? AND branch_id = ?');
  }

  findById(id: number): Branch | null {
    return oneRow(this.byId.get(id), toBranch);
  }

  findByName(name: string): Branch | null {
    return oneRow(this.byName.get(name), toBranch);
  }

  listAll(): Branch[] {
    return allRows(this.listAllStmt.all(), toBranch);
  }

  listActive(): Branch[] {
    return allRows(this.listActiveStmt.all(), toBranch);
  }

  private params(input: BranchInput): Record<string, unknown> {
    return { ...input, insideLibrary: input.insideLibrary ? 1 : 0, waitlistHoldMinutes: input.waitlistHoldMinutes ?? null };
  }

  insert(input: BranchInput, now: string): number {
    return Number(this.insertStmt.run({ ...this.params(input), now }).lastInsertRowid);
  }

  update(id: number, input: BranchInput, now: string): void {
    this.updateStmt.run({ ...this.params(input), id, now });
  }

  setRetired(id: number, retiredAt: string | null, now: string): void {
    this.retireStmt.run({ id, retiredAt, now });
  }

  openingHours(branchId: number): OpeningPeriod[] {
    return this.hoursStmt.all(branchId) as OpeningPeriod[];
  }

  openingHoursOf(branchIds: number[]): OpeningPeriod[] {
    return this.hoursForManyStmt.all(JSON.stringify(branchIds)) as OpeningPeriod[];
  }

  replaceOpeningHours(branchId: number, periods: Omit<OpeningPeriod, 'id' | 'branchId'>[]): void {
    this.deleteHoursStmt.run(branchId);
    for (const p of periods) this.insertHourStmt.run({ branchId, ...p });
  }

  /** Closures that end on or after `fromDate`. */
  closures(branchId: number, fromDate: string): Closure[] {
    return this.closuresStmt.all(branchId, fromDate) as Closure[];
  }

  closuresBetween(branchId: number, fromDate: string, toDate: string): Closure[] {
    return this.closuresInRangeStmt.all(branchId, fromDate, toDate) as Closure[];
  }

  insertClosure(c: Omit<Closure, 'id'>, now: string): number {
    return Number(this.insertClosureStmt.run({ ...c, now }).lastInsertRowid);
  }

  deleteClosure(id: number, branchId: number): boolean {
    return this.deleteClosureStmt.run(id, branchId).changes === 1;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
