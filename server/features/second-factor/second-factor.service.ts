import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import { assertActorMay, type CurrentUser, type Role } from '../../policy/policy';
import { ConflictError, ForbiddenError, NotFoundError } from '../../http/errors';
import type { SqliteSessionStore } from '../../http/session';
import type { Notifier } from '../../realtime/notifier';
import type { AuditService } from '../audit/audit.service';
import type { UsersRepository } from '../users/users.repository';
import type { SignInThrottleRepository } from '../auth/sign-in-throttle.repository';
import type { SecondFactorRepository } from './second-factor.repository';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes';
import { matchTotp, newTotpSecret } from './totp';

export type SecondStepResult =
  | { kind: 'ok'; method: 'totp' | 'recovery_code' }
  | { kind: 'invalid' }
  | { kind: 'throttled'; retryAfterMinutes: number };

export interface SecondFactorStatus {
  enrolledAt: string;
  unusedRecoveryCodes: number;
}

/** Wrong codes are throttled like wrong passwords (auth.service.ts): a few tries, then a pause. */
const MAX_FAILURES = 5;
const LOCK_MINUTES = 15;
const WINDOW_MINUTES = 15;

/**
 * The second factor: enrolment, the second step of sign-in, an admin's reset and the requirement switch.
 * Whether someone *must* have one is decided here too, so the session guard and the pages agree.
 */
export class SecondFactorService {
  constructor(
    private readonly repo: SecondFactorRepository,
    private readonly users: UsersRepository,
    private readonly throttle: SignInThrottleRepository,
    private readonly audit: AuditService,
    private readonly sessions: SqliteSessionStore,
    private readonly notifier: Notifier,
    private readonly clock: Clock,
  ) {}

  status(userId: number): SecondFactorStatus | null {
    const row = this.repo.find(userId);
    return row ? { enrolledAt: row.enrolledAt, unusedRecoveryCodes: this.repo.unusedRecoveryCodes(userId) } : null;
  }

  isEnrolled(userId: number): boolean {
    return this.repo.find(userId) !== null;
  }

  /** Admins always; coordinators unless an admin switched that off; others may enrol but need not. */
  isRequired(role: Role): boolean {
    if (role === 'admin') return true;
    return role === 'coordinator' && this.repo.coordinatorsRequired();
  }

  /** True when this person must enrol before doing anything else (the session guard asks on every request). */
  mustEnrol(user: Pick<CurrentUser, 'id' | 'role'>): boolean {
    return this.isRequired(user.role) && !this.isEnrolled(user.id);
  }

  /** A fresh secret for the enrolment page; nothing is stored until the first code confirms it. */
  newSecret(): string {
    return newTotpSecret();
  }

  /**
   * Enrols (or replaces) the signed-in person's second factor once a code from the app proves the app has
   * the secret. Returns the ten recovery codes to show once, or null when the code does not match.
   */
  confirmEnrolment(actor: Actor, secret: string, code: string): string[] | null {
    const user = actor.user;
    if (!user) throw new ForbiddenError();
    const now = this.clock.now();
    const step = matchTotp(secret, code, now.getTime());
    if (step === null) return null;
    const codes = newRecoveryCodes();
    const hashes = codes.map(hashRecoveryCode);
    this.repo.transaction(() => {
      const replaced = this.repo.find(user.id) !== null;
      // The confirming code counts as used: it cannot also sign someone in.
      this.repo.save({ userId: user.id, secret, enrolledAt: now.toISOString(), lastUsedStep: step }, hashes);
      this.audit.record(actor, { action: replaced ? 'second_factor.replaced' : 'second_factor.enrolled', subjectType: 'user', subjectId: user.id });
    });
    return codes;
  }

  /** Seeding and test fixtures only (a known secret, no recovery codes): never from a request. */
  enrolWithSecret(actor: Actor, userId: number, secret: string): void {
    if (!actor.system) throw new ForbiddenError();
    if (!this.users.findById(userId)) throw new NotFoundError();
    this.repo.transaction(() => {
      // Seeding again keeps the record of used steps: a code once accepted stays refused.
      if (this.repo.find(userId)?.secret === secret) return;
      this.repo.save({ userId, secret, enrolledAt: this.clock.now().toISOString(), lastUsedStep: null }, []);
      this.audit.record(actor, { action: 'second_factor.enrolled', subjectType: 'user', subjectId: userId });
    });
  }

