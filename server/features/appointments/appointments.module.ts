import type { Db } from '../../db/open';
import type { Clock } from '../../lib/clock';
import type { Translations } from '../../lib/i18n';
import type { Mailer } from '../../mail/mailer';
import type { Notifier } from '../../realtime/notifier';
import type { AuditService } from '../audit/audit.service';
import type { BranchesService } from '../branches/branches.service';
import type { SlotFreedHook, StatusChangedHook } from './appointment-events';
import { AppointmentMail } from './appointment-mail';
import { AppointmentsRepository } from './appointments.repository';
import { AppointmentsService } from './appointments.service';
import { AppointmentStatusService } from './appointments.status';
import { AppointmentReminders } from './appointments.reminders';
import { AvailabilityService, type SlotHolds } from './availability.service';
import { BookingService } from './booking.service';
import { ManageTokens } from './manage-token';

/** The appointments feature's services, one job each; deps.ts puts them in Deps under these names. */
export interface AppointmentsFeature {
  /** Staff lists and lookups. */
  appointments: AppointmentsService;
  /** Arrived, in progress, done, no-show. */
  appointmentStatus: AppointmentStatusService;
  /** Book, move and cancel (citizen and staff). */
  booking: BookingService;
  /** Free times. */
  availability: AvailabilityService;
  /** E-mail and calendar composition. */
  appointmentMail: AppointmentMail;
  /** The reminder the day before. */
  reminders: AppointmentReminders;
}

export interface AppointmentsWiring {
  db: Db;
  branches: BranchesService;
  mailer: Mailer;
  audit: AuditService;
  notifier: Notifier;
  clock: Clock;
  translations: Translations;
  baseUrl: string;
  mailFrom: string;
  /** Secret used to derive manage tokens; never stored in the database. */
  tokenSecret: string;
  onStatusChanged: StatusChangedHook;
  /** Open waitlist offers hold their slot (the waitlist feature's repository). */
  holds?: SlotHolds;
  onSlotFreed?: SlotFreedHook;
}

export function buildAppointmentsFeature(w: AppointmentsWiring): AppointmentsFeature {
  const repo = new AppointmentsRepository(w.db);
  const tokens = new ManageTokens(w.tokenSecret, w.baseUrl);
  const availability = new AvailabilityService(repo, w.branches, w.clock, w.holds);
  const appointmentMail = new AppointmentMail(w.mailer, tokens, w.translations, w.clock, { baseUrl: w.baseUrl, mailFrom: w.mailFrom });
  return {
    appointments: new AppointmentsService(repo, w.audit),
    appointmentStatus: new AppointmentStatusService(repo, w.audit, w.notifier, w.clock, w.onStatusChanged),
    booking: new BookingService(repo, availability, appointmentMail, tokens, w.audit, w.notifier, w.clock, w.onStatusChanged, w.onSlotFreed),
    availability,
    appointmentMail,
    reminders: new AppointmentReminders(repo, availability, appointmentMail, w.clock),
  };
}
