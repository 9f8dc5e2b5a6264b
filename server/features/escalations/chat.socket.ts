import type { SocketFeature } from '../../realtime/attach';
import { onStaffEvent } from '../../realtime/attach';
import type { ChatService } from './chat.service';
import { chatChannel } from './chat.service';
import { socketJoinSchema, socketReadSchema, socketSendSchema, socketTypingSchema } from './chat.schema';

/**
 * The chat's client→server events (chat contract). All are registered with 'escalations.chat', so admins
 * are refused before anything is read; each handler's service call asks the access rule for that one
 * escalation (another branch's volunteer, or an expert who does not hold it: { ok: false, error: 'not_found' }).
 */
export function chatSocketFeature(chat: ChatService): SocketFeature {
  return (_io, socket, deps) => {
    // chat:join { escalationId, afterSeq }: the lines missed since afterSeq, exactly once and in order, then
    // live lines through the room (volunteers) or the expert's own channel. Joining happens after the read, and the client dedupes by seq, so a line
    // stored between the two arrives at most twice on the wire and is shown once.
    onStaffEvent(socket, deps, 'chat:join', 'escalations.chat', async (_user, payload, actor) => {
      const parsed = socketJoinSchema.safeParse(payload);
      if (!parsed.success) return { ok: false, error: 'bad_request' };
      const { escalationId, afterSeq } = parsed.data;
      // The expert side hears the conversation on its own user channel (see ChatService.publish).
      if (chat.sideFor(actor, escalationId) === 'volunteer') await socket.join(chatChannel(escalationId));
      const result = chat.join(actor, escalationId, afterSeq);
      return { ok: true, ...result };
    });
    onStaffEvent(socket, deps, 'chat:send', 'escalations.chat', (_user, payload, actor) => {
      const parsed = socketSendSchema.safeParse(payload);
      if (!parsed.success) return { ok: false, error: 'bad_request' };
      return { ok: true, message: chat.post(actor, parsed.data) };
    });
    onStaffEvent(socket, deps, 'chat:typing', 'escalations.chat', (_user, payload, actor) => {
      const parsed = socketTypingSchema.safeParse(payload);
      if (!parsed.success) return { ok: false, error: 'bad_request' };
      chat.typing(actor, parsed.data.escalationId, parsed.data.typing);
      return { ok: true };
    });
    onStaffEvent(socket, deps, 'chat:read', 'escalations.chat', (_user, payload, actor) => {
      const parsed = socketReadSchema.safeParse(payload);
      if (!parsed.success) return { ok: false, error: 'bad_request' };
      return { ok: true, seq: chat.markRead(actor, parsed.data.escalationId, parsed.data.seq) };
    });
  };
}