  /**
   * The second step of sign-in, after a correct password: a code of the app (±1 step, each step once) or an
   * unused recovery code. `label` and `ip` are for the audit log; nobody is signed in yet.
   */
  verifySignIn(userId: number, typed: string, ip: string): SecondStepResult {
    const row = this.repo.find(userId);
    const user = this.users.findById(userId);
    if (!row || !user) return { kind: 'invalid' };
    const actor: Actor = { userId, label: user.email, ip };
    const key = `second-factor:${userId}`;
    const now = this.clock.now();
    const wait = this.lockedMinutesLeft(key, now.getTime());
    if (wait > 0) {
      this.audit.record(actor, { action: 'sign_in.second_factor_throttled', subjectType: 'user', subjectId: userId });
      return { kind: 'throttled', retryAfterMinutes: wait };
    }
    const code = typed.replace(/\s/g, '');
    const result = this.repo.transaction((): SecondStepResult => {
      let method: 'totp' | 'recovery_code' | null = null;
      if (/^\d{6}$/.test(code)) {
        const step = matchTotp(row.secret, code, now.getTime());
        if (step !== null && this.repo.claimStep(userId, step)) method = 'totp';
      } else if (this.repo.claimRecoveryCode(userId, hashRecoveryCode(code), now.toISOString())) {
        method = 'recovery_code';
      }
      if (!method) return { kind: 'invalid' };
      this.throttle.clear(key);
      this.audit.record(actor, { action: 'sign_in.second_factor_succeeded', subjectType: 'user', subjectId: userId, details: { method } });
      return { kind: 'ok', method };
    });
    if (result.kind === 'invalid') {
      this.recordFailure(key, now);
      this.audit.record(actor, { action: 'sign_in.second_factor_failed', subjectType: 'user', subjectId: userId });
    }
    return result;
  }

  private lockedMinutesLeft(key: string, nowMs: number): number {
    const rec = this.throttle.find(key);
    const left = rec?.lockedUntil ? new Date(rec.lockedUntil).getTime() - nowMs : 0;
    return left > 0 ? Math.ceil(left / 60_000) : 0;
  }

  private recordFailure(key: string, now: Date): void {
    const prev = this.throttle.find(key);
    const fresh = !prev || now.getTime() - new Date(prev.windowStartedAt).getTime() > WINDOW_MINUTES * 60_000;
    const rec = fresh ? { key, failures: 1, windowStartedAt: now.toISOString(), lockedUntil: null as string | null } : { ...prev, failures: prev.failures + 1 };
    if (rec.failures >= MAX_FAILURES) {
      rec.lockedUntil = new Date(now.getTime() + LOCK_MINUTES * 60_000).toISOString();
      rec.failures = 0;
      rec.windowStartedAt = now.toISOString();
    }
    this.throttle.save(rec);
  }

  /** An admin removes someone's second factor (a lost phone without recovery codes): audited, and their sessions end. */
  reset(actor: Actor, userId: number): void {
    assertActorMay(actor, 'users.manage');
    if (!this.users.findById(userId)) throw new NotFoundError();
    // Your own reset would sign you out at once; replace your own factor on /account/second-factor instead.
    if (actor.userId === userId) throw new ConflictError('second-factor.errors.reset_yourself');
    let sessionIds: string[] = [];
    this.repo.transaction(() => {
      if (!this.repo.delete(userId)) throw new ConflictError('second-factor.errors.not_enrolled');
      sessionIds = this.sessions.sessionIdsOfUser(userId);
      this.sessions.destroyAllOfUser(userId);
      this.audit.record(actor, { action: 'second_factor.reset', subjectType: 'user', subjectId: userId });
    });
    for (const sid of sessionIds) this.notifier.disconnectSession(sid);
  }

  coordinatorsRequired(actor: Actor): boolean {
    assertActorMay(actor, 'users.manage');
    return this.repo.coordinatorsRequired();
  }

  /** The admins' switch: whether coordinators must have a second factor (admins always must). Audited. */
  setCoordinatorsRequired(actor: Actor, required: boolean): void {
    assertActorMay(actor, 'users.manage');
    this.repo.transaction(() => {
      const before = this.repo.coordinatorsRequired();
      if (before === required) return;
      this.repo.setCoordinatorsRequired(required, this.clock.now().toISOString());
      this.audit.record(actor, { action: 'second_factor.requirement_changed', details: { coordinatorsRequired: { from: before, to: required } } });
    });
  }
}

