import type { Db } from '../../db/open';
import { allRows } from '../../db/rows';
import { SQL_PHONE, phoneVariants } from '../privacy/contact';
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
  deskPcId?: number | null;
}

export interface AuditFilter {
  action?: string;
  actorUserId?: number;
  /** The actor's label (a person's e-mail address), case-insensitive. */
  actorLabel?: string;
  subjectType?: string;
  subjectId?: string;
  /** Everything about the bookings and loans of one e-mail address or phone number (normalised by the caller). */
  contact?: { email: string | null; phone: string | null };
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

export class AuditRepository {
  private readonly insertStmt;
  private readonly findStmt;
  private readonly actionsStmt;
  private readonly subjectTypesStmt;
  private readonly userNamesStmt;
  private readonly branchNamesStmt;
  private readonly actorsStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO audit_log (at, actor_user_id, actor_label, action, subject_type, subject_id, branch_id, ip, details, desk_pc_id)
       VALUES (@at, @actorUserId, @actorLabel, @action, @subjectType, @subjectId, @branchId, @ip, @details, @deskPcId)`,
    );
    // One shape for every filter combination: absent filters are NULL and switch their condition off.
    this.findStmt = db.prepare(
      `SELECT id, at, actor_user_id AS actorUserId, actor_label AS actorLabel, action, subject_type AS subjectType,
         subject_id AS subjectId, branch_id AS branchId, ip, details,
         desk_pc_id AS deskPcId, (SELECT name FROM desk_pcs WHERE desk_pcs.id = audit_log.desk_pc_id) AS deskPcName
       FROM audit_log
       WHERE (@action IS NULL OR action = @action)
         AND (@actor IS NULL OR actor_user_id = @actor)
         AND (@actorLabel IS NULL OR actor_label = @actorLabel COLLATE NOCASE)
         AND (@subjectType IS NULL OR subject_type = @subjectType)
         AND (@subjectId IS NULL OR subject_id = @subjectId)
         AND (@hasContact IS NULL
              OR (subject_type = 'appointment' AND subject_id IN (
                    SELECT CAST(id AS TEXT) FROM appointments
                    WHERE email = @email COLLATE NOCASE OR replace(replace(replace(phone, ' ', ''), '-', ''), '.', '') = @phone))
              OR (subject_type = 'borrower' AND subject_id IN (
                    SELECT CAST(id AS TEXT) FROM borrowers WHERE contact IN (@email, @phone)))
              OR (subject_type = 'loan' AND subject_id IN (
                    SELECT CAST(l.id AS TEXT) FROM loans l JOIN borrowers b ON b.id = l.borrower_id WHERE b.contact IN (@email, @phone)))
              -- A callback request holds a phone number only (stored as typed; 06… and +316… alike).
              OR (subject_type = 'callback_request' AND subject_id IN (
                    SELECT CAST(id AS TEXT) FROM callback_requests WHERE ${SQL_PHONE('phone')} IN (SELECT value FROM json_each(@phones))))
              -- A printed day list is one entry for the whole day; it counts as a look at each booking on it.
              OR (action = 'appointment.day_list_viewed' AND EXISTS (
                    SELECT 1 FROM json_each(details, '$.appointmentIds') j JOIN appointments a ON a.id = j.value
                    WHERE a.email = @email COLLATE NOCASE OR replace(replace(replace(a.phone, ' ', ''), '-', ''), '.', '') = @phone)))
         AND (@from IS NULL OR at >= @from)
         AND (@to IS NULL OR at < @to)
       ORDER BY id DESC LIMIT @limit OFFSET @offset`,
    );
    this.actionsStmt = db.prepare('SELECT DISTINCT action FROM audit_log ORDER BY action').pluck();
    this.subjectTypesStmt = db.prepare('SELECT DISTINCT subject_type FROM audit_log WHERE subject_type IS NOT NULL ORDER BY subject_type').pluck();
    this.userNamesStmt = db.prepare('SELECT id, name FROM users');
    this.branchNamesStmt = db.prepare('SELECT id, name FROM branches');
    // Everyone who appears as "who" in the log, with their current name when they have an account.
    this.actorsStmt = db.prepare(
      `SELECT a.actor_label AS label, max(u.name) AS name
       FROM (SELECT DISTINCT actor_label, actor_user_id FROM audit_log) a LEFT JOIN users u ON u.id = a.actor_user_id
       GROUP BY a.actor_label ORDER BY coalesce(max(u.name), a.actor_label)`,
    );
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
      deskPcId: e.deskPcId ?? null,
    });
  }

  /** Filtered, newest first. Filters are optional; the SQL stays one prepared shape per call. */
  find(filter: AuditFilter): AuditEntry[] {
    const rows = this.findStmt.all({
      action: filter.action ?? null,
      actor: filter.actorUserId ?? null,
      actorLabel: filter.actorLabel ?? null,
      subjectType: filter.subjectType ?? null,
      subjectId: filter.subjectId ?? null,
      hasContact: filter.contact ? 1 : null,
      email: filter.contact?.email ?? null,
      phone: filter.contact?.phone ?? null,
      phones: JSON.stringify(phoneVariants(filter.contact?.phone ?? null)),
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

  distinctSubjectTypes(): string[] {
    return this.subjectTypesStmt.all() as string[];
  }

  /** Names of people and branches by id, for showing the log (a few hundred rows at most). */
  names(): { users: Map<number, string>; branches: Map<number, string> } {
    const pairs = (rows: unknown[]): Map<number, string> => new Map((rows as { id: number; name: string }[]).map((r) => [r.id, r.name]));
    return { users: pairs(this.userNamesStmt.all()), branches: pairs(this.branchNamesStmt.all()) };
  }

  /** Everyone in the log's "who" column: the label as stored and the person's name when known. */
  actors(): { label: string; name: string | null }[] {
    return this.actorsStmt.all() as { label: string; name: string | null }[];
  }
}
