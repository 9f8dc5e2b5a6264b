import { createTestApp, createBranch, createUser, type TestApp } from '../../../tests/helpers/test-app';
import type { Actor } from '../../lib/actor';
import { OutboxService } from '../outbox/outbox.service';

/**
 * The management services ask the policy themselves (issue 8), so a route or script that forgets a check
 * cannot leak: a coordinator keeps categories but not users, audit or outbox; a volunteer keeps nothing.
 */
describe('management services ask the policy', () => {
  let t: TestApp;
  let coordinator: Actor;
  let volunteer: Actor;
  const actorOf = (id: number): Actor => {
    const user = t.deps.auth.currentUser(id)!;
    return { userId: user.id, label: user.email, ip: null, user };
  };

  beforeEach(async () => {
    t = createTestApp();
    const branch = createBranch(t.deps);
    coordinator = actorOf(await createUser(t.deps, 'coordinator', [branch], 'coord@bieb.nl'));
    volunteer = actorOf(await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl'));
  });
  afterEach(() => t.close());

  test('categories: coordinators manage them, volunteers get 403', () => {
    const digid = t.deps.categories.taxonomy().byKey('organisation', 'digid')!.id;
    expect(() => t.deps.categories.rename(volunteer, digid, 'Weg', '')).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => t.deps.categories.setRetired(volunteer, digid, true)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => t.deps.categories.add(volunteer, { kind: 'organisation', parentId: null, labelNl: 'X', labelEn: '' })).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => t.deps.categories.move(volunteer, digid, 'down')).toThrow(expect.objectContaining({ status: 403 }));
    expect(t.deps.categories.get(digid).labelNl).toBe('DigiD');
    t.deps.categories.rename(coordinator, digid, 'DigiD (nieuw)', '');
    expect(t.deps.categories.get(digid).labelNl).toBe('DigiD (nieuw)');
  });

  test('users, audit and outbox are the admin’s: a coordinator gets 403 from the service itself', async () => {
    const target = volunteer.userId!;
    await expect(t.deps.users.create(coordinator, { email: 'x@bieb.nl', name: 'X', role: 'admin', branchIds: [] })).rejects.toMatchObject({ status: 403 });
    await expect(t.deps.users.resetPassword(coordinator, target)).rejects.toMatchObject({ status: 403 });
    expect(() => t.deps.users.update(coordinator, target, { name: 'X', role: 'admin', branchIds: [] })).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => t.deps.users.setDisabled(coordinator, target, true)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => t.deps.users.list(coordinator)).toThrow(expect.objectContaining({ status: 403 }));
    expect(t.deps.auth.currentUser(target)?.role).toBe('volunteer');
    expect(() => t.deps.audit.search(coordinator, { page: 1, pageSize: 10 })).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => t.deps.audit.actions(coordinator)).toThrow(expect.objectContaining({ status: 403 }));
    const outbox = new OutboxService(t.deps.outbox, t.deps.audit, t.clock, () => undefined);
    expect(() => outbox.counts(coordinator)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => outbox.list(coordinator, null, 1, 10)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => outbox.view(coordinator, 1)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => outbox.retry(coordinator, 1)).toThrow(expect.objectContaining({ status: 403 }));
  });
});
