import { createTestApp, type TestApp } from '../../../tests/helpers/test-app';
import { FakeClock } from '../../lib/clock';
import { seedDemo } from '../demo/demo.seed';
import { seedAppointmentsDemo } from './appointments.seed';

describe('seedAppointmentsDemo', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp({ clock: new FakeClock('2026-03-02T06:00:00Z') });
  });
  afterEach(() => t.close());

  test('a week of bookings at both demo branches, no mail, and a second run adds nothing', async () => {
    const ctx = await seedDemo(t.deps, () => undefined);
    const lines: string[] = [];
    seedAppointmentsDemo(t.deps, ctx, (m) => lines.push(m));
    const count = (): number => t.db.prepare('SELECT count(*) FROM appointments').pluck().get() as number;
    const first = count();
    expect(first).toBeGreaterThan(20);
    const perBranch = t.db.prepare('SELECT branch_id, count(DISTINCT local_date) AS days FROM appointments GROUP BY branch_id').all() as { branch_id: number; days: number }[];
    expect(perBranch.map((r) => r.branch_id).sort()).toEqual([ctx.branchIds.central, ctx.branchIds.north].sort());
    expect(perBranch.every((r) => r.days >= 3)).toBe(true);
    expect(t.db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(0);
    seedAppointmentsDemo(t.deps, ctx, () => undefined);
    expect(count()).toBe(first);
    expect(lines[0]).toMatch(/demo bookings created/);
  });
});
