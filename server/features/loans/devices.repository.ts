import type { Db } from '../../db/open';
import type { Device, DeviceEvent, DeviceEventKind, DeviceInput, DeviceListItem, DeviceSearch, DeviceStatus } from './loans.model';

type DeviceRow = Omit<Device, 'kit'> & { kit: string };
type EventRow = Omit<DeviceEvent, 'details'> & { details: string };

const DEVICE_COLUMNS = `id, branch_id AS branchId, type, asset_tag AS assetTag, serial, make_model AS makeModel, kit, status, notes,
  created_at AS createdAt, updated_at AS updatedAt`;

/** The inventory list's columns only: no kit JSON to parse, no notes, per row. */
const LIST_COLUMNS = 'd.id, d.branch_id AS branchId, d.type, d.asset_tag AS assetTag, d.serial, d.make_model AS makeModel, d.status';

/** Up to this many matches, the matches drive the search and are sorted; above it, the tag order does. */
const FEW_MATCHES = 200;

/** Any part of make and model, as a trigram phrase (substring) query; null below 3 characters. */
export function ftsSubstringQuery(text: string): string | null {
  return [...text].length >= 3 ? `"${text.replace(/"/g, '""')}"` : null;
}

const toDevice = (r: DeviceRow): Device => ({ ...r, kit: JSON.parse(r.kit) as string[] });
const toEvent = (r: EventRow): DeviceEvent => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> });

export interface NewDeviceEvent {
  deviceId: number;
  loanId?: number | null;
  kind: DeviceEventKind;
  at: string;
  actorUserId: number | null;
  actorLabel: string;
  details?: Record<string, unknown>;
}

