import type { Db } from '../../db/open';
import { allRows, oneRow } from '../../db/rows';
import type { Role } from '../../policy/policy';
import type { UserRow } from './users.model';

/** A user row as selected: the columns carry the model's names; only must_change_password (0/1) needs converting. */
type StoredUser = Omit<UserRow, 'mustChangePassword'> & { mustChangePassword: number };

const COLUMNS = `id, email, name, role, password_hash AS passwordHash, must_change_password AS mustChangePassword,
  disabled_at AS disabledAt, last_sign_in_at AS lastSignInAt, created_at AS createdAt, updated_at AS updatedAt`;

function toUser(r: StoredUser): UserRow {
  return { ...r, mustChangePassword: r.mustChangePassword === 1 };
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  passwordHash: string | null;
  mustChangePassword: boolean;
  now: string;
}

export class UsersRepository {
  private readonly byId;
  private readonly byEmail;
  private readonly all;
  private readonly insertStmt;
  private readonly branchesOf;
  private readonly countAdmins;
  private readonly setPassword;
  private readonly setDisabled;
  private readonly setProfile;
  private readonly clearBranches;
  private readonly addBranch;
  private readonly markSignIn;

  constructor(private readonly db: Db) {
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM users WHERE id = ?`);
    this.byEmail = db.prepare(`SELECT ${COLUMNS} FROM users WHERE email = ? COLLATE NOCASE`);
    this.all = db.prepare(`SELECT ${COLUMNS} FROM users ORDER BY disabled_at IS NOT NULL, name COLLATE NOCASE`);
    this.insertStmt = db.prepare(
      `INSERT INTO users (email, name, role, password_hash, must_change_password, created_at, updated_at)
       VALUES (@email, @name, @role, @passwordHash, @mustChangePassword, @now, @now)`,
    );
    this.branchesOf = db.prepare('SELECT branch_id FROM user_branches WHERE user_id = ? ORDER BY branch_id').pluck();
    this.countAdmins = db.prepare("SELECT count(*) FROM users WHERE role = 'admin' AND disabled_at IS NULL").pluck();
    this.setPassword = db.prepare(
      'UPDATE users SET password_hash = @hash, must_change_password = @mustChange, updated_at = @now WHERE id = @id',
    );
    this.setDisabled = db.prepare('UPDATE users SET disabled_at = @disabledAt, updated_at = @now WHERE id = @id');
    this.setProfile = db.prepare('UPDATE users SET name = @name, role = @role, updated_at = @now WHERE id = @id');
    this.clearBranches = db.prepare('DELETE FROM user_branches WHERE user_id = ?');
    this.addBranch = db.prepare('INSERT INTO user_branches (user_id, branch_id) VALUES (?, ?)');
    this.markSignIn = db.prepare('UPDATE users SET last_sign_in_at = ? WHERE id = ?');
  }

  findById(id: number): UserRow | null {
    return oneRow(this.byId.get(id), toUser);
  }

  findByEmail(email: string): UserRow | null {
    return oneRow(this.byEmail.get(email), toUser);
  }

  listAll(): UserRow[] {
    return allRows(this.all.all(), toUser);
  }

  insert(user: NewUser): number {
    return Number(this.insertStmt.run({ ...user, mustChangePassword: user.mustChangePassword ? 1 : 0 }).lastInsertRowid);
  }

  branchIdsOf(userId: number): number[] {
    return this.branchesOf.all(userId) as number[];
  }

  activeAdminCount(): number {
    return this.countAdmins.get() as number;
  }

  updatePassword(id: number, hash: string, mustChange: boolean, now: string): void {
    this.setPassword.run({ id, hash, mustChange: mustChange ? 1 : 0, now });
  }

  updateDisabled(id: number, disabledAt: string | null, now: string): void {
    this.setDisabled.run({ id, disabledAt, now });
  }

  updateProfile(id: number, name: string, role: Role, now: string): void {
    this.setProfile.run({ id, name, role, now });
  }

  replaceBranches(userId: number, branchIds: number[]): void {
    this.clearBranches.run(userId);
    for (const b of branchIds) this.addBranch.run(userId, b);
  }

  recordSignIn(id: number, now: string): void {
    this.markSignIn.run(now, id);
  }

  /** Runs fn in one synchronous transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
