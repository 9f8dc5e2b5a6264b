import type { Db } from '../../db/open';
import { allRows } from '../../db/rows';
import type { AuditEntry } from './audit.model';

/** An audit row as selected: the columns carry the model's names; only details (JSON text) needs converting. */
type StoredAudit = Omit<AuditEntry, 'details'> & { details: string };

function toEntry(r: StoredAudit): AuditEntry {
  return { ...r, details: JSON.parse(r.details) as Record<string, unknown> };
}

export interface NewAuditEntry {
  at: string;
  actorUserId: number | null;
  actorLabel: string;
  action: string;
  subjectType?: string | null;
  subjectId?: string | number | null;
  branchId?: number | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditFilter {
  action?: string;
  actorUserId?: number;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

export class AuditRepository {
  private readonly insertStmt;
  private readonly findStmt;
  private readonly actionsStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO audit_log (at, actor_user_id, actor_label, action, subject_type, subject_id, branch_id, ip, details)
       VALUES (@at, @actorUserId, @actorLabel, @action, @subjectType, @subjectId, @branchId, @ip, @details)`,
    );
    // One shape for every filter combination: absent filters are NULL and switch their condition off.
    this.findStmt = db.prepare(
      `SELECT id, at, actor_user_id AS actorUserId, actor_label AS actorLabel, action, subject_type AS subjectType,
         subject_id AS subjectId, branch_id AS branchId, ip, details
       FROM audit_log
       WHERE (@action IS NULL OR action = @action)
         AND (@actor IS NULL OR actor_user_id = @actor)
         AND (@from IS NULL OR at >= @from)
         AND (@to IS NULL OR at < @to)
       ORDER BY id DESC LIMIT @limit OFFSET @offset`,
    );
    this.actionsStmt = db.prepare('SELECT DISTINCT action FROM audit_log ORDER BY action').pluck();
  }

  insert(e: NewAuditEntry): void {
    this.insertStmt.run({
      at: e.at,
      actorUserId: e.actorUserId,
      actorLabel: e.actorLabel,
      action: e.action,
      subjectType: e.subjectType ?? null,
      subjectId: e.subjectId === undefined || e.subjectId === null ? null : String(e.subjectId),
      branchId: e.branchId ?? null,
      ip: e.ip ?? null,
      details: JSON.stringify(e.details ?? {}),
    });
  }

  /** Filtered, newest first. Filters are optional; the SQL stays one prepared shape per call. */
  find(filter: AuditFilter): AuditEntry[] {
    const rows = this.findStmt.all({
      action: filter.action ?? null,
      actor: filter.actorUserId ?? null,
      from: filter.from ?? null,
      to: filter.to ?? null,
      limit: filter.limit,
      offset: filter.offset,
    });
    return allRows(rows, toEntry);
  }

  distinctActions(): string[] {
    return this.actionsStmt.all() as string[];
  }
}
