import { NotFoundError } from '../../http/errors';
import { assertMay, may, type CurrentUser } from '../../policy/policy';

/** What the access rule needs to know about one escalation. */
export interface EscalationAccessRow {
  branch_id: number;
  status: 'queued' | 'active' | 'closed' | 'cancelled';
  expert_id: number | null;
}

/**
 * Which side of an escalation's chat a person is on, or null when they may not see its conversation.
 * - 'volunteer': staff who may escalate in the escalation's branch (the desk is shared: any volunteer of
 *   that branch may follow, read and post, also after a colleague started it; they read closed transcripts);
 * - 'expert': the expert the escalation is assigned to (after accept or transfer).
 * Other experts see a queued escalation's category and description in the queue, never its messages.
 * This is the one rule for HTTP routes and socket events alike; callers ask it through `assertChatSide`.
 */
export function chatSide(user: CurrentUser | null | undefined, row: EscalationAccessRow): 'volunteer' | 'expert' | null {
  if (!user) return null;
  if (may(user, 'escalations.start', row.branch_id)) return 'volunteer';
  if (may(user, 'escalations.answer') && row.expert_id === user.id) return 'expert';
  return null;
}

/**
 * Throws unless the person is on a side of this chat: a role without either escalation capability gets 403;
 * staff of another branch, or an expert who does not hold the escalation, get 404 (ids cannot be probed).
 */
export function assertChatSide(user: CurrentUser | null | undefined, row: EscalationAccessRow): 'volunteer' | 'expert' {
  const side = chatSide(user, row);
  if (side) return side;
  if (user && may(user, 'escalations.answer')) throw new NotFoundError();
  assertMay(user, 'escalations.start', row.branch_id);
  throw new NotFoundError();
}
