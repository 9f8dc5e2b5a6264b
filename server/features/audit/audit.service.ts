import type { Clock } from '../../lib/clock';
import type { AuditFilter, AuditEntry, AuditRepository } from './audit.repository';

import type { Actor } from '../../lib/actor';

export type { Actor };

export interface AuditEvent {
  action: string;
  subjectType?: string;
  subjectId?: string | number;
  branchId?: number | null;
  details?: Record<string, unknown>;
}

export class AuditService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /** Records one event. Call inside the same transaction as the change it describes. */
  record(actor: Actor, event: AuditEvent): void {
    this.repo.insert({
      at: this.clock.now().toISOString(),
      actorUserId: actor.userId,
      actorLabel: actor.label,
      action: event.action,
      subjectType: event.subjectType,
      subjectId: event.subjectId,
      branchId: event.branchId,
      ip: actor.ip,
      details: event.details,
    });
  }

  find(filter: AuditFilter): AuditEntry[] {
    return this.repo.find(filter);
  }

  actions(): string[] {
    return this.repo.distinctActions();
  }
}
