import type { Actor } from '../../lib/actor';
import type { Clock } from '../../lib/clock';
import { assertActorMay } from '../../policy/policy';
import type { AuditService } from '../audit/audit.service';
import type { StatsMailRepository } from './stats.mail.repository';

/** The opt-in to the monthly statistics report by e-mail: a person's own choice, for people who read statistics. */
export class StatsMailService {
  constructor(
    private readonly repo: StatsMailRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  isSubscribed(actor: Actor): boolean {
    assertActorMay(actor, 'stats.read');
    return actor.userId !== null && this.repo.isSubscribed(actor.userId);
  }

  setSubscribed(actor: Actor, on: boolean): void {
    assertActorMay(actor, 'stats.read');
    const userId = actor.userId;
    if (userId === null) return;
    this.repo.immediate(() => {
      if (!this.repo.setSubscribed(userId, on, this.clock.now().toISOString())) return;
      this.audit.record(actor, { action: on ? 'stats.report_mail.subscribed' : 'stats.report_mail.unsubscribed', subjectType: 'user', subjectId: userId });
    });
  }
}
