import type { Db } from '../../db/open';
import type { EscalationAccessRow } from './escalations.access';

export type ChatKind = 'message' | 'note' | 'system';
export type ChatSenderRole = 'volunteer' | 'expert' | 'system';

/** One chat line as clients and the page see it (the `Msg` of the chat contract). */
export interface ChatMessage {
  escalationId: number;
  seq: number;
  kind: ChatKind;
  senderRole: ChatSenderRole;
  senderName: string;
  body: string;
  sentAt: string;
}

/** What the chat needs to know about one escalation: the access rule's fields plus its status and last seq. */
export interface ChatEscalationRow extends EscalationAccessRow {
  id: number;
  last_seq: number;
}

export interface NewChatMessage {
  escalationId: number;
  kind: ChatKind;
  senderId: number | null;
  senderRole: ChatSenderRole;
  clientId: string | null;
  body: string;
  sentAt: string;
}

interface MessageRow {
  escalation_id: number;
  seq: number;
  kind: ChatKind;
  sender_role: ChatSenderRole;
  sender_name: string | null;
  body: string;
  sent_at: string;
}

const MESSAGE_COLUMNS = `m.escalation_id, m.seq, m.kind, m.sender_role, u.name AS sender_name, m.body, m.sent_at`;

function toMessage(row: MessageRow): ChatMessage {
  return {
    escalationId: row.escalation_id,
    seq: row.seq,
    kind: row.kind,
    senderRole: row.sender_role,
    senderName: row.sender_name ?? '',
    body: row.body,
    sentAt: row.sent_at,
  };
}

export class ChatRepository {
  private readonly escalationStmt;
  private readonly byClientIdStmt;
  private readonly nextSeqStmt;
  private readonly insertStmt;
  private readonly bySeqStmt;
  private readonly afterStmt;
  private readonly afterWithoutNotesStmt;
  private readonly readOfUserStmt;
  private readonly volunteersReadStmt;
  private readonly openIdsStmt;
  private readonly markReadStmt;
  private readonly unreadStmt;

