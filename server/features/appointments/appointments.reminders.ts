import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { PeriodicJob } from '../../lib/periodic-job';
import type { AppointmentMail } from './appointment-mail';
import type { Appointment } from './appointments.model';
import type { AppointmentsRepository } from './appointments.repository';
import type { AvailabilityService } from './availability.service';

/** The e-mail reminder's lead time. */
const REMINDER_LEAD_MS = 24 * 3600_000;

/**
 * The reminder e-mail the day before. Each booking is claimed (reminder_sent_at set only if still NULL)
 * in the same transaction as its e-mail is put in the outbox, so two schedulers (two processes on one
 * database file during a deploy), or a restart halfway, never send one twice.
 */
export class AppointmentReminders {
  /** Passes completed since start, and when the last one ended: lets tests and health checks see the job runs. */
  passes = 0;
  lastPassAt: string | null = null;

  constructor(
    private readonly repo: AppointmentsRepository,
    private readonly availability: AvailabilityService,
    private readonly mail: AppointmentMail,
    private readonly clock: Clock,
  ) {}

  /** Bookings that start within the next 24 hours and have not had their reminder (first phase of a pass). */
  due(limit = 100): Appointment[] {
    const now = this.clock.now();
    return this.repo.dueReminders(now.toISOString(), new Date(now.getTime() + REMINDER_LEAD_MS).toISOString(), limit);
  }

  /** Claims and sends each (second phase); returns how many reminders were put in the outbox. */
  send(due: readonly Appointment[]): number {
    const nowIso = this.clock.now().toISOString();
    let sent = 0;
    for (const a of due) {
      // Booked less than a day ahead: the confirmation was the reminder; the claim just records that.
      const skip = Date.parse(a.createdAt) > Date.parse(a.startsAt) - REMINDER_LEAD_MS;
      const letter = skip ? null : this.mail.compose(a, this.availability.branch(a.branchId), 'reminder');
      const done = this.repo.immediate(() => {
        if (!this.repo.claimReminder(a.id, nowIso)) return false;
        this.mail.post(letter, a.id);
        return !skip;
      });
      if (done) sent++;
    }
    return sent;
  }

  sendDueReminders(limit = 100): number {
    const sent = this.send(this.due(limit));
    this.passes++;
    this.lastPassAt = this.clock.now().toISOString();
    return sent;
  }
}

/**
 * The reminder scheduler. What was sent is in the database (appointments.reminder_sent_at), so a restart
 * simply carries on and never sends twice.
 */
export class AppointmentReminderJob extends PeriodicJob {
  constructor(reminders: Pick<AppointmentReminders, 'sendDueReminders'>, logger: Logger) {
    super('appointment reminders', () => reminders.sendDueReminders(), logger);
  }

  override start(intervalMs = 60_000): void {
    super.start(intervalMs);
  }
}
