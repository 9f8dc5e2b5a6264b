import type { Clock } from '../../lib/clock';
import type { AuditFilter, AuditRepository } from './audit.repository';
import type { AuditEntry } from './audit.model';

export type { AuditEntry };
import { addDays, zonedInstant, type LocalDate } from '../../lib/time';
import type { Actor } from '../../lib/actor';
import type { RequestContext } from '../../lib/request-context';
import { assertActorMay } from '../../policy/policy';
import { normaliseContact } from '../privacy/contact';

export type { Actor };

export interface AuditEvent {
  action: string;
  subjectType?: string;
  subjectId?: string | number;
  branchId?: number | null;
  details?: Record<string, unknown>;
}

/** A page of the audit log as an admin asks for it: local dates, inclusive on both ends. */
export interface AuditQuery {
  action?: string;
  /** Who: a person's e-mail address. */
  user?: string;
  subjectType?: string;
  subjectId?: string;
  /** About whom: an e-mail address or phone number of a booking or a borrower. */
  contact?: string;
  fromDate?: LocalDate;
  toDate?: LocalDate;
  page: number;
  pageSize: number;
}

export interface AuditPage {
  entries: AuditEntry[];
  page: number;
  hasNext: boolean;
}

/** Start of a local day as a stored instant. Midnight always exists in Amsterdam (clocks change at 02:00/03:00). */
function startOfLocalDay(date: LocalDate): string {
  return (zonedInstant(date, '00:00') as Date).toISOString();
}

export class AuditService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly clock: Clock,
    /** The request being served: its desk PC goes on every row written during it (server/lib/request-context.ts). */
    private readonly context?: RequestContext,
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
      deskPcId: this.context?.current()?.deskPcId ?? null,
    });
  }

  /** Raw rows for the server's own checks and tests; people read the log through search(). */
  find(filter: AuditFilter): AuditEntry[] {
    return this.repo.find(filter);
  }

  /** Newest first; one extra row is read to know whether a next page exists, so no count query is needed. */
  search(actor: Actor, query: AuditQuery): AuditPage {
    assertActorMay(actor, 'audit.read');
    const rows = this.repo.find({
      action: query.action || undefined,
      actorLabel: query.user || undefined,
      subjectType: query.subjectType || undefined,
      subjectId: query.subjectId || undefined,
      contact: query.contact ? normaliseContact(query.contact) : undefined,
      from: query.fromDate ? startOfLocalDay(query.fromDate) : undefined,
      to: query.toDate ? startOfLocalDay(addDays(query.toDate, 1)) : undefined,
      limit: query.pageSize + 1,
      offset: (query.page - 1) * query.pageSize,
    });
    return { entries: rows.slice(0, query.pageSize), page: query.page, hasNext: rows.length > query.pageSize };
  }

  actions(actor: Actor): string[] {
    assertActorMay(actor, 'audit.read');
    return this.repo.distinctActions();
  }

  subjectTypes(actor: Actor): string[] {
    assertActorMay(actor, 'audit.read');
    return this.repo.distinctSubjectTypes();
  }

  names(actor: Actor): { users: Map<number, string>; branches: Map<number, string> } {
    assertActorMay(actor, 'audit.read');
    return this.repo.names();
  }

  actors(actor: Actor): { label: string; name: string | null }[] {
    assertActorMay(actor, 'audit.read');
    return this.repo.actors();
  }
}
