import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { PeriodicJob } from '../../lib/periodic-job';
import type { AppointmentMail } from './appointment-mail';
import type { Appointment } from './appointments.model';
import type { AppointmentsRepository } from './appointments.repository';
import type { AvailabilityService } from './availability.service';

/** The e-mail reminder's lead time. */
const REMINDER_LEAD_MS = 24 * 3600_000;
/** A booking made less than a day ahead is reminded this long before it starts, on the day itself. */
const SAME_DAY_LEAD_MS = 2 * 3600_000;

/**
 * The reminder e-mail: the day before, or, for a booking made less than a day ahead, two hours before on the
 * day itself (booked less than two hours ahead: the confirmation was the reminder). Each booking is claimed (reminder_sent_at set only if still NULL)
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

  /** Bookings whose reminder is due and not yet sent (first phase of a pass). */
  due(limit = 100): Appointment[] {
    const now = this.clock.now().getTime();
    const iso = (ms: number): string => new Date(ms).toISOString();
    return this.repo.dueReminders(iso(now), iso(now + REMINDER_LEAD_MS), iso(now + SAME_DAY_LEAD_MS), limit);
  }

  /** Claims and sends each (second phase); returns how many reminders were put in the outbox. */
  send(due: readonly Appointment[]): number {
    const nowIso = this.clock.now().toISOString();
    let sent = 0;
    for (const a of due) {
      const ahead = Date.parse(a.startsAt) - Date.parse(a.createdAt);
      // Booked less than two hours ahead: the confirmation was the reminder; the claim just records that.
      const skip = ahead < SAME_DAY_LEAD_MS;
      const kind = ahead >= REMINDER_LEAD_MS ? 'reminder' : 'reminder_today';
      const letter = skip ? null : this.mail.compose(a, this.availability.branch(a.branchId), kind);
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
