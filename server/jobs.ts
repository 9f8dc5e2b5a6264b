import type { Deps } from './deps';
import { AppointmentReminderJob } from './features/appointments/appointments.reminders';
import { LoanReminderJob } from './features/loans/loans.reminders';
import { PurgeJob } from './features/privacy/purge.job';
import { MonthlyStatsReportJob } from './features/stats/stats.monthly-report';
import { WaitlistOfferJob } from './features/waitlist/waitlist.offer-job';

/**
 * Background work inside the server process: the outbox sender and periodic housekeeping.
 * Each feature with scheduled work (reminders, purge) adds its start call here.
 * Returns a function that stops everything and waits for running work.
 */
export function startBackgroundJobs(deps: Deps): () => Promise<void> {
  deps.outboxSender.start();
  const reminders = new AppointmentReminderJob(deps.reminders, deps.logger);
  reminders.start();
  const loanReminders = new LoanReminderJob(deps.loanReminders, deps.logger);
  loanReminders.start();
  const purge = new PurgeJob(deps.purge, deps.logger);
  purge.start();
  const statsReports = new MonthlyStatsReportJob(deps.monthlyStatsReports, deps.logger);
  statsReports.start();
  const waitlistOffers = new WaitlistOfferJob(deps.waitlist, deps.logger);
  waitlistOffers.start();
  const housekeeping = setInterval(() => {
    deps.sessionStore.purgeExpired();
  }, 10 * 60_000);
  housekeeping.unref();
  return async () => {
    clearInterval(housekeeping);
    reminders.stop();
    loanReminders.stop();
    purge.stop();
    waitlistOffers.stop();
    await statsReports.stopAndWait();
    await deps.outboxSender.stop();
  };
}
