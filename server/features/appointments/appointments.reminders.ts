import type { Logger } from '../../lib/logger';
import type { AppointmentsService } from './appointments.service';

/**
 * The reminder scheduler. It keeps no state of its own: what was sent is in the database
 * (appointments.reminder_sent_at), so a restart simply carries on and never sends twice.
 */
export class AppointmentReminderJob {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly appointments: AppointmentsService,
    private readonly logger: Logger,
  ) {}

  /** One pass; returns how many reminders were put in the outbox. */
  runOnce(): number {
    if (this.running) return 0;
    this.running = true;
    try {
      const sent = this.appointments.sendDueReminders();
      if (sent > 0) this.logger.info({ sent }, 'appointment reminders queued');
      return sent;
    } finally {
      this.running = false;
    }
  }

  start(intervalMs = 60_000): void {
    const tick = (): void => {
      try {
        this.runOnce();
      } catch (err) {
        // A failed pass (e.g. the database busy for too long) is retried on the next tick.
        this.logger.error({ err }, 'appointment reminder pass failed');
      }
    };
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
    setImmediate(tick);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
