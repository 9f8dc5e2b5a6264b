import type { Notifier } from '../../realtime/notifier';
import type { Appointment } from './appointments.model';

/** Tells the branch's desk screens a booking changed; they reload the row themselves, so no personal data travels. */
export function announceAppointment(notifier: Notifier, a: Appointment): void {
  notifier.publish(`branch:${a.branchId}`, 'appointment.updated', { id: a.id, status: a.status, localDate: a.localDate, localTime: a.localTime });
}

/**
 * Called after a status change has been committed (arrived, in progress, done, no-show, cancelled), so the
 * branch's public queue display can recount who is waiting. A callback rather than the QueueService itself,
 * because the queue already depends on the appointments feature (deps.ts wires it to queue.announceDisplay).
 */
export type StatusChangedHook = (branchId: number) => void;

/**
 * Called after a commit that gave a desk back (a cancellation, a booking moved away), so the waitlist can
 * offer the freed time to the first matching person. A callback for the same reason as above: the waitlist
 * depends on this feature, not the other way round. It must not throw (the citizen's cancel has succeeded).
 */
export type SlotFreedHook = (branchId: number) => void;