  constructor(private readonly db: Db) {
    this.escalationStmt = db.prepare(`SELECT id, branch_id, status, expert_id, last_seq FROM escalations WHERE id = ?`);
    this.byClientIdStmt = db.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM chat_messages m LEFT JOIN users u ON u.id = m.sender_id
       WHERE m.escalation_id = @escalationId AND m.sender_id IS @senderId AND m.client_id = @clientId`,
    );
    this.nextSeqStmt = db.prepare(`UPDATE escalations SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq`);
    this.insertStmt = db.prepare(
      `INSERT INTO chat_messages (escalation_id, seq, kind, sender_id, sender_role, client_id, body, sent_at)
       VALUES (@escalationId, @seq, @kind, @senderId, @senderRole, @clientId, @body, @sentAt)`,
    );
    this.bySeqStmt = db.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM chat_messages m LEFT JOIN users u ON u.id = m.sender_id WHERE m.escalation_id = ? AND m.seq = ?`,
    );
    this.afterStmt = db.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM chat_messages m LEFT JOIN users u ON u.id = m.sender_id
       WHERE m.escalation_id = ? AND m.seq > ? ORDER BY m.seq LIMIT ?`,
    );
    this.afterWithoutNotesStmt = db.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM chat_messages m LEFT JOIN users u ON u.id = m.sender_id
       WHERE m.escalation_id = ? AND m.seq > ? AND m.kind <> 'note' ORDER BY m.seq LIMIT ?`,
    );
    this.readOfUserStmt = db.prepare(`SELECT last_read_seq FROM chat_reads WHERE escalation_id = ? AND user_id = ?`);
    this.volunteersReadStmt = db.prepare(
      `SELECT coalesce(max(last_read_seq), 0) AS seq FROM chat_reads WHERE escalation_id = @escalationId AND user_id IS NOT @expertId`,
    );
    this.openIdsStmt = db.prepare(
      `SELECT id FROM escalations WHERE status = 'active'
       AND ((@expertId IS NOT NULL AND expert_id = @expertId) OR (@branchIds IS NOT NULL AND branch_id IN (SELECT value FROM json_each(@branchIds))))`,
    );
    // Read markers only move forward: a late "read 3" after "read 7" from another tab changes nothing.
    this.markReadStmt = db.prepare(
      `INSERT INTO chat_reads (escalation_id, user_id, last_read_seq, updated_at) VALUES (@escalationId, @userId, @seq, @at)
       ON CONFLICT (escalation_id, user_id) DO UPDATE SET last_read_seq = max(last_read_seq, excluded.last_read_seq), updated_at = excluded.updated_at
       RETURNING last_read_seq`,
    );
    this.unreadStmt = db.prepare(
      `SELECT e.id AS escalation_id, count(m.id) AS unread
       FROM escalations e
       JOIN chat_messages m ON m.escalation_id = e.id
       LEFT JOIN chat_reads r ON r.escalation_id = e.id AND r.user_id = @userId
       WHERE e.id IN (SELECT value FROM json_each(@escalationIds))
         AND m.seq > coalesce(r.last_read_seq, 0)
         AND m.sender_id IS NOT @userId
         AND (@withNotes = 1 OR m.kind <> 'note')
       GROUP BY e.id`,
    );
  }

  findEscalation(id: number): ChatEscalationRow | undefined {
    return this.escalationStmt.get(id) as ChatEscalationRow | undefined;
  }

  /** The stored message a sender already sent with this client id, if any. */
  findByClientId(escalationId: number, senderId: number | null, clientId: string): ChatMessage | undefined {
    const row = this.byClientIdStmt.get({ escalationId, senderId, clientId }) as MessageRow | undefined;
    return row && toMessage(row);
  }

  /**
   * Stores one message with the next seq of its escalation, in one IMMEDIATE write transaction, so two
   * processes on one file never hand out the same seq and a failed insert leaves no gap. A resend with a
   * client id already stored returns the stored message with `created: false`: the SELECT runs under the
   * write lock, so two resends cannot both miss it; the unique index is the backstop if code ever skips it.
   */
  insert(message: NewChatMessage): { message: ChatMessage; created: boolean } {
    return this.db
      .transaction((m: NewChatMessage): { message: ChatMessage; created: boolean } => {
        if (m.clientId !== null) {
          const existing = this.findByClientId(m.escalationId, m.senderId, m.clientId);
          if (existing) return { message: existing, created: false };
        }
        const { last_seq: seq } = this.nextSeqStmt.get(m.escalationId) as { last_seq: number };
        this.insertStmt.run({ ...m, seq });
        return { message: toMessage(this.bySeqStmt.get(m.escalationId, seq) as MessageRow), created: true };
      })
      .immediate(message);
  }

  /** Messages with seq > afterSeq, in order; notes only when asked for (the expert side). */
  after(escalationId: number, afterSeq: number, withNotes: boolean, limit = 1000): ChatMessage[] {
    const stmt = withNotes ? this.afterStmt : this.afterWithoutNotesStmt;
    return (stmt.all(escalationId, afterSeq, limit) as MessageRow[]).map(toMessage);
  }

  lastReadOf(escalationId: number, userId: number): number {
    const row = this.readOfUserStmt.get(escalationId, userId) as { last_read_seq: number } | undefined;
    return row?.last_read_seq ?? 0;
  }

  /**
   * How far the other side has read: for a volunteer the assigned expert's marker, for the expert the
   * furthest marker of any volunteer (the desk is shared by the branch).
   */
  lastReadOfOtherSide(escalationId: number, expertId: number | null, otherIsExpert: boolean): number {
    if (otherIsExpert) return expertId === null ? 0 : this.lastReadOf(escalationId, expertId);
    return (this.volunteersReadStmt.get({ escalationId, expertId }) as { seq: number }).seq;
  }

  markRead(escalationId: number, userId: number, seq: number, at: string): number {
    const row = this.markReadStmt.get({ escalationId, userId, seq, at }) as { last_read_seq: number };
    return row.last_read_seq;
  }

  /** Unread messages per escalation for one person, not counting their own (and notes unless asked). */
  unreadCounts(userId: number, escalationIds: number[], withNotes: boolean): Map<number, number> {
    const rows = this.unreadStmt.all({ userId, escalationIds: JSON.stringify(escalationIds), withNotes: withNotes ? 1 : 0 }) as {
      escalation_id: number;
      unread: number;
    }[];
    return new Map(rows.map((r) => [r.escalation_id, r.unread]));
  }

  /** Open escalations whose chat a person may be on: those of their branches, or assigned to them. */
  openEscalationIds(branchIds: number[] | null, expertId: number | null): number[] {
    const rows = this.openIdsStmt.all({ expertId, branchIds: branchIds === null ? null : JSON.stringify(branchIds) }) as { id: number }[];
    return rows.map((r) => r.id);
  }
}
