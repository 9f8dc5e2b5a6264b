import crypto from 'node:crypto';
import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import type { CurrentUser } from '../../policy/policy';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../../lib/password';
import type { UsersRepository } from '../users/users.repository';
import type { AuditService } from '../audit/audit.service';
import type { SignInThrottleRepository, FailureRecord } from './sign-in-throttle.repository';

export type SignInResult =
  | { kind: 'ok'; user: CurrentUser }
  | { kind: 'invalid' }
  | { kind: 'throttled'; retryAfterMinutes: number };

interface ThrottleRule {
  prefix: 'pair' | 'client' | 'account' | 'device';
  maxFailures: number;
  lockMinutes: number;
}

/**
 * Three counters, so an attacker cannot lock a real user out for long:
 * - pair (account + client): the common case, a few tries then a 15-minute pause for that client only;
 * - client: one client trying many accounts;
 * - account: many clients against one account, locked only briefly, because anyone can trigger it.
 */
const RULES: readonly ThrottleRule[] = [
  { prefix: 'pair', maxFailures: 5, lockMinutes: 15 },
  { prefix: 'client', maxFailures: 30, lockMinutes: 15 },
  { prefix: 'account', maxFailures: 50, lockMinutes: 2 },
];
/**
 * A browser that signed in to the account before (a valid device cookie, see device-cookie.ts) has a counter
 * of its own instead: failures by strangers on the same address or against the account do not lock it.
 */
const DEVICE_RULE: ThrottleRule = { prefix: 'device', maxFailures: 5, lockMinutes: 15 };
const WINDOW_MINUTES = 15;

/**
 * What the audit log may keep of a name typed at sign-in: an e-mail address, or only that it was not one.
 * People type their password into the wrong field; that must not end up readable in the audit log.
 */
function typedAccount(email: string): string {
  const typed = email.trim();
  return /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/.test(typed) ? typed.slice(0, 254) : '(not an e-mail address)';
}

export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly throttle: SignInThrottleRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  needsSetup(): boolean {
    return this.users.activeAdminCount() === 0 && this.users.listAll().length === 0;
  }

  /** Loads the signed-in user for a request; null when the account is gone or disabled. */
  currentUser(userId: number): CurrentUser | null {
    const row = this.users.findById(userId);
    if (!row || row.disabledAt) return null;
    return {
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      branchIds: this.users.branchIdsOf(row.id),
      mustChangePassword: row.mustChangePassword,
    };
  }

  /** The counters a sign-in attempt is checked against and counted on; the first is cleared on success. */
  private counters(email: string, ip: string, device: string | null): { rule: ThrottleRule; key: string }[] {
    // Hashed, so the table never keeps what was typed (see typedAccount); equal input still meets equal keys.
    const account = crypto.createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
    if (device) return [{ rule: DEVICE_RULE, key: `device:${device}` }];
    const keys: Record<string, string> = { pair: `pair:${account}|${ip}`, client: `client:${ip}`, account: `account:${account}` };
    return RULES.map((rule) => ({ rule, key: keys[rule.prefix] }));
  }

  private lockedMinutesLeft(email: string, ip: string, device: string | null): number {
    const now = this.clock.now().getTime();
    let left = 0;
    for (const { key } of this.counters(email, ip, device)) {
      const rec = this.throttle.find(key);
      if (rec?.lockedUntil) left = Math.max(left, new Date(rec.lockedUntil).getTime() - now);
    }
    return left > 0 ? Math.ceil(left / 60_000) : 0;
  }

  private recordFailure(email: string, ip: string, device: string | null): void {
    const now = this.clock.now();
    for (const { rule, key } of this.counters(email, ip, device)) {
      const prev = this.throttle.find(key);
      const windowExpired = !prev || now.getTime() - new Date(prev.windowStartedAt).getTime() > WINDOW_MINUTES * 60_000;
      const rec: FailureRecord = windowExpired
        ? { key, failures: 1, windowStartedAt: now.toISOString(), lockedUntil: null }
        : { ...prev, failures: prev.failures + 1 };
      if (rec.failures >= rule.maxFailures) {
        rec.lockedUntil = new Date(now.getTime() + rule.lockMinutes * 60_000).toISOString();
        rec.failures = 0;
        rec.windowStartedAt = now.toISOString();
      }
      this.throttle.save(rec);
    }
  }

  /** `device`: the id of a device cookie the route verified for this e-mail address, else null. */
  async signIn(email: string, password: string, ip: string, device: string | null = null): Promise<SignInResult> {
    const typed = typedAccount(email);
    const actor: Actor = { userId: null, label: typed, ip };
    const wait = this.lockedMinutesLeft(email, ip, device);
    if (wait > 0) {
      this.audit.record(actor, { action: 'sign_in.throttled', details: { email: typed } });
      return { kind: 'throttled', retryAfterMinutes: wait };
    }
    const row = this.users.findByEmail(email.trim());
    let valid = false;
    if (row?.passwordHash && !row.disabledAt) valid = await verifyPassword(row.passwordHash, password);
    else await verifyAgainstDummy(password);
    if (!valid || !row) {
      this.recordFailure(email, ip, device);
      this.audit.record(actor, { action: 'sign_in.failed', subjectType: 'user', subjectId: row?.id, details: { email: typed } });
      return { kind: 'invalid' };
    }
    const now = this.clock.now().toISOString();
    this.users.transaction(() => {
      this.throttle.clear(this.counters(email, ip, device)[0].key);
      this.users.recordSignIn(row.id, now);
      this.audit.record({ userId: row.id, label: row.email, ip }, { action: 'sign_in.succeeded', subjectType: 'user', subjectId: row.id });
    });
    const user = this.currentUser(row.id);
    return user ? { kind: 'ok', user } : { kind: 'invalid' };
  }

  recordSignOut(user: CurrentUser, ip: string): void {
    this.audit.record({ userId: user.id, label: user.email, ip }, { action: 'sign_out', subjectType: 'user', subjectId: user.id });
  }

  /**
   * First-run setup: creates the first admin. Returns null when an account exists already, so two
   * people racing through setup cannot both become admin.
   */
  async createFirstAdmin(input: { email: string; name: string; password: string }, ip: string): Promise<CurrentUser | null> {
    const hash = await hashPassword(input.password);
    const now = this.clock.now().toISOString();
    const id = this.users.transaction(() => {
      if (!this.needsSetup()) return null;
      const newId = this.users.insert({ email: input.email, name: input.name, role: 'admin', passwordHash: hash, mustChangePassword: false, now });
      this.audit.record({ userId: newId, label: input.email, ip }, { action: 'setup.first_admin', subjectType: 'user', subjectId: newId });
      return newId;
    });
    return id === null ? null : this.currentUser(id);
  }

  async changeOwnPassword(user: CurrentUser, current: string, next: string, ip: string): Promise<boolean> {
    const row = this.users.findById(user.id);
    if (!row?.passwordHash || !(await verifyPassword(row.passwordHash, current))) return false;
    const hash = await hashPassword(next);
    const now = this.clock.now().toISOString();
    this.users.transaction(() => {
      this.users.updatePassword(user.id, hash, false, now);
      this.audit.record({ userId: user.id, label: user.email, ip }, { action: 'user.password_changed', subjectType: 'user', subjectId: user.id });
    });
    return true;
  }
}
