import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import { ForbiddenError } from '../../http/errors';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../../lib/password';
import type { CurrentUser } from '../../policy/policy';
import type { AuditService } from '../audit/audit.service';
import type { DeskPc, DeskPcsRepository } from './desk-pcs.repository';
import type { PinThrottle } from './pin-throttle';

export type SwitchResult =
  | { kind: 'ok'; user: CurrentUser }
  /** The browser is not a registered (unrevoked) desk PC: no PIN is taken here at all. */
  | { kind: 'not_desk_pc' }
  /** No shift on this desk PC (nobody signed in fully, or the idle timeout ended it): full sign-in first. */
  | { kind: 'no_shift' }
  | { kind: 'invalid' }
  | { kind: 'throttled'; retryAfterMinutes: number };

export interface SwitchRequest {
  deskPc: DeskPc | null;
  /** The desk PC on which the session's shift started, if any (the session's deskShift). */
  shiftDeskPcId: number | null;
  /** Who is signed in now (the person handing over). */
  current: CurrentUser | null;
  /** Picked from the list, or typed. */
  who: { userId?: number; email?: string };
  pin: string;
  ip: string;
}

export interface SwitchCandidate {
  id: number;
  name: string;
}

/**
 * The quick switch on a shared desk PC (SPEC 4.11): a personal PIN instead of the full sign-in, but only on
 * a registered desk PC, during a shift that a full sign-in started, for people of that desk's branch.
 */
export class QuickSwitchService {
  constructor(
    private readonly repo: DeskPcsRepository,
    private readonly throttle: PinThrottle,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly currentUser: (id: number) => CurrentUser | null,
    /** Checks a code of the person's second factor (TOTP or a recovery code), each accepted once. */
    private readonly verifySecondFactor: (userId: number, code: string, ip: string) => boolean = () => false,
  ) {}

  /** Sets (or replaces) the signed-in person's PIN after checking their password. False: wrong password. */
  async setPin(actor: Actor, password: string, pin: string): Promise<boolean> {
    const user = actor.user;
    if (!user) throw new ForbiddenError();
    const hash = this.repo.passwordHashOf(user.id);
    if (!hash || !(await verifyPassword(hash, password))) return false;
    // Hashed before the transaction: nothing slow between BEGIN and COMMIT.
    const pinHash = await hashPassword(pin);
    this.repo.transaction(() => {
      this.repo.setPin(user.id, pinHash, this.clock.now().toISOString());
      this.audit.record(actor, { action: 'user.pin_set', subjectType: 'user', subjectId: user.id });
    });
    return true;
  }

  /** The desk's people who can be switched in, for the pick list. */
  candidates(deskPc: DeskPc): SwitchCandidate[] {
    return this.repo.pinHoldersOfBranch(deskPc.branchId).map((h) => ({ id: h.id, name: h.name }));
  }

  async switchTo(req: SwitchRequest): Promise<SwitchResult> {
    const { deskPc } = req;
    if (!deskPc) return { kind: 'not_desk_pc' };
    if (!req.current || req.shiftDeskPcId !== deskPc.id) return { kind: 'no_shift' };
    const actor: Actor = { userId: req.current.id, label: req.current.email, ip: req.ip, user: req.current };
    const holder = req.who.userId !== undefined ? this.repo.pinHolder(req.who.userId) : this.repo.pinHolderByEmail(req.who.email ?? '');
    const target = holder ? this.currentUser(holder.id) : null;
    // Admins hold every branch; anyone else must work at this desk's branch. Experts work remotely.
    const belongs = target !== null && (target.role === 'admin' || (target.role !== 'expert' && target.branchIds.includes(deskPc.branchId)));
    const counters = { userId: holder?.id ?? null, deskPcId: deskPc.id };
    const wait = this.throttle.lockedMinutesLeft(counters);
    if (wait > 0) {
      this.audit.record(actor, { action: 'desk_pc.pin_throttled', subjectType: 'user', subjectId: holder?.id, branchId: deskPc.branchId });
      return { kind: 'throttled', retryAfterMinutes: wait };
    }
    let valid = false;
    if (holder && belongs) valid = await verifyPassword(holder.pinHash, req.pin);
    else await verifyAgainstDummy(req.pin);
    if (!valid || !target) {
      this.throttle.recordFailure(counters);
      this.audit.record(actor, { action: 'desk_pc.pin_failed', subjectType: 'user', subjectId: holder?.id, branchId: deskPc.branchId });
      return { kind: 'invalid' };
    }
    this.repo.transaction(() => {
      this.throttle.recordSuccess(target.id);
      this.audit.record(
        { userId: target.id, label: target.email, ip: req.ip, user: target },
        { action: 'desk_pc.switched', subjectType: 'user', subjectId: target.id, branchId: deskPc.branchId, details: { from: req.current?.email ?? null } },
      );
    });
    return { kind: 'ok', user: { ...target, viaPin: true } };
  }

  /**
   * Step-up: someone switched in by PIN confirms their full password before doing more than a volunteer may.
   * Counted like PIN guesses (a PIN must not open a way to guess the password).
   */
  /** Full password, or a code of the person's own second factor; throttled like the PIN. */
  async stepUp(actor: Actor, deskPcId: number | null, proof: { password?: string; code?: string }): Promise<SwitchResult> {
    const user = actor.user;
    if (!user) throw new ForbiddenError();
    const counters = { userId: user.id, deskPcId: deskPcId ?? 0 };
    const wait = this.throttle.lockedMinutesLeft(counters);
    if (wait > 0) return { kind: 'throttled', retryAfterMinutes: wait };
    const code = proof.code?.trim();
    const hash = this.repo.passwordHashOf(user.id);
    const proven = code
      ? this.verifySecondFactor(user.id, code, actor.ip ?? 'unknown')
      : Boolean(hash && proof.password && (await verifyPassword(hash, proof.password)));
    if (!proven) {
      this.throttle.recordFailure(counters);
      this.audit.record(actor, { action: 'desk_pc.step_up_failed', subjectType: 'user', subjectId: user.id });
      return { kind: 'invalid' };
    }
    this.audit.record(actor, { action: 'desk_pc.step_up', subjectType: 'user', subjectId: user.id, details: { method: code ? 'second_factor' : 'password' } });
    return { kind: 'ok', user: { ...user, viaPin: false } };
  }
}
