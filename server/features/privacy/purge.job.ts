import type { Logger } from '../../lib/logger';
import { PeriodicJob } from '../../lib/periodic-job';
import { purgedTotal, type PurgeService } from './purge.service';

const HOUR_MS = 3600_000;

/** The retention purge inside the server, once an hour (and once at start). `npm run purge` runs the same pass. */
export class PurgeJob {
  private readonly job: PeriodicJob;

  constructor(purge: PurgeService, logger: Logger) {
    this.job = new PeriodicJob('retention purge', () => purgedTotal(purge.run()), logger);
  }

  start(): void {
    this.job.start(HOUR_MS);
  }

  stop(): void {
    this.job.stop();
  }
}
