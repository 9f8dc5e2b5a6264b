import { createTestApp, createBranch, type TestApp } from '../../../tests/helpers/test-app';
import { SYSTEM_ACTOR } from '../../lib/actor';
import { FakeClock } from '../../lib/clock';

describe('AvailabilityService.nextFreeDays', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp({ clock: new FakeClock('2026-03-02T07:00:00Z') });
  });
  afterEach(() => t.close());

  test('finds the wanted days and where the next page starts, also when they lie weeks apart', () => {
    const branch = createBranch(t.deps, { horizonDays: 60 });
    // Open on Wednesdays only: three free days need three weeks, the next page a fourth.
    t.deps.branches.replaceOpeningHours(SYSTEM_ACTOR, branch, [{ weekday: 3, opens: '10:00', closes: '11:00' }]);
    const { days, nextFrom } = t.deps.availability.nextFreeDays(branch, '2026-03-02', 3);
    expect(days.map((d) => d.date)).toEqual(['2026-03-04', '2026-03-11', '2026-03-18']);
    expect(nextFrom).toBe('2026-03-25');
  });

  test('no next page when the search window holds no more free days', () => {
    const branch = createBranch(t.deps, { horizonDays: 60 });
    t.deps.branches.replaceOpeningHours(SYSTEM_ACTOR, branch, [{ weekday: 3, opens: '10:00', closes: '11:00' }]);
    const { days, nextFrom } = t.deps.availability.nextFreeDays(branch, '2026-03-02', 3, 20);
    expect(days.map((d) => d.date)).toEqual(['2026-03-04', '2026-03-11', '2026-03-18']);
    expect(nextFrom).toBeNull();
  });
});
