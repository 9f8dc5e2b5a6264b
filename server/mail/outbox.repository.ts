import type { Db } from '../db/open';
import { allRows, oneRow } from '../db/rows';

export interface Attachment {
  filename: string;
  contentType: string;
  /** UTF-8 text (calendar files, CSV), or base64 when `encoding` says so (images): the outbox row is JSON. */
  content: string;
  encoding?: 'base64';
  /** Content-ID of an inline image, referenced from the HTML part as `<img src="cid:…">`. */
  cid?: string;
}

export interface OutboxMessage {
  id: number;
  messageId: string;
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments: Attachment[];
  relatedType: string | null;
  relatedId: number | null;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** An outbox row as selected: the columns carry the model's names; only attachments (JSON text) needs converting. */
type StoredOutbox = Omit<OutboxMessage, 'attachments'> & { attachments: string };

const COLUMNS = `id, message_id AS messageId, kind, to_address AS "to", subject, text_body AS "text", html_body AS "html", attachments,
  related_type AS relatedType, related_id AS relatedId, status, attempts, next_attempt_at AS nextAttemptAt,
  last_error AS lastError, created_at AS createdAt, sent_at AS sentAt`;

function toMessage(r: StoredOutbox): OutboxMessage {
  return { ...r, attachments: JSON.parse(r.attachments) as Attachment[] };
}

export interface NewOutboxMessage
  extends Pick<OutboxMessage, 'messageId' | 'kind' | 'to' | 'subject' | 'text' | 'html' | 'attachments' | 'relatedType' | 'relatedId'> {
  now: string;
}

export class OutboxRepository {
  private readonly insertStmt;
  private readonly dueStmt;
  private readonly claimStmt;
  private readonly sentStmt;
  private readonly retryStmt;
  private readonly listStmt;
  private readonly byIdStmt;
  private readonly releaseStmt;
  private readonly countsStmt;
  private readonly requeueStmt;
  private readonly listFilteredStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO outbox (message_id, kind, to_address, subject, text_body, html_body, attachments, related_type, related_id, status, attempts, next_attempt_at, created_at)
       VALUES (@messageId, @kind, @to, @subject, @text, @html, @attachments, @relatedType, @relatedId, 'pending', 0, @now, @now)`,
    );
    this.dueStmt = db.prepare(
      `SELECT ${COLUMNS} FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
    );
    // Claiming is a compare-and-set, so two senders (or a sender and a restart) never take the same message.
    this.claimStmt = db.prepare("UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id = ? AND status = 'pending'");
    this.sentStmt = db.prepare("UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ? AND status = 'sending'");
    this.retryStmt = db.prepare(
      "UPDATE outbox SET status = @status, next_attempt_at = @next, last_error = @error WHERE id = @id AND status = 'sending'",
    );
    this.listStmt = db.prepare(`SELECT ${COLUMNS} FROM outbox ORDER BY id DESC LIMIT ? OFFSET ?`);
    this.byIdStmt = db.prepare(`SELECT ${COLUMNS} FROM outbox WHERE id = ?`);
    this.releaseStmt = db.prepare("UPDATE outbox SET status = 'pending' WHERE status = 'sending'");
    this.countsStmt = db.prepare('SELECT status, count(*) AS n FROM outbox GROUP BY status');
    this.requeueStmt = db.prepare("UPDATE outbox SET status = 'pending', next_attempt_at = ? WHERE id = ? AND status = 'failed'");
    this.listFilteredStmt = db.prepare(
      `SELECT ${COLUMNS} FROM outbox WHERE (@status IS NULL OR status = @status) ORDER BY id DESC LIMIT @limit OFFSET @offset`,
    );
  }

  insert(m: NewOutboxMessage): number {
    return Number(this.insertStmt.run({ ...m, attachments: JSON.stringify(m.attachments) }).lastInsertRowid);
  }

  findDue(now: string, limit: number): OutboxMessage[] {
    return allRows(this.dueStmt.all(now, limit), toMessage);
  }

  claim(id: number): boolean {
    return this.claimStmt.run(id).changes === 1;
  }

  markSent(id: number, now: string): void {
    this.sentStmt.run(now, id);
  }

  markRetry(id: number, next: string, error: string, failed: boolean): void {
    this.retryStmt.run({ id, next, error: error.slice(0, 500), status: failed ? 'failed' : 'pending' });
  }

  /**
   * At start-up, messages left in 'sending' by a crash go back to 'pending'. The SMTP server may have
   * accepted them already; they keep their Message-ID so the receiving side can recognise a repeat.
   */
  releaseInterrupted(): number {
    return this.releaseStmt.run().changes;
  }

  list(limit: number, offset: number): OutboxMessage[] {
    return allRows(this.listStmt.all(limit, offset), toMessage);
  }

  /** Newest first, optionally only one status (the admin page's filter). */
  listByStatus(status: OutboxMessage['status'] | null, limit: number, offset: number): OutboxMessage[] {
    return allRows(this.listFilteredStmt.all({ status, limit, offset }), toMessage);
  }

  findById(id: number): OutboxMessage | null {
    return oneRow(this.byIdStmt.get(id), toMessage);
  }

  countByStatus(): Record<string, number> {
    const out: Record<string, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
    for (const r of this.countsStmt.all() as { status: string; n: number }[]) out[r.status] = r.n;
    return out;
  }

  requeue(id: number, now: string): boolean {
    return this.requeueStmt.run(now, id).changes === 1;
  }
}
