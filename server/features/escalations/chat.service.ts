import crypto from 'node:crypto';
import { ConflictError, ForbiddenError, NotFoundError, TooManyRequestsError } from '../../http/errors';
import type { Actor } from '../../lib/actor';
import type { Clock } from '../../lib/clock';
import { branchIdsFor, may, type CurrentUser } from '../../policy/policy';
import type { Notifier } from '../../realtime/notifier';
import { assertChatSide } from './escalations.access';
import type { ChatEscalationRow, ChatKind, ChatMessage, ChatRepository } from './chat.repository';

export type ChatSide = 'volunteer' | 'expert';

/** What the chat part of the escalation page shows (views/escalations/_chat.ejs). */
export interface ChatView {
  escalationId: number;
  side: ChatSide;
  status: ChatEscalationRow['status'];
  messages: ChatMessage[];
  lastSeq: number;
  lastReadSeq: number;
  otherReadSeq: number;
  unread: number;
  /** Messages may be posted only while an expert holds the escalation. */
  canPost: boolean;
  /** A fresh idempotency key for the no-JavaScript form: a double submit of one render is stored once. */
  clientId: string;
}

export interface PostInput {
  escalationId: number;
  clientId: string;
  body: string;
  kind?: 'message' | 'note';
}

export interface JoinResult {
  side: ChatSide;
  messages: ChatMessage[];
  lastReadSeq: number;
  otherReadSeq: number;
}

export interface ChatLimits {
  /** Messages one sender may post per window (a resend of a stored message does not count). */
  messagesPerWindow: number;
  windowMs: number;
}

export const DEFAULT_CHAT_LIMITS: ChatLimits = { messagesPerWindow: 30, windowMs: 60_000 };

/** The realtime room of one escalation's conversation: the volunteers of its branch who opened it. */
export function chatChannel(escalationId: number): `escalation:${number}` {
  return `escalation:${escalationId}`;
}

/**
 * Messaging inside one escalation (SPEC 4.6): every line gets a gap-free, server-assigned seq; a client's
 * resend (same sender, same client id) is stored once; a message is stored before anyone is told about it.
 * Every method acting for a person asks the one access rule (assertChatSide) before it reads or writes.
 */
export class ChatService {
  /** Recent post times (ms) per sender, for the per-sender rate limit. */
  private readonly recentPosts = new Map<number, number[]>();

  constructor(
    private readonly repo: ChatRepository,
    private readonly notifier: Notifier,
    private readonly clock: Clock,
    private readonly limits: ChatLimits = DEFAULT_CHAT_LIMITS,
  ) {}

  /** The escalation and the person's side of it; 403/404 by the access rule, 404 for an unknown id. */
  private sideOf(actor: Actor, escalationId: number): { row: ChatEscalationRow; side: ChatSide; user: CurrentUser } {
    const row = this.repo.findEscalation(escalationId);
    if (!row) {
      // An unknown id answers like a forbidden one, after the role check, so ids cannot be probed.
      if (!may(actor.user, 'escalations.start') && !may(actor.user, 'escalations.answer')) throw new ForbiddenError();
      throw new NotFoundError();
    }
    const side = assertChatSide(actor.user, row);
    return { row, side, user: actor.user as CurrentUser };
  }

  /** The person's side of this conversation; throws 403/404 like every other method. */
  sideFor(actor: Actor, escalationId: number): ChatSide {
    return this.sideOf(actor, escalationId).side;
  }

  view(actor: Actor, escalationId: number): ChatView {
    const { row, side, user } = this.sideOf(actor, escalationId);
    const messages = this.repo.after(escalationId, 0, side === 'expert');
    const lastReadSeq = this.repo.lastReadOf(escalationId, user.id);
    const unread = this.repo.unreadCounts(user.id, [escalationId], side === 'expert').get(escalationId) ?? 0;
    return {
      escalationId,
      side,
      status: row.status,
      messages,
      lastSeq: row.last_seq,
      lastReadSeq,
      otherReadSeq: this.repo.lastReadOfOtherSide(escalationId, row.expert_id, side === 'volunteer'),
      unread,
      canPost: row.status === 'active',
      clientId: crypto.randomUUID(),
    };
  }

