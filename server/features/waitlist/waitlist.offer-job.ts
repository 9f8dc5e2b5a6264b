import type { Logger } from '../../lib/logger';
import { PeriodicJob } from '../../lib/periodic-job';
import type { WaitlistService } from './waitlist.service';

/**
 * Every minute: offers that were not taken in time pass to the next matching person, and times that became
 * free without a cancellation (a coordinator added a desk or opening hours) are offered. The state is in the
 * database (offer status and expiry, read against the app clock), so a restart simply carries on.
 */
export class WaitlistOfferJob extends PeriodicJob {
  constructor(waitlist: Pick<WaitlistService, 'runPass'>, logger: Logger) {
    super('waitlist offers', () => waitlist.runPass(), logger);
  }

  override start(intervalMs = 60_000): void {
    super.start(intervalMs);
  }
}
