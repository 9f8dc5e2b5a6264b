import type { Db } from '../../db/open';
import { allRows, oneRow } from '../../db/rows';

export interface DeskPc {
  id: number;
  branchId: number;
  branchName: string;
  name: string;
  registeredBy: string | null;
  registeredAt: string;
  revokedAt: string | null;
}

/** Someone who can be switched in on a desk PC: a PIN is set and the account is active. */
export interface PinHolder {
  id: number;
  email: string;
  name: string;
  role: string;
  pinHash: string;
}

const COLUMNS = `d.id, d.branch_id AS branchId, b.name AS branchName, d.name, u.email AS registeredBy,
  d.registered_at AS registeredAt, d.revoked_at AS revokedAt`;
const FROM = 'desk_pcs d JOIN branches b ON b.id = d.branch_id LEFT JOIN users u ON u.id = d.registered_by';

const same = <T>(r: T): T => r;

/** Desk PCs, and the PIN column of users (reserved for this feature in 0001). */
export class DeskPcsRepository {
  private readonly insertStmt;
  private readonly byIdStmt;
  private readonly listStmt;
  private readonly revokeStmt;
  private readonly activeStmt;
  private readonly setPinStmt;
  private readonly holderByIdStmt;
  private readonly holderByEmailStmt;
  private readonly holdersOfBranchStmt;
  private readonly passwordHashStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO desk_pcs (branch_id, name, registered_by, registered_at) VALUES (@branchId, @name, @registeredBy, @now)`,
    );
    this.byIdStmt = db.prepare(`SELECT ${COLUMNS} FROM ${FROM} WHERE d.id = ?`);
    // Branch ids as a JSON array, so one prepared statement serves one branch, several, or (null) all.
    this.listStmt = db.prepare(
      `SELECT ${COLUMNS} FROM ${FROM}
       WHERE @branchIds IS NULL OR d.branch_id IN (SELECT value FROM json_each(@branchIds))
       ORDER BY d.revoked_at IS NOT NULL, b.name, d.name COLLATE NOCASE, d.id`,
    );
    // Asked on every request of a PIN session (session guard): one primary-key lookup, no joins.
    this.activeStmt = db.prepare('SELECT 1 FROM desk_pcs WHERE id = ? AND revoked_at IS NULL').pluck();
    this.revokeStmt = db.prepare('UPDATE desk_pcs SET revoked_at = @now, revoked_by = @by WHERE id = @id AND revoked_at IS NULL');
    this.setPinStmt = db.prepare('UPDATE users SET pin_hash = @pinHash, updated_at = @now WHERE id = @id');
    const holder = `SELECT id, email, name, role, pin_hash AS pinHash FROM users WHERE pin_hash IS NOT NULL AND disabled_at IS NULL`;
    this.holderByIdStmt = db.prepare(`${holder} AND id = ?`);
    this.holderByEmailStmt = db.prepare(`${holder} AND email = ? COLLATE NOCASE`);
    this.holdersOfBranchStmt = db.prepare(
      `${holder} AND role IN ('volunteer', 'coordinator')
         AND id IN (SELECT user_id FROM user_branches WHERE branch_id = ?)
       ORDER BY name COLLATE NOCASE, id`,
    );
    this.passwordHashStmt = db.prepare('SELECT password_hash FROM users WHERE id = ? AND disabled_at IS NULL').pluck();
  }

  passwordHashOf(userId: number): string | null {
    return (this.passwordHashStmt.get(userId) as string | null | undefined) ?? null;
  }

  insert(row: { branchId: number; name: string; registeredBy: number | null; now: string }): number {
    return Number(this.insertStmt.run(row).lastInsertRowid);
  }

  find(id: number): DeskPc | null {
    return oneRow(this.byIdStmt.get(id), same<DeskPc>);
  }

  list(branchIds: number[] | null): DeskPc[] {
    return allRows(this.listStmt.all({ branchIds: branchIds === null ? null : JSON.stringify(branchIds) }), same<DeskPc>);
  }

  /** True while the desk PC is registered and not revoked. */
  isActive(id: number): boolean {
    return this.activeStmt.get(id) !== undefined;
  }

  /** True when this call revoked it (false when it was revoked already). */
  revoke(id: number, by: number | null, now: string): boolean {
    return this.revokeStmt.run({ id, by, now }).changes === 1;
  }

  setPin(userId: number, pinHash: string, now: string): void {
    this.setPinStmt.run({ id: userId, pinHash, now });
  }

  pinHolder(id: number): PinHolder | null {
    return oneRow(this.holderByIdStmt.get(id), same<PinHolder>);
  }

  pinHolderByEmail(email: string): PinHolder | null {
    return oneRow(this.holderByEmailStmt.get(email), same<PinHolder>);
  }

  /** Desk staff of the branch who can be switched in (for the pick list on the switch page). */
  pinHoldersOfBranch(branchId: number): PinHolder[] {
    return allRows(this.holdersOfBranchStmt.all(branchId), same<PinHolder>);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