  /**
   * Stores one message (or, for the expert, an internal note) and then announces it. A resend with a
   * client id already stored returns the stored message and announces nothing. Only while active
   * (queued, closed or cancelled → 409); more than the limit per window → 429 with a friendly message.
   */
  post(actor: Actor, input: PostInput): ChatMessage {
    const { row, side, user } = this.sideOf(actor, input.escalationId);
    const kind: ChatKind = input.kind ?? 'message';
    if (kind === 'note' && side !== 'expert') throw new ForbiddenError('chat.errors.notes_expert_only');
    const stored = this.repo.findByClientId(row.id, user.id, input.clientId);
    if (stored) return stored;
    if (row.status !== 'active') throw new ConflictError('chat.errors.not_active');
    this.takeRateSlot(user.id);
    const { message, created } = this.repo.insert({
      escalationId: row.id,
      kind,
      senderId: user.id,
      senderRole: side,
      clientId: input.clientId,
      body: input.body,
      sentAt: this.clock.now().toISOString(),
    });
    if (created) this.announce(row, message);
    return message;
  }

  /** What the person missed: lines with seq > afterSeq, in order (notes only for the expert side). */
  after(actor: Actor, escalationId: number, afterSeq: number): ChatMessage[] {
    const { side } = this.sideOf(actor, escalationId);
    return this.repo.after(escalationId, afterSeq, side === 'expert');
  }

  /** chat:join: the missed lines plus both read markers, in one answer. */
  join(actor: Actor, escalationId: number, afterSeq: number): JoinResult {
    const { row, side, user } = this.sideOf(actor, escalationId);
    return {
      side,
      messages: this.repo.after(escalationId, afterSeq, side === 'expert'),
      lastReadSeq: this.repo.lastReadOf(escalationId, user.id),
      otherReadSeq: this.repo.lastReadOfOtherSide(escalationId, row.expert_id, side === 'volunteer'),
    };
  }

  /** Moves the person's read marker forward (never past the last seq) and tells the other side. */
  markRead(actor: Actor, escalationId: number, seq: number): number {
    const { row, side, user } = this.sideOf(actor, escalationId);
    const marker = this.repo.markRead(escalationId, user.id, Math.min(seq, row.last_seq), this.clock.now().toISOString());
    this.publish(row, 'chat:read', { escalationId, side, seq: marker });
    return marker;
  }

  /** Tells the room that this person is (no longer) typing; nothing is stored. */
  typing(actor: Actor, escalationId: number, typing: boolean): void {
    const { row, side } = this.sideOf(actor, escalationId);
    if (row.status !== 'active') return;
    this.publish(row, 'chat:typing', { escalationId, side, typing });
  }

  /** Unread counts of the person's open conversations (escalation id → count), for the desk and console. */
  unreadCounts(user: CurrentUser): Map<number, number> {
    const isVolunteer = may(user, 'escalations.start');
    const isExpert = may(user, 'escalations.answer');
    if (!isVolunteer && !isExpert) throw new ForbiddenError();
    const volunteerBranches = isVolunteer ? branchIdsFor(user, 'escalations.start') : [];
    const ids = this.repo.openEscalationIds(volunteerBranches, isExpert ? user.id : null);
    return this.repo.unreadCounts(user.id, ids, isExpert);
  }

  /**
   * A line written by the server (accepted, transferred, closed). No person and no policy check: the
   * lifecycle service calls it after its own check. Safe inside the caller's transaction (a savepoint).
   */
  appendSystem(escalationId: number, body: string): ChatMessage {
    const row = this.repo.findEscalation(escalationId);
    if (!row) throw new NotFoundError();
    const { message } = this.repo.insert({
      escalationId,
      kind: 'system',
      senderId: null,
      senderRole: 'system',
      clientId: null,
      body: body.slice(0, 2000),
      sentAt: this.clock.now().toISOString(),
    });
    this.announce(row, message);
    return message;
  }

  /** The contract's other name for appendSystem. */
  system(escalationId: number, body: string): ChatMessage {
    return this.appendSystem(escalationId, body);
  }

  /**
   * The volunteer side listens in the escalation's room; the expert side on the holding expert's own channel,
   * read from the row at the moment of sending, so after a transfer the previous expert hears nothing more
   * (a room joined earlier would outlive the right). Notes never reach the volunteer side.
   */
  private publish(row: ChatEscalationRow, event: string, payload: Record<string, unknown>, volunteers = true): void {
    if (volunteers) this.notifier.publish(chatChannel(row.id), event, payload);
    if (row.expert_id !== null) this.notifier.publish(`user:${row.expert_id}`, event, payload);
  }

  private announce(row: ChatEscalationRow, message: ChatMessage): void {
    this.publish(row, 'chat:message', { ...message }, message.kind !== 'note');
  }

  private takeRateSlot(userId: number): void {
    const now = this.clock.now().getTime();
    const recent = (this.recentPosts.get(userId) ?? []).filter((t) => now - t < this.limits.windowMs);
    if (recent.length >= this.limits.messagesPerWindow) {
      this.recentPosts.set(userId, recent);
      throw new TooManyRequestsError('chat.errors.rate_limited');
    }
    recent.push(now);
    this.recentPosts.set(userId, recent);
  }
}
