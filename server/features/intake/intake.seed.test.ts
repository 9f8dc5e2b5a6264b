import { createTestApp, createBranch, createUser, type TestApp } from '../../../tests/helpers/test-app';
import { seedIntakeDemo } from './intake.seed';

describe('intake demo seed', () => {
  let t: TestApp;
  afterEach(() => t.close());

  test('registers about a week of questions at both branches, and does not double them when run again', async () => {
    t = createTestApp();
    t.clock.set('2026-03-06T15:00:00Z'); // a Friday afternoon
    const central = createBranch(t.deps);
    const north = createBranch(t.deps);
    const volunteer = await createUser(t.deps, 'volunteer', [central]);
    const coordinator = await createUser(t.deps, 'coordinator', [central, north]);
    const log: string[] = [];
    seedIntakeDemo(t.deps, { branchIds: { central, north }, userIds: { volunteer, coordinator } }, (m) => log.push(m));
    const perBranch = (id: number): number => t.db.prepare('SELECT count(*) FROM questions WHERE branch_id = ?').pluck().get(id) as number;
    // Mon–Fri 09:00–17:00 over the week before and today until 16:00: dozens of questions, not thousands.
    expect(perBranch(central)).toBeGreaterThan(40);
    expect(perBranch(central)).toBeLessThan(200);
    expect(perBranch(north)).toBeGreaterThan(20);
    const days = t.db.prepare('SELECT count(DISTINCT local_date) FROM questions').pluck().get() as number;
    expect(days).toBeGreaterThanOrEqual(5);
    // Nothing in the future, only the volunteer at central, every referral points at a partner.
    expect(t.db.prepare("SELECT count(*) FROM questions WHERE created_at > '2026-03-06T15:00:00Z'").pluck().get()).toBe(0);
    expect(t.db.prepare('SELECT DISTINCT created_by FROM questions WHERE branch_id = ?').pluck().all(central)).toEqual([volunteer]);
    const referred = t.db.prepare("SELECT count(*) FROM questions q JOIN taxonomy o ON o.id = q.outcome_id WHERE o.key = 'referred' AND q.partner_id IS NULL").pluck().get();
    expect(referred).toBe(0);
    expect(t.db.prepare('SELECT count(*) FROM questions WHERE local_month <> substr(local_date, 1, 7)').pluck().get()).toBe(0);

    const before = perBranch(central) + perBranch(north);
    seedIntakeDemo(t.deps, { branchIds: { central, north }, userIds: { volunteer, coordinator } }, (m) => log.push(m));
    expect(perBranch(central) + perBranch(north)).toBe(before);
    expect(log.filter((l) => l.includes('skipped'))).toHaveLength(2);
  });
});
