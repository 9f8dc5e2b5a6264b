import type { Logger } from './logger';

/**
 * A pass of scheduled work run every `intervalMs` inside the server process (reminders, purges). It keeps no
 * state of its own: what was done is in the database, so a restart simply carries on. A pass never overlaps
 * itself, and a failed pass (e.g. the database busy for too long) is retried on the next tick.
 */
export class PeriodicJob {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  /** `pass` returns how many things it did (logged when more than none). */
  constructor(
    private readonly name: string,
    private readonly pass: () => number,
    private readonly logger: Logger,
  ) {}

  runOnce(): number {
    if (this.running) return 0;
    this.running = true;
    try {
      const done = this.pass();
      if (done > 0) this.logger.info({ done }, `${this.name}: pass done`);
      return done;
    } finally {
      this.running = false;
    }
  }

  start(intervalMs: number): void {
    const tick = (): void => {
      try {
        this.runOnce();
      } catch (err) {
        this.logger.error({ err }, `${this.name}: pass failed`);
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