/** The inventory and its append-only history. */
export class DevicesRepository {
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly statusStmt;
  private readonly byIdStmt;
  private readonly byTagStmt;
  private readonly eventStmt;
  private readonly eventsStmt;
  private readonly countsStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO devices (branch_id, type, asset_tag, serial, make_model, kit, notes, created_at, updated_at)
       VALUES (@branchId, @type, @assetTag, @serial, @makeModel, @kit, @notes, @now, @now)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE devices SET type = @type, asset_tag = @assetTag, serial = @serial, make_model = @makeModel, kit = @kit, notes = @notes, updated_at = @now
       WHERE id = @id`,
    );
    this.statusStmt = db.prepare(`UPDATE devices SET status = @status, updated_at = @now WHERE id = @id AND status = @from`);
    this.byIdStmt = db.prepare(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE id = ?`);
    this.byTagStmt = db.prepare(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE asset_tag = ? COLLATE NOCASE`);
    this.eventStmt = db.prepare(
      `INSERT INTO device_events (device_id, loan_id, kind, at, actor_user_id, actor_label, details)
       VALUES (@deviceId, @loanId, @kind, @at, @actorUserId, @actorLabel, @details)`,
    );
    this.eventsStmt = db.prepare(
      `SELECT id, device_id AS deviceId, loan_id AS loanId, kind, at, actor_user_id AS actorUserId, actor_label AS actorLabel, details
       FROM device_events WHERE device_id = ? ORDER BY id`,
    );
    // Kept by triggers (0011): a lookup instead of a GROUP BY over the branch on every inventory page.
    this.countsStmt = db.prepare(`SELECT status, n FROM device_status_counts WHERE branch_id = ? AND n > 0`);
  }

  insert(branchId: number, input: DeviceInput, now: string): number {
    return Number(this.insertStmt.run({ branchId, ...input, kit: JSON.stringify(input.kit), now }).lastInsertRowid);
  }

  update(id: number, input: DeviceInput, now: string): void {
    this.updateStmt.run({ id, ...input, kit: JSON.stringify(input.kit), now });
  }

  /** Compare-and-set, so a status change never overwrites one that happened in between. */
  setStatus(id: number, from: DeviceStatus, status: DeviceStatus, now: string): boolean {
    return this.statusStmt.run({ id, from, status, now }).changes === 1;
  }

  findById(id: number): Device | null {
    const r = this.byIdStmt.get(id) as DeviceRow | undefined;
    return r ? toDevice(r) : null;
  }

  findByTag(tag: string): Device | null {
    const r = this.byTagStmt.get(tag) as DeviceRow | undefined;
    return r ? toDevice(r) : null;
  }

  addEvent(e: NewDeviceEvent): void {
    this.eventStmt.run({ ...e, loanId: e.loanId ?? null, details: JSON.stringify(e.details ?? {}) });
  }

  history(deviceId: number): DeviceEvent[] {
    return (this.eventsStmt.all(deviceId) as EventRow[]).map(toEvent);
  }

  countsByStatus(branchId: number): Partial<Record<DeviceStatus, number>> {
    const out: Partial<Record<DeviceStatus, number>> = {};
    for (const r of this.countsStmt.all(branchId) as { status: DeviceStatus; n: number }[]) out[r.status] = r.n;
    return out;
  }

  /**
   * One page of a branch's inventory in tag order; one extra row tells whether a next page exists.
   *
   * Text finds a tag or serial by its beginning (indexes devices_branch_tag and devices_branch_serial) and
   * make and model by any part (trigram index devices_model_fts). When few devices match
   * (a tag typed or scanned), the matches drive the query and are sorted; when many match (a model), the
   * branch is read in tag order and stops after one page, which is cheap precisely because matches are dense.
   */
  search(q: DeviceSearch): DeviceListItem[] {
    const where = ['d.branch_id = @branchId'];
    if (q.type) where.push('d.type = @type');
    if (q.status) where.push('d.status = @status');
    const params = {
      branchId: q.branchId,
      type: q.type ?? null,
      status: q.status ?? null,
      limit: q.pageSize + 1,
      offset: (q.page - 1) * q.pageSize,
      prefix: null as string | null,
      contains: null as string | null,
      words: null as string | null,
      cap: FEW_MATCHES + 1,
    };
    let sql: string;
    if (!q.text) {
      sql = `SELECT ${LIST_COLUMNS} FROM devices d WHERE ${where.join(' AND ')} ORDER BY d.asset_tag COLLATE NOCASE LIMIT @limit OFFSET @offset`;
    } else {
      // LIKE with escaped wildcards: a tag such as "LAP_01" is searched for literally.
      params.prefix = `${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      params.contains = `%${params.prefix}`;
      params.words = ftsSubstringQuery(q.text);
      const model = params.words
        ? 'SELECT rowid FROM devices_model_fts WHERE devices_model_fts MATCH @words'
        : `SELECT id FROM devices WHERE branch_id = @branchId AND make_model LIKE @contains ESCAPE '\\'`;
      const matches = `SELECT id FROM devices WHERE branch_id = @branchId AND asset_tag LIKE @prefix ESCAPE '\\'
        UNION SELECT id FROM devices WHERE branch_id = @branchId AND serial LIKE @prefix ESCAPE '\\'
        UNION ${model}`;
      // Counted without removing duplicates (UNION ALL streams and stops at the cap): only a choice of plan.
      // Below 3 characters the trigram index cannot help, and such a short text matches many devices anyway.
      const few = params.words !== null && (this.searchStmt(`SELECT count(*) FROM (${matches.replace(/UNION/g, 'UNION ALL')} LIMIT @cap)`).pluck().get(params) as number) <= FEW_MATCHES;
      sql = few
        ? `SELECT ${LIST_COLUMNS} FROM (${matches}) m CROSS JOIN devices d ON d.id = m.id WHERE ${where.join(' AND ')}
           ORDER BY d.asset_tag COLLATE NOCASE LIMIT @limit OFFSET @offset`
        : `SELECT ${LIST_COLUMNS} FROM devices d WHERE ${where.join(' AND ')}
             AND (d.asset_tag LIKE @prefix ESCAPE '\\' OR d.serial LIKE @prefix ESCAPE '\\' OR d.make_model LIKE @contains ESCAPE '\\')
           ORDER BY d.asset_tag COLLATE NOCASE LIMIT @limit OFFSET @offset`;
    }
    return this.searchStmt(sql).all(params) as DeviceListItem[];
  }

  private readonly searchStmts = new Map<string, ReturnType<Db['prepare']>>();
  private searchStmt(sql: string): ReturnType<Db['prepare']> {
    let stmt = this.searchStmts.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.searchStmts.set(sql, stmt);
    }
    return stmt;
  }
}
