import type { SocketFeature } from '../../realtime/attach';
import { onStaffEvent } from '../../realtime/attach';
import type { QueueService } from './queue.service';
import { socketCallSchema } from './queue.schema';

/**
 * 'queue.call' { kind, id, desk }: the desk's call button without a page load. The same service call and
 * the same permission check as the form (QueueService.assertDeskAccess): a volunteer of another branch
 * gets { ok: false, error: 'forbidden' } and nothing changes.
 */
export function queueSocketFeature(queue: QueueService): SocketFeature {
  return (_io, socket, deps) => {
    onStaffEvent(socket, deps, 'queue.call', (user, payload) => {
      const parsed = socketCallSchema.safeParse(payload);
      if (!parsed.success) return { ok: false, error: 'bad_request' };
      const actor = { userId: user.id, label: user.email, ip: socket.handshake.address ?? null };
      const { kind, id, desk } = parsed.data;
      const result = kind === 'walkin' ? queue.callWalkin(actor, user, id, desk) : queue.callAppointment(actor, user, id, desk);
      return result.ok ? { ok: true } : { ok: false, error: 'conflict' };
    });
  };
}
