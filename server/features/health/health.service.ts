import type { OutboxRepository } from '../../mail/outbox.repository';
import type { HealthRepository } from './health.repository';

export interface HealthReport {
  status: 'ok' | 'error';
  database: 'ok' | 'error';
  /** Messages per outbox status, so monitoring sees mail piling up. */
  outbox: Record<string, number>;
}

/** What /healthz reports: for load balancers and monitoring, no personal data. */
export class HealthService {
  constructor(
    private readonly repo: HealthRepository,
    private readonly outbox: Pick<OutboxRepository, 'countByStatus'>,
  ) {}

  check(): HealthReport {
    if (!this.repo.databaseAnswers()) return { status: 'error', database: 'error', outbox: {} };
    return { status: 'ok', database: 'ok', outbox: this.outbox.countByStatus() };
  }
}
