import { createTestApp, createBranch, createUser, type TestApp } from '../../../tests/helpers/test-app';
import { RecordingNotifier } from '../../realtime/notifier';
import { SYSTEM_ACTOR } from '../../lib/actor';
import type { CurrentUser } from '../../http/auth';

describe('ArrivalService and QueueService', () => {
  let t: TestApp;
  let branch: number;
  let notifier: RecordingNotifier;
  let user: CurrentUser;

  beforeEach(async () => {
    t = createTestApp();
    branch = createBranch(t.deps, { desks: 2 });
    notifier = new RecordingNotifier();
    t.deps.notifier.attach(notifier);
    user = t.deps.auth.currentUser(await createUser(t.deps, 'volunteer', [branch]))!;
  });
  afterEach(() => t.close());

  test('the day of a number is the Amsterdam day: 23:30 UTC in winter is already tomorrow', () => {
    t.clock.set('2026-03-02T22:30:00Z'); // 23:30 in Amsterdam
    expect(t.deps.arrival.takeNumber(branch, '')).toMatchObject({ number: 1, localDate: '2026-03-02' });
    expect(t.deps.arrival.takeNumber(branch, '')).toMatchObject({ number: 2, localDate: '2026-03-02' });
    t.clock.set('2026-03-02T23:30:00Z'); // 00:30 on the 3rd in Amsterdam
    expect(t.deps.arrival.takeNumber(branch, '')).toMatchObject({ number: 1, localDate: '2026-03-03' });
  });

  test('a retired or unknown branch hands out no numbers', () => {
    t.deps.branches.setRetired(SYSTEM_ACTOR, branch, true);
    expect(() => t.deps.arrival.takeNumber(branch, '')).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => t.deps.arrival.takeNumber(99999, '')).toThrow(expect.objectContaining({ status: 404 }));
  });

  test('calling again moves a number to the top of the display without listing it twice; desks are clamped', () => {
    const actor = { userId: user.id, label: user.email, ip: null };
    const one = t.deps.arrival.takeNumber(branch, '');
    const two = t.deps.arrival.takeNumber(branch, '');
    t.deps.queue.callWalkin(actor, user, one.id, 1);
    t.deps.queue.callWalkin(actor, user, two.id, 2);
    expect(t.deps.queue.displayState(branch).calls.map((c) => c.label)).toEqual(['2', '1']);
    t.deps.queue.callWalkin(actor, user, one.id, 9); // desk 9 does not exist at a 2-desk branch
    expect(t.deps.queue.displayState(branch).calls).toEqual([
      { kind: 'walkin', label: '1', desk: 1 },
      { kind: 'walkin', label: '2', desk: 2 },
    ]);
    expect(t.deps.queue.finishWalkin(actor, user, one.id, 'done')).toMatchObject({ ok: true });
    expect(t.deps.queue.finishWalkin(actor, user, one.id, 'no_show')).toEqual({ ok: false, reason: 'state_changed' });
    expect(t.deps.queue.callWalkin(actor, user, one.id, 1)).toEqual({ ok: false, reason: 'state_changed' });
    // Yesterday's number cannot be called today.
    t.clock.set('2026-03-03T09:00:00Z');
    expect(t.deps.queue.callWalkin(actor, user, two.id, 1)).toEqual({ ok: false, reason: 'state_changed' });
  });

  test('only volunteers and coordinators of the branch work the queue', async () => {
    const walkin = t.deps.arrival.takeNumber(branch, '');
    const admin = t.deps.auth.currentUser(await createUser(t.deps, 'admin', []))!;
    const otherBranch = createBranch(t.deps);
    const stranger = t.deps.auth.currentUser(await createUser(t.deps, 'coordinator', [otherBranch]))!;
    for (const u of [admin, stranger]) {
      expect(() => t.deps.queue.callWalkin({ userId: u.id, label: u.email, ip: null }, u, walkin.id, 1)).toThrow(expect.objectContaining({ status: 403 }));
    }
    expect(notifier.published.filter((p) => p.event === 'walkin.updated' && p.payload.status === 'called')).toEqual([]);
  });
});
