import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import { assertActorMay } from '../../policy/policy';
import { ConflictError, NotFoundError } from '../../http/errors';
import type { OutboxMessage, OutboxRepository } from '../../mail/outbox.repository';
import type { AuditService } from '../audit/audit.service';

export type OutboxStatus = OutboxMessage['status'];
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['pending', 'sending', 'sent', 'failed'];

export interface OutboxPage {
  messages: OutboxMessage[];
  page: number;
  hasNext: boolean;
}

/** What the admin outbox page needs: overview, one message, and sending a failed one again. */
export class OutboxService {
  constructor(
    private readonly repo: OutboxRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    /** Wakes the sender so a retried message goes out now, not at the next poll. */
    private readonly kick: () => void,
  ) {}

  counts(actor: Actor): Record<OutboxStatus, number> {
    assertActorMay(actor, 'outbox.manage');
    const raw = this.repo.countByStatus();
    return { pending: raw.pending ?? 0, sending: raw.sending ?? 0, sent: raw.sent ?? 0, failed: raw.failed ?? 0 };
  }

  list(actor: Actor, status: OutboxStatus | null, page: number, pageSize: number): OutboxPage {
    assertActorMay(actor, 'outbox.manage');
    const rows = this.repo.listByStatus(status, pageSize + 1, (page - 1) * pageSize);
    return { messages: rows.slice(0, pageSize), page, hasNext: rows.length > pageSize };
  }

  /** One message with its content. Messages hold citizens' addresses, so looking is recorded. */
  view(actor: Actor, id: number): OutboxMessage {
    assertActorMay(actor, 'outbox.manage');
    const message = this.repo.findById(id);
    if (!message) throw new NotFoundError();
    this.audit.record(actor, { action: 'outbox.viewed', subjectType: 'outbox', subjectId: id });
    return message;
  }

  /** Puts a failed message back in the queue; anything not failed (e.g. a double click) is a conflict. */
  retry(actor: Actor, id: number): void {
    assertActorMay(actor, 'outbox.manage');
    if (!this.repo.findById(id)) throw new NotFoundError();
    if (!this.repo.requeue(id, this.clock.now().toISOString())) throw new ConflictError('outbox.errors.not_failed');
    this.audit.record(actor, { action: 'outbox.retried', subjectType: 'outbox', subjectId: id });
    this.kick();
  }
}
