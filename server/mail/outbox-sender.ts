import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { OutboxRepository } from './outbox.repository';
import type { MailTransport } from './transport';

const MAX_ATTEMPTS = 20;
const BASE_DELAY_MS = 30_000;
const MAX_DELAY_MS = 6 * 3600_000;

/** 30 s, 1 min, 2 min … capped at 6 hours: about four days of trying before a message is marked failed. */
export function backoffDelay(attempts: number): number {
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
}

/**
 * Delivers due outbox messages one at a time. A message is claimed (pending → sending) before it is
 * handed to SMTP and marked sent right after, so a message that was sent is never picked up again.
 */
export class OutboxSender {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly transport: MailTransport,
    private readonly clock: Clock,
    private readonly from: string,
    private readonly logger: Logger,
  ) {}

  /** Sends everything due now; returns how many were delivered. Concurrent calls share one run. */
  runOnce(): Promise<number> {
    if (this.stopped) return Promise.resolve(0);
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.deliverDue().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        void this.runOnce();
      }
    });
    return this.running;
  }

  private async deliverDue(): Promise<number> {
    let delivered = 0;
    for (const message of this.outbox.findDue(this.clock.now().toISOString(), 50)) {
      if (!this.outbox.claim(message.id)) continue;
      try {
        await this.transport.send(message, this.from);
        this.outbox.markSent(message.id, this.clock.now().toISOString());
        delivered++;
      } catch (err) {
        const attempts = message.attempts + 1;
        const next = new Date(this.clock.now().getTime() + backoffDelay(attempts)).toISOString();
        // SMTP errors often quote the recipient; logs and the outbox page must not carry addresses.
        const error = (err instanceof Error ? err.message : String(err)).replace(/[^\s<>@]+@[^\s<>@]+/g, '[address]');
        this.outbox.markRetry(message.id, next, error, attempts >= MAX_ATTEMPTS);
        this.logger.warn({ outboxId: message.id, attempts, error }, 'mail delivery failed; will retry');
      }
    }
    return delivered;
  }

  /** Asks for a run soon (after the current transaction has committed). */
  kick = (): void => {
    setImmediate(() => void this.runOnce());
  };

  start(intervalMs = 15_000): void {
    this.outbox.releaseInterrupted();
    this.timer = setInterval(() => void this.runOnce(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    this.transport.close();
  }
}
