import type { Actor } from '../../lib/actor';
import { assertActorMay } from '../../policy/policy';
import { NotFoundError } from '../../http/errors';
import type { AuditService } from '../audit/audit.service';
import type { Appointment } from './appointments.model';
import type { AppointmentsRepository } from './appointments.repository';
import { normaliseCode } from './manage-token';

/**
 * The staff's view of a branch's bookings: lists, the printable day list, one booking. Names and contact
 * details are in every answer, so each method asks the policy (appointments.manage in that branch) itself;
 * another branch's booking is a 404, like one that does not exist.
 */
export class AppointmentsService {
  constructor(
    private readonly repo: AppointmentsRepository,
    private readonly audit: AuditService,
  ) {}

  /** One booking for staff, without recording a view (for a status change or a form). */
  findForStaff(actor: Actor, id: number): Appointment {
    const a = this.repo.findById(id);
    if (!a) throw new NotFoundError();
    assertActorMay(actor, 'appointments.manage', a.branchId);
    return a;
  }

  /** Staff opening one booking: the view of personal data is audited (one action for every look, as for borrowers). */
  viewForStaff(actor: Actor, id: number): Appointment {
    const a = this.findForStaff(actor, id);
    this.audit.record(actor, { action: 'personal_data.viewed', subjectType: 'appointment', subjectId: id, branchId: a.branchId });
    return a;
  }

  listDay(actor: Actor, branchId: number, date: string): Appointment[] {
    assertActorMay(actor, 'appointments.manage', branchId);
    return this.repo.listDay(branchId, date);
  }

  listBetween(actor: Actor, branchId: number, fromDate: string, toDate: string): Appointment[] {
    assertActorMay(actor, 'appointments.manage', branchId);
    return this.repo.listBetween(branchId, fromDate, toDate);
  }

  countsByStatus(actor: Actor, branchId: number, date: string): Record<string, number> {
    assertActorMay(actor, 'appointments.manage', branchId);
    return this.repo.countsByStatus(branchId, date);
  }

  /** The printable day list shows phone numbers: audited as one view of each booking on it. */
  dayListForPrint(actor: Actor, branchId: number, date: string): Appointment[] {
    const list = this.listDay(actor, branchId, date);
    this.audit.record(actor, {
      action: 'appointment.day_list_viewed',
      subjectType: 'branch',
      subjectId: branchId,
      branchId,
      details: { date, appointmentIds: list.map((a) => a.id) },
    });
    return list;
  }

  /**
   * The reminder call list: a day's bookings that have a phone number and no e-mail, so no reminder e-mail
   * reaches them; staff ring them the day before. Phone numbers on paper: audited like the day list.
   */
  reminderCallList(actor: Actor, branchId: number, date: string): Appointment[] {
    const list = this.listDay(actor, branchId, date).filter((a) => a.status === 'booked' && a.phone && !a.email);
    this.audit.record(actor, {
      action: 'appointment.call_list_viewed',
      subjectType: 'branch',
      subjectId: branchId,
      branchId,
      details: { date, appointmentIds: list.map((a) => a.id) },
    });
    return list;
  }

  // ---- Lookups for other services, which ask the policy themselves before they use the answer (the queue
  // asks desk.use for the booking's branch; the kiosk has the code). Never call these from a route.

  findById(id: number): Appointment | null {
    return this.repo.findById(id);
  }

  /** For the kiosk: a code typed in any case, with spaces or dashes. */
  findByCode(code: string): Appointment | null {
    const clean = normaliseCode(code);
    return clean ? this.repo.findByCode(clean) : null;
  }

  /** A branch's bookings of one day for the desk queue and the public display count (no personal data leaves it). */
  dayOfBranch(branchId: number, date: string): Appointment[] {
    return this.repo.listDay(branchId, date);
  }
}
