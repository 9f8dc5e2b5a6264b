import type { SocketFeature } from '../../realtime/attach';
import { onStaffEvent } from '../../realtime/attach';
import type { EscalationsService, PresenceStatus } from './escalations.service';
import { socketPresenceSchema } from './escalations.schema';

/**
 * 'escalations:presence' { status? }: the expert console sets available / away / offline without a page
 * load, and (without a status) reports activity so 'available' does not turn 'away'. Registered with
 * 'escalations.answer': anyone else gets { ok: false, error: 'forbidden' } before anything is read.
 * The ack carries the queue counts, so the console's title is right after a reconnect.
 */
export function escalationsSocketFeature(escalations: EscalationsService): SocketFeature {
  return (_io, socket, deps) => {
    onStaffEvent(socket, deps, 'escalations:presence', 'escalations.answer', (_user, payload, actor) => {
      const parsed = socketPresenceSchema.safeParse(payload);
      if (!parsed.success) return { ok: false, error: 'bad_request' };
      if (parsed.data.status) escalations.setPresence(actor, parsed.data.status as PresenceStatus);
      else escalations.touch(actor);
      return { ok: true, ...escalations.queueCounts() };
    });
  };
}
