import type { Db } from '../../db/open';
import type { Device, DeviceEvent, DeviceEventKind, DeviceInput, DeviceSearch, DeviceStatus } from './loans.model';

type DeviceRow = Omit<Device, 'kit'> & { kit: string };
type EventRow = Omit<DeviceEvent, 'details'> & { details: string };

const DEVICE_COLUMNS = `id, branch_id AS branchId, type, asset_tag AS assetTag, serial, make_model AS makeModel, kit, status, notes,
  created_at AS createdAt, updated_at AS updatedAt`;

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
    this.countsStmt = db.prepare(`SELECT status, count(*) AS n FROM devices WHERE branch_id = ? GROUP BY status`);
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

  /** One page of a branch's inventory; one extra row tells whether a next page exists. */
  search(q: DeviceSearch): Device[] {
    const where = ['branch_id = @branchId'];
    if (q.type) where.push('type = @type');
    if (q.status) where.push('status = @status');
    // LIKE with escaped wildcards: a tag such as "LAP_01" is searched for literally.
    if (q.text) where.push(`(asset_tag LIKE @like ESCAPE '\\' OR serial LIKE @like ESCAPE '\\' OR make_model LIKE @like ESCAPE '\\')`);
    const like = q.text ? `%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const sql = `SELECT ${DEVICE_COLUMNS} FROM devices WHERE ${where.join(' AND ')} ORDER BY asset_tag COLLATE NOCASE LIMIT @limit OFFSET @offset`;
    // Four shapes at most; better-sqlite3 caches nothing itself, so keep the prepared ones.
    const stmt = this.searchStmt(sql);
    const rows = stmt.all({ branchId: q.branchId, type: q.type ?? null, status: q.status ?? null, like, limit: q.pageSize + 1, offset: (q.page - 1) * q.pageSize }) as DeviceRow[];
    return rows.map(toDevice);
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
