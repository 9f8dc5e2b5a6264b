import type { Db } from '../../db/open';
import type { Role } from '../../policy/policy';
import type { UserRow } from './users.model';

/** A user row as stored: must_change_password is 0/1, so this row keeps a mapper. */
interface RawUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  password_hash: string | null;
  must_change_password: number;
  disabled_at: string | null;
  last_sign_in_at: string | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS = 'id, email, name, role, password_hash, must_change_password, disabled_at, last_sign_in_at, created_at, updated_at';

function toUser(r: RawUser): UserRow {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    passwordHash: r.password_hash,
    mustChangePassword: r.must_change_password === 1,
    disabledAt: r.disabled_at,
    lastSignInAt: r.last_sign_in_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
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
    const r = this.byId.get(id) as RawUser | undefined;
    return r ? toUser(r) : null;
  }

  findByEmail(email: string): UserRow | null {
    const r = this.byEmail.get(email) as RawUser | undefined;
    return r ? toUser(r) : null;
  }

  listAll(): UserRow[] {
    return (this.all.all() as RawUser[]).map(toUser);
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
