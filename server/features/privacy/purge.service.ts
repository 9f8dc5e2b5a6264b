import type { Clock } from '../../lib/clock';
import { SYSTEM_ACTOR, type Actor } from '../../lib/actor';
import { assertActorMay } from '../../policy/policy';
import type { AuditService } from '../audit/audit.service';
import type { RetentionService } from './retention.service';
import type { RetentionKind } from './retention.model';
import type { PurgeRepository } from './purge.repository';

/** What one pass purged, per kind: counts only, never a personal value (printed, logged and audited). */
export interface PurgeReport {
  bookings: number;
  booking_mail: number;
  borrowers: number;
  chats: number;
  callbacks: number;
  waitlist: number;
  audit: number;
  sign_in_failures: number;
  /** Ended sessions, with any unfinished booking a citizen left in them. */
  expired_sessions: number;
}

const DAY_MS = 24 * 3600_000;
/** Small enough that one batch holds the write lock for milliseconds; the loop takes the rest. */
export const PURGE_BATCH = 200;

export function purgedTotal(report: PurgeReport): number {
  return Object.values(report).reduce((a, b) => a + b, 0);
}

/**
 * The retention purge (SPEC 4.9). Idempotent: a second pass finds nothing new. Each batch is its own short
 * transaction, so bookings and the desk keep working while a large backlog is purged.
 */
export class PurgeService {
  constructor(
    private readonly repo: PurgeRepository,
    private readonly retention: RetentionService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    /** Removes ended sessions (the session store owns that table). */
    private readonly purgeSessions: () => number,
  ) {}

  run(actor: Actor = SYSTEM_ACTOR, batch = PURGE_BATCH): PurgeReport {
    assertActorMay(actor, 'retention.configure');
    const periods = this.retention.current();
    const nowDate = this.clock.now();
    const now = nowDate.toISOString();
    const cutoff = (kind: RetentionKind): string => new Date(nowDate.getTime() - periods[kind] * DAY_MS).toISOString();
    const drain = (step: (batch: number) => number): number => {
      let total = 0;
      for (;;) {
        const n = step(batch);
        total += n;
        if (n < batch) return total;
      }
    };
    const report: PurgeReport = {
      bookings: drain((b) => this.repo.purgeBookings(cutoff('bookings'), now, b)),
      booking_mail: drain((b) => this.repo.purgeMail(cutoff('bookings'), now, b)),
      borrowers: drain((b) => this.repo.purgeBorrowers(cutoff('borrowers'), now, b)),
      chats: drain((b) => this.repo.purgeChats(cutoff('chats'), now, b)),
      callbacks: drain((b) => this.repo.purgeCallbacks(cutoff('callbacks'), now, b)),
      waitlist: drain((b) => this.repo.purgeWaitlist(cutoff('waitlist'), now, b)),
      audit: drain((b) => this.repo.purgeAudit(cutoff('audit'), b)),
      sign_in_failures: drain((b) => this.repo.purgeSignInFailures(cutoff('sign_in_failures'), now, b)),
      expired_sessions: this.purgeSessions(),
    };
    // Audited after the audit log's own purge, so this entry is never the one removed. A pass that found
    // nothing (most hours) leaves no entry; ended sessions alone are housekeeping, not personal data found.
    if (purgedTotal(report) - report.expired_sessions > 0) {
      this.audit.record(actor, { action: 'retention.purged', subjectType: 'retention', details: { counts: { ...report }, periods: { ...periods } } });
    }
    return report;
  }
}
