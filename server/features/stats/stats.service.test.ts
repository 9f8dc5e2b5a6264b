import { ForbiddenError, NotFoundError } from '../../http/errors';
import { SYSTEM_ACTOR, type Actor } from '../../lib/actor';
import type { CurrentUser } from '../../policy/policy';
import { createBranch, createTestApp, type TestApp } from '../../../tests/helpers/test-app';
import { seedStatsFixtures } from '../../../tests/helpers/stats-fixtures';

const actor = (user: CurrentUser): Actor => ({ userId: user.id, label: user.email, ip: null, user });
const person = (role: CurrentUser['role'], branchIds: number[]): CurrentUser => ({ id: 99, email: `${role}@x.nl`, name: role, role, branchIds, mustChangePassword: false });

describe('StatsService.report', () => {
  let t: TestApp;
  let ids: { A: number; B: number; C: number };
  beforeAll(() => {
    t = createTestApp();
    ids = { A: createBranch(t.deps), B: createBranch(t.deps), C: createBranch(t.deps) };
    seedStatsFixtures(t.db, ids);
  });
  afterAll(() => t.close());
  const q3 = (branchId: number | null) => ({ from: '2026-07', to: '2026-09', branchId });

  it('gives every section in order, with the scope the policy allows', () => {
    const report = t.deps.stats.report(actor(person('coordinator', [ids.A, ids.B])), q3(null), 'en');
    expect(report.sections.map((s) => s.id)).toEqual(['questions', 'appointments', 'walkins', 'loans', 'escalations', 'survey']);
    expect(report.scope).toEqual({
      fromDate: '2026-07-01', toDate: '2026-09-30', previousFromDate: '2026-04-01', previousToDate: '2026-06-30', branchIds: [ids.A, ids.B], today: '2026-03-02',
    });
    expect(report.lang).toBe('en');
    expect(report.sections[0]!.title).toBe('Questions');
    // Category labels and partner names are marked as typed by people, for the exports to neutralise.
    const byPartner = report.sections[0]!.tables.find((tb) => tb.id === 'questions-partner')!;
    expect(byPartner.columns[0]).toMatchObject({ key: 'label', kind: 'text', userText: true });
  });

  it('admins and the system read every branch; others only theirs', () => {
    expect(t.deps.stats.report(actor(person('admin', [])), q3(null), 'nl').scope.branchIds).toEqual([ids.A, ids.B, ids.C]);
    expect(t.deps.stats.report(SYSTEM_ACTOR, q3(null), 'nl').scope.branchIds).toEqual([ids.A, ids.B, ids.C]);
    expect(() => t.deps.stats.report(actor(person('coordinator', [ids.A])), q3(ids.B), 'nl')).toThrow(NotFoundError);
    expect(() => t.deps.stats.report(actor(person('admin', [])), q3(424242), 'nl')).toThrow(NotFoundError);
    expect(() => t.deps.stats.report(actor(person('volunteer', [ids.A])), q3(ids.A), 'nl')).toThrow(ForbiddenError);
    expect(() => t.deps.stats.report(actor(person('expert', [])), q3(null), 'nl')).toThrow(ForbiddenError);
    expect(() => t.deps.stats.report({ userId: null, label: 'citizen', ip: null }, q3(null), 'nl')).toThrow(ForbiddenError);
  });
});
