import crypto from 'node:crypto';
import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import { assertActorMay } from '../../policy/policy';
import { ConflictError, NotFoundError } from '../../http/errors';
import { hashPassword } from '../../lib/password';
import type { SqliteSessionStore } from '../../http/session';
import type { Notifier } from '../../realtime/notifier';
import type { AuditService } from '../audit/audit.service';
import type { BranchesRepository } from '../branches/branches.repository';
import type { UsersRepository } from './users.repository';
import type { UserInput, UserRow, UserWithBranches } from './users.model';

export type { UserInput, UserRow, UserWithBranches };

/** A readable one-time password: four groups without look-alike characters. */
export function generateTemporaryPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = crypto.randomBytes(16);
  const chars = Array.from(bytes, (b) => alphabet[b % alphabet.length]);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

export class UsersService {
  constructor(
    private readonly repo: UsersRepository,
    private readonly branches: BranchesRepository,
    private readonly audit: AuditService,
    private readonly sessions: SqliteSessionStore,
    private readonly notifier: Notifier,
    private readonly clock: Clock,
  ) {}

  /** Every account, for the admin pages. */
  list(actor: Actor): UserWithBranches[] {
    assertActorMay(actor, 'users.manage');
    return this.repo.listAll().map((u) => ({ ...u, branchIds: this.repo.branchIdsOf(u.id) }));
  }

  get(id: number): UserWithBranches {
    const u = this.repo.findById(id);
    if (!u) throw new NotFoundError();
    return { ...u, branchIds: this.repo.branchIdsOf(id) };
  }

  /** One account, for the admin pages. */
  account(actor: Actor, id: number): UserWithBranches {
    assertActorMay(actor, 'users.manage');
    return this.get(id);
  }

  private checkBranches(branchIds: number[]): void {
    for (const b of branchIds) if (!this.branches.findById(b)) throw new NotFoundError();
  }

  /** Creates an account with a temporary password that the person must change at first sign-in. */
  async create(actor: Actor, input: UserInput): Promise<{ id: number; temporaryPassword: string }> {
    assertActorMay(actor, 'users.manage');
    const temporaryPassword = generateTemporaryPassword();
    const hash = await hashPassword(temporaryPassword);
    const now = this.clock.now().toISOString();
    const id = this.repo.transaction(() => {
      if (this.repo.findByEmail(input.email)) throw new ConflictError('users.errors.email_taken');
      this.checkBranches(input.branchIds);
      const newId = this.repo.insert({ email: input.email, name: input.name, role: input.role, passwordHash: hash, mustChangePassword: true, now });
      this.repo.replaceBranches(newId, input.branchIds);
      this.audit.record(actor, {
        action: 'user.created',
        subjectType: 'user',
        subjectId: newId,
        details: { email: input.email, role: input.role, branchIds: input.branchIds },
      });
      return newId;
    });
    return { id, temporaryPassword };
  }

  /** Creates or updates an account with a known password; used by seeding, not by the admin pages. */
  async ensure(actor: Actor, input: UserInput, password: string): Promise<number> {
    assertActorMay(actor, 'users.manage');
    const hash = await hashPassword(password);
    const now = this.clock.now().toISOString();
    return this.repo.transaction(() => {
      const existing = this.repo.findByEmail(input.email);
      const id = existing
        ? existing.id
        : this.repo.insert({ email: input.email, name: input.name, role: input.role, passwordHash: hash, mustChangePassword: false, now });
      if (existing) {
        this.repo.updateProfile(id, input.name, input.role, now);
        this.repo.updatePassword(id, hash, false, now);
        this.repo.updateDisabled(id, null, now);
      }
      this.repo.replaceBranches(id, input.branchIds);
      if (!existing) this.audit.record(actor, { action: 'user.created', subjectType: 'user', subjectId: id, details: { email: input.email, role: input.role } });
      return id;
    });
  }

  update(actor: Actor, id: number, input: Omit<UserInput, 'email'>): void {
    assertActorMay(actor, 'users.manage');
    const now = this.clock.now().toISOString();
    this.repo.transaction(() => {
      const before = this.get(id);
      this.checkBranches(input.branchIds);
      if (before.role === 'admin' && input.role !== 'admin' && !before.disabledAt && this.repo.activeAdminCount() <= 1) {
        throw new ConflictError('users.errors.last_admin');
      }
      this.repo.updateProfile(id, input.name, input.role, now);
      this.repo.replaceBranches(id, input.branchIds);
      this.audit.record(actor, {
        action: before.role !== input.role ? 'user.role_changed' : 'user.updated',
        subjectType: 'user',
        subjectId: id,
        details: { role: { from: before.role, to: input.role }, branchIds: { from: before.branchIds, to: input.branchIds }, name: input.name },
      });
    });
    // Roles and branches are re-read on every request, so open sessions see the change at once.
  }

  setDisabled(actor: Actor, id: number, disabled: boolean): void {
    assertActorMay(actor, 'users.manage');
    const now = this.clock.now().toISOString();
    let sessionIds: string[] = [];
    this.repo.transaction(() => {
      const before = this.get(id);
      if (disabled && before.role === 'admin' && !before.disabledAt && this.repo.activeAdminCount() <= 1) {
        throw new ConflictError('users.errors.last_admin');
      }
      if (disabled && actor.userId === id) throw new ConflictError('users.errors.not_yourself');
      this.repo.updateDisabled(id, disabled ? now : null, now);
      if (disabled) {
        sessionIds = this.sessions.sessionIdsOfUser(id);
        this.sessions.destroyAllOfUser(id);
      }
      this.audit.record(actor, { action: disabled ? 'user.disabled' : 'user.enabled', subjectType: 'user', subjectId: id });
    });
    for (const sid of sessionIds) this.notifier.disconnectSession(sid);
  }

  /**
   * After someone changed their own password: end their other sessions (another kiosk, a stolen
   * cookie) so the old password's sessions do not outlive it. The current session stays.
   */
  signOutElsewhere(id: number, keepSessionId: string): void {
    let sessionIds: string[] = [];
    this.repo.transaction(() => {
      sessionIds = this.sessions.sessionIdsOfUser(id).filter((sid) => sid !== keepSessionId);
      this.sessions.destroyOthersOfUser(id, keepSessionId);
    });
    for (const sid of sessionIds) this.notifier.disconnectSession(sid);
  }

  /** Sets a new temporary password and signs the person out everywhere. */
  async resetPassword(actor: Actor, id: number): Promise<string> {
    assertActorMay(actor, 'users.manage');
    this.get(id);
    // Your own reset would sign you out before you saw the new password: change it on /account/password.
    if (actor.userId === id) throw new ConflictError('users.errors.reset_yourself');
    const temporaryPassword = generateTemporaryPassword();
    const hash = await hashPassword(temporaryPassword);
    const now = this.clock.now().toISOString();
    let sessionIds: string[] = [];
    this.repo.transaction(() => {
      this.repo.updatePassword(id, hash, true, now);
      sessionIds = this.sessions.sessionIdsOfUser(id);
      this.sessions.destroyAllOfUser(id);
      this.audit.record(actor, { action: 'user.password_reset', subjectType: 'user', subjectId: id });
    });
    for (const sid of sessionIds) this.notifier.disconnectSession(sid);
    return temporaryPassword;
  }
}
