import type { Clock } from '../../lib/clock';
import type { FailureRecord, SignInThrottleRepository } from '../auth/sign-in-throttle.repository';

interface Rule {
  maxFailures: number;
  lockMinutes: number;
}

/**
 * Wrong PINs are counted twice: against the person whose PIN was tried, and against the desk PC. A PIN has
 * only a million values, so both lock after a few tries; but only for one window, so a volunteer who types
 * a colleague's name on purpose cannot keep them out for long (and a full sign-in never counts here).
 */
const RULES = {
  user: { maxFailures: 5, lockMinutes: 15 },
  pc: { maxFailures: 10, lockMinutes: 15 },
} as const satisfies Record<string, Rule>;
const WINDOW_MINUTES = 15;

export interface PinTarget {
  userId: number | null;
  deskPcId: number;
}

function countersOf(target: PinTarget): { rule: Rule; key: string }[] {
  const counters: { rule: Rule; key: string }[] = [{ rule: RULES.pc, key: `pin-pc:${target.deskPcId}` }];
  if (target.userId !== null) counters.unshift({ rule: RULES.user, key: `pin-user:${target.userId}` });
  return counters;
}

/** PIN guesses per person and per desk PC, in the sign-in failure table under keys of their own. */
export class PinThrottle {
  constructor(
    private readonly repo: SignInThrottleRepository,
    private readonly clock: Clock,
  ) {}

  /** Minutes until a PIN may be tried again for this person on this desk PC; 0 when it may now. */
  lockedMinutesLeft(target: PinTarget): number {
    const now = this.clock.now().getTime();
    let left = 0;
    for (const { key } of countersOf(target)) {
      const rec = this.repo.find(key);
      if (rec?.lockedUntil) left = Math.max(left, new Date(rec.lockedUntil).getTime() - now);
    }
    return left > 0 ? Math.ceil(left / 60_000) : 0;
  }

  recordFailure(target: PinTarget): void {
    const now = this.clock.now();
    for (const { rule, key } of countersOf(target)) {
      const prev = this.repo.find(key);
      const fresh = !prev || now.getTime() - new Date(prev.windowStartedAt).getTime() > WINDOW_MINUTES * 60_000;
      const rec: FailureRecord = fresh ? { key, failures: 1, windowStartedAt: now.toISOString(), lockedUntil: null } : { ...prev, failures: prev.failures + 1 };
      if (rec.failures >= rule.maxFailures) {
        rec.lockedUntil = new Date(now.getTime() + rule.lockMinutes * 60_000).toISOString();
        rec.failures = 0;
        rec.windowStartedAt = now.toISOString();
      }
      this.repo.save(rec);
    }
  }

  /** The right PIN: the person's own counter starts again (the desk PC's keeps running out its window). */
  recordSuccess(userId: number): void {
    this.repo.clear(`pin-user:${userId}`);
  }
}
