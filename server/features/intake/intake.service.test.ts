import { createTestApp, createBranch, createUser, type TestApp } from '../../../tests/helpers/test-app';
import { RecordingNotifier } from '../../realtime/notifier';
import { SYSTEM_ACTOR } from '../../lib/actor';
import type { CurrentUser } from '../../http/auth';
import type { QuestionFields } from './intake.service';

describe('IntakeService', () => {
  let t: TestApp;
  let branch: number;
  let user: CurrentUser;
  const key = (kind: Parameters<ReturnType<TestApp['deps']['categories']['taxonomy']>['byKey']>[0], k: string, parent: number | null = null): number =>
    t.deps.categories.taxonomy().byKey(kind, k, parent)!.id;
  const fields = (over: Partial<QuestionFields> = {}): QuestionFields => ({
    typeId: key('question_type', 'digital_government'),
    organisationId: key('organisation', 'digid'),
    topicId: null,
    lifeEventId: null,
    helpId: key('help', 'together'),
    partnerId: null,
    durationId: key('duration', 'lt5'),
    outcomeId: key('outcome', 'solved'),
    note: '',
    ...over,
  });
  const desk = (): { branchId: number; channelId: number; appointmentId: null; walkinId: null } => ({ branchId: branch, channelId: key('channel', 'desk'), appointmentId: null, walkinId: null });

  beforeEach(async () => {
    t = createTestApp();
    branch = createBranch(t.deps);
    user = t.deps.auth.currentUser(await createUser(t.deps, 'volunteer', [branch]))!;
  });
  afterEach(() => t.close());

  test('a registration tells the branch’s desk screens, without any content of the question', () => {
    const recorder = new RecordingNotifier();
    t.deps.notifier.attach(recorder);
    const { questionId } = t.deps.intake.register(user, desk(), fields({ note: 'samen de app gezet' }));
    expect(recorder.published).toEqual([{ channel: `branch:${branch}`, event: 'intake:registered', payload: { questionId } }]);
  });

  test('the service itself refuses invalid fields, wrong kinds, retired channels and other branches', () => {
    expect(() => t.deps.intake.register(user, desk(), fields({ note: 'bel 0612345678' }))).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => t.deps.intake.register(user, desk(), fields({ helpId: key('outcome', 'solved') }))).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => t.deps.intake.register(user, { ...desk(), channelId: key('help', 'together') }, fields())).toThrow(expect.objectContaining({ status: 400 }));
    const other = createBranch(t.deps);
    // Another branch looks as if it does not exist (issue 8: 404, no longer 403).
    expect(() => t.deps.intake.register(user, { ...desk(), branchId: other }, fields())).toThrow(expect.objectContaining({ status: 404 }));
    t.deps.categories.setRetired(SYSTEM_ACTOR, key('channel', 'online'), true);
    expect(() => t.deps.intake.register(user, { ...desk(), channelId: key('channel', 'online') }, fields())).toThrow(expect.objectContaining({ status: 400 }));
    // A failed registration leaves no empty visit behind.
    expect(t.db.prepare('SELECT count(*) FROM visits').pluck().get()).toBe(0);
  });

  test('a visit only takes more questions on the day it started', () => {
    const { visitId } = t.deps.intake.register(user, desk(), fields());
    expect(t.deps.intake.register(user, { visitId }, fields()).visitId).toBe(visitId);
    t.clock.advance(24 * 3600_000);
    expect(() => t.deps.intake.register(user, { visitId }, fields())).toThrow(expect.objectContaining({ status: 404 }));
  });

  test('a tile whose topic was retired still registers, with the organisation alone', () => {
    const tile = t.deps.intake.tilesFor(branch).find((x) => x.labelNl === 'DigiD app')!;
    t.deps.categories.setRetired(SYSTEM_ACTOR, tile.topicId!, true);
    const { questionId } = t.deps.intake.registerFromTile(user, branch, tile.id);
    expect(t.db.prepare('SELECT organisation_id, topic_id, source FROM questions WHERE id = ?').get(questionId)).toEqual({
      organisation_id: tile.organisationId,
      topic_id: null,
      source: 'tally',
    });
  });

  test('the week runs from Monday to today', () => {
    t.clock.set('2026-03-04T10:00:00Z'); // Wednesday
    t.deps.intake.register(user, desk(), fields());
    t.clock.set('2026-03-01T10:00:00Z'); // the Sunday before
    t.deps.intake.register(user, desk(), fields());
    t.clock.set('2026-03-05T10:00:00Z'); // Thursday
    t.deps.intake.register(user, desk(), fields());
    expect(t.deps.intake.list(user, branch, 'today')).toHaveLength(1);
    expect(t.deps.intake.list(user, branch, 'week').map((q) => q.localDate)).toEqual(['2026-03-05', '2026-03-04']);
  });

  test('the service asks the policy itself: admins read and configure but do not register; volunteers do not configure', async () => {
    const admin = t.deps.auth.currentUser(await createUser(t.deps, 'admin', [], 'admin@bieb.nl'))!;
    const expert = t.deps.auth.currentUser(await createUser(t.deps, 'expert', [], 'expert@bieb.nl'))!;
    const other = createBranch(t.deps, { name: 'Elders' });
    const tile = t.deps.intake.tilesFor(branch)[0];
    const input = { ...tile, labelNl: 'Nieuw', labelEn: 'New' };
    expect(() => t.deps.intake.register(admin, desk(), fields())).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => t.deps.intake.registerFromTile(admin, branch, tile.id)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => t.deps.intake.registerFromTile(user, other, tile.id)).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => t.deps.intake.addTile(SYSTEM_ACTOR, user, branch, input)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => t.deps.intake.removeTile(SYSTEM_ACTOR, user, branch, tile.id)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => t.deps.intake.list(expert, branch, 'today')).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => t.deps.intake.list(user, other, 'today')).toThrow(expect.objectContaining({ status: 404 }));
    const { questionId } = t.deps.intake.register(user, desk(), fields());
    expect(() => t.deps.intake.questionFor(admin, questionId)).toThrow(expect.objectContaining({ status: 403 }));
    expect(t.deps.intake.list(admin, branch, 'today').map((q) => q.id)).toEqual([questionId]);
    expect(t.deps.intake.addTile(SYSTEM_ACTOR, admin, branch, input)).toBeGreaterThan(0);
    expect(t.db.prepare('SELECT count(*) FROM questions').pluck().get()).toBe(1);
  });
});
