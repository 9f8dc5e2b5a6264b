import type { SocketFeature } from '../../realtime/attach';
import { onStaffEvent } from '../../realtime/attach';
import type { QueueService } from './queue.service';
import { socketCallSchema } from './queue.schema';

/**
 * 'queue.call' { kind, id, desk }: the desk's call button without a page load. Registered with
 * 'queue.operate', so experts and admins get { ok: false, error: 'forbidden' } before anything is read;
 * the service asks the policy again with the record's branch, so a volunteer of another branch gets
 * { ok: false, error: 'not_found' } (as the form gets 404) and nothing changes.
 */
export function queueSocketFeature(queue: QueueService): SocketFeature {
  return (_io, socket, deps) => {
    onStaffEvent(socket, deps, 'queue.call', 'queue.operate', (_user, payload, actor) => {
      const parsed = socketCallSchema.safeParse(payload);
      if (!parsed.success) return { ok: false, error: 'bad_request' };
      const { kind, id, desk } = parsed.data;
      const result = kind === 'walkin' ? queue.callWalkin(actor, id, desk) : queue.callAppointment(actor, id, desk);
      return result.ok ? { ok: true } : { ok: false, error: 'conflict' };
    });
  };
}
