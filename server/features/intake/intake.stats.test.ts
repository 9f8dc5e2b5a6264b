import { createTestApp, createBranch, createUser, type TestApp } from '../../../tests/helpers/test-app';
import type { CurrentUser } from '../../http/auth';
import type { QuestionFields } from './intake.service';
import { SYSTEM_ACTOR } from '../../lib/actor';

describe('intake: statistics-ready counts for a month', () => {
  let t: TestApp;
  let central: number;
  let north: number;
  let user: CurrentUser;
  const tax = (): ReturnType<TestApp['deps']['categories']['taxonomy']> => t.deps.categories.taxonomy();
  const id = (kind: Parameters<ReturnType<TestApp['deps']['categories']['taxonomy']>['byKey']>[0], key: string, parent: number | null = null): number =>
    tax().byKey(kind, key, parent)!.id;

  const question = (org: string, topic: string | null, outcome: string, duration: string): QuestionFields => {
    const orgId = id('organisation', org);
    return {
      typeId: id('question_type', 'digital_government'),
      organisationId: orgId,
      topicId: topic ? id('topic', topic, orgId) : null,
      lifeEventId: null,
      helpId: id('help', 'together'),
      partnerId: null,
      durationId: id('duration', duration),
      outcomeId: id('outcome', outcome),
      note: '',
    };
  };
  const visitAt = (at: string, branchId: number, channel: string, questions: QuestionFields[]): void => {
    t.clock.set(at);
    const first = t.deps.intake.register(user, { branchId, channelId: id('channel', channel), appointmentId: null, walkinId: null }, questions[0]);
    for (const q of questions.slice(1)) t.deps.intake.register(user, { visitId: first.visitId }, q);
  };

  beforeEach(async () => {
    t = createTestApp();
    central = createBranch(t.deps);
    north = createBranch(t.deps);
    const userId = await createUser(t.deps, 'volunteer', [central, north]);
    user = t.deps.auth.currentUser(userId)!;
    // March 2026 at central: 4 visits, 6 questions. The local day decides the month: 31 March 23:30 in
    // Amsterdam (21:30 UTC, summer time) is March; 31 March 22:30 UTC is 1 April there.
    visitAt('2026-03-02T09:00:00Z', central, 'desk', [question('digid', 'activeren', 'solved', 'm5_15'), question('digid', 'app', 'solved', 'm15_30')]);
    visitAt('2026-03-10T13:00:00Z', central, 'appointment', [question('belastingdienst', 'aangifte', 'partly', 'm30_60')]);
    visitAt('2026-03-17T10:00:00Z', central, 'phone', [question('digid', 'activeren', 'escalated', 'm5_15'), question('uwv', null, 'solved', 'lt5')]);
    visitAt('2026-03-31T21:30:00Z', central, 'desk', [question('toeslagen', 'wijzigen', 'solved', 'm15_30')]);
    // Outside the month or branch: must not be counted.
    visitAt('2026-02-28T12:00:00Z', central, 'desk', [question('digid', 'activeren', 'solved', 'm5_15')]);
    visitAt('2026-03-31T22:30:00Z', central, 'desk', [question('digid', 'activeren', 'solved', 'm5_15')]);
    visitAt('2026-03-05T10:00:00Z', north, 'desk', [question('digid', 'activeren', 'solved', 'm5_15')]);
  });
  afterEach(() => t.close());

  /** Counts keyed by the stable key, as an export would show them. */
  const asMap = (rows: { id: number | null; count: number }[]): Record<string, number> =>
    Object.fromEntries(rows.map((r) => [r.id === null ? '(none)' : tax().get(r.id)!.key, r.count]));

  test('totals, and counts by organisation, topic, outcome, duration, channel and type', () => {
    const month = '2026-03';
    expect(t.deps.intake.totals([central], month)).toEqual({ questions: 6, visits: 4 });
    expect(asMap(t.deps.intake.countBy('organisation', [central], month))).toEqual({ digid: 3, belastingdienst: 1, uwv: 1, toeslagen: 1 });
    expect(asMap(t.deps.intake.countBy('topic', [central], month))).toEqual({ activeren: 2, app: 1, aangifte: 1, wijzigen: 1, '(none)': 1 });
    expect(asMap(t.deps.intake.countBy('outcome', [central], month))).toEqual({ solved: 4, partly: 1, escalated: 1 });
    expect(asMap(t.deps.intake.countBy('duration', [central], month))).toEqual({ m5_15: 2, m15_30: 2, m30_60: 1, lt5: 1 });
    expect(asMap(t.deps.intake.countBy('channel', [central], month))).toEqual({ desk: 3, appointment: 1, phone: 2 });
    expect(asMap(t.deps.intake.countBy('type', [central], month))).toEqual({ digital_government: 6 });
    // Largest first, so a table reads top-down.
    expect(t.deps.intake.countBy('organisation', [central], month)[0]).toEqual({ id: id('organisation', 'digid'), count: 3 });
  });

  test('several branches together, other months, and an empty month', () => {
    expect(t.deps.intake.totals([central, north], '2026-03')).toEqual({ questions: 7, visits: 5 });
    expect(t.deps.intake.totals([central], '2026-02')).toEqual({ questions: 1, visits: 1 });
    expect(t.deps.intake.totals([central], '2026-04')).toEqual({ questions: 1, visits: 1 });
    expect(t.deps.intake.countBy('organisation', [north], '2026-01')).toEqual([]);
  });

  test('a retired or renamed category stays in the counts under its stable key', () => {
    const digid = id('organisation', 'digid');
    t.deps.categories.setRetired(SYSTEM_ACTOR, digid, true);
    t.deps.categories.rename(SYSTEM_ACTOR, digid, 'DigiD (oud)', 'DigiD (old)');
    const rows = t.deps.intake.countBy('organisation', [central], '2026-03');
    expect(rows.find((r) => r.id === digid)?.count).toBe(3);
    expect(tax().get(digid)!.key).toBe('digid');
  });
});
