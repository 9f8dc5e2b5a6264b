import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import { assertActorMay } from '../../policy/policy';
import { NotFoundError } from '../../http/errors';
import type { Notifier } from '../../realtime/notifier';
import type { AuditService } from '../audit/audit.service';
import { announceAppointment, type StatusChangedHook } from './appointment-events';
import type { Appointment } from './appointments.model';
import type { AppointmentsRepository } from './appointments.repository';

/**
 * A visit's progress at the desk: arrived, in progress, done, no-show. Staff need appointments.manage in
 * the booking's branch; another branch's booking is a 404. The kiosk's check-in is the one way in without
 * a signed-in person: the visitor proved the booking code there (see checkInAtKiosk).
 */
export class AppointmentStatusService {
  constructor(
    private readonly repo: AppointmentsRepository,
    private readonly audit: AuditService,
    private readonly notifier: Notifier,
    private readonly clock: Clock,
    private readonly onStatusChanged: StatusChangedHook = () => undefined,
  ) {}

  /** booked → arrived at the desk. False when it was not booked (already arrived, cancelled…). */
  markArrived(actor: Actor, id: number): boolean {
    this.assertStaff(actor, id);
    return this.change(actor, id, 'appointment.arrived', (now) => this.repo.markArrived(id, actor.userId, now));
  }

  /**
   * booked → arrived at the kiosk. No capability: the arrival feature found this booking by the code the
   * visitor typed or scanned at this branch's kiosk, which is the proof (deps.ts wires only the kiosk here).
   */
  checkInAtKiosk(actor: Actor, id: number): boolean {
    return this.change(actor, id, 'appointment.arrived', (now) => this.repo.markArrived(id, null, now));
  }

  markInProgress(actor: Actor, id: number): boolean {
    this.assertStaff(actor, id);
    return this.change(actor, id, 'appointment.in_progress', (now) => this.repo.markInProgress(id, now));
  }

  markDone(actor: Actor, id: number): boolean {
    this.assertStaff(actor, id);
    return this.change(actor, id, 'appointment.done', (now) => this.repo.markDone(id, actor.userId, now));
  }

  markNoShow(actor: Actor, id: number): boolean {
    this.assertStaff(actor, id);
    return this.change(actor, id, 'appointment.no_show', (now) => this.repo.markNoShow(id, actor.userId, now));
  }

  private assertStaff(actor: Actor, id: number): void {
    const a = this.repo.findById(id);
    if (!a) throw new NotFoundError();
    assertActorMay(actor, 'appointments.manage', a.branchId);
  }

  private change(actor: Actor, id: number, action: string, change: (now: string) => boolean): boolean {
    const now = this.clock.now().toISOString();
    const changed = this.repo.transaction((): Appointment | null => {
      const before = this.repo.findById(id);
      if (!before || !change(now)) return null;
      const after = this.repo.findById(id)!;
      this.audit.record(actor, { action, subjectType: 'appointment', subjectId: id, branchId: after.branchId, details: { from: before.status } });
      announceAppointment(this.notifier, after);
      return after;
    });
    // After the commit, so the display's recount sees the new status.
    if (changed) this.onStatusChanged(changed.branchId);
    return changed !== null;
  }
}
