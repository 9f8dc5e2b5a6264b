import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import { assertActorMay } from '../../policy/policy';
import type { AuditService } from '../audit/audit.service';
import { RETENTION_KINDS, type RetentionSettings } from './retention.model';
import type { RetentionRepository } from './retention.repository';

export interface RetentionForm {
  settings: RetentionSettings;
  contact: string;
}

/** Reads and changes the retention periods. Reading is public: the privacy statement shows them to anyone. */
export class RetentionService {
  constructor(
    private readonly repo: RetentionRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    /** Said on /privacy when no contact was saved (the sender address of our mail). */
    private readonly fallbackContact: string,
  ) {}

  /** The periods in force (for the purge and the privacy statement). */
  current(): RetentionSettings {
    return this.repo.read();
  }

  /** Who a citizen asks about their data. */
  contact(): string {
    return this.repo.contact() || this.fallbackContact;
  }

  forEdit(actor: Actor): RetentionForm {
    assertActorMay(actor, 'retention.configure');
    return { settings: this.repo.read(), contact: this.repo.contact() };
  }

  /** Saves what changed; the audit entry holds each old → new value (periods and contact, no personal data). */
  save(actor: Actor, next: RetentionForm): void {
    assertActorMay(actor, 'retention.configure');
    const now = this.clock.now().toISOString();
    this.repo.transaction(() => {
      const old = this.repo.read();
      const oldContact = this.repo.contact();
      const changes: Record<string, { from: number | string; to: number | string }> = {};
      for (const kind of RETENTION_KINDS) {
        if (old[kind] === next.settings[kind]) continue;
        this.repo.write(kind, next.settings[kind], now);
        changes[kind] = { from: old[kind], to: next.settings[kind] };
      }
      if (oldContact !== next.contact) {
        this.repo.writeContact(next.contact, now);
        changes.contact = { from: oldContact, to: next.contact };
      }
      if (Object.keys(changes).length > 0) this.audit.record(actor, { action: 'retention.changed', subjectType: 'settings', subjectId: 'retention', details: { changes } });
    });
  }
}
