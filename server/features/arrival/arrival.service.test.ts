import { createTestApp, createBranch, createUser, type TestApp } from '../../../tests/helpers/test-app';
import { RecordingNotifier } from '../../realtime/notifier';
import { SYSTEM_ACTOR } from '../../lib/actor';
import type { CurrentUser } from '../../policy/policy';
import type { Actor } from '../../lib/actor';
import { addBooking } from '../../../tests/helpers/arrival';

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
    const actor = { userId: user.id, label: user.email, ip: null, user };
    const one = t.deps.arrival.takeNumber(branch, '');
    const two = t.deps.arrival.takeNumber(branch, '');
    t.deps.queue.callWalkin(actor, one.id, 1);
    t.deps.queue.callWalkin(actor, two.id, 2);
    expect(t.deps.queue.displayState(branch).calls.map((c) => c.label)).toEqual(['2', '1']);
    t.deps.queue.callWalkin(actor, one.id, 9); // desk 9 does not exist at a 2-desk branch
    expect(t.deps.queue.displayState(branch).calls).toEqual([
      { kind: 'walkin', label: '1', desk: 1 },
      { kind: 'walkin', label: '2', desk: 2 },
    ]);
    expect(t.deps.queue.finishWalkin(actor, one.id, 'done')).toMatchObject({ ok: true });
    expect(t.deps.queue.finishWalkin(actor, one.id, 'no_show')).toEqual({ ok: false, reason: 'state_changed' });
    expect(t.deps.queue.callWalkin(actor, one.id, 1)).toEqual({ ok: false, reason: 'state_changed' });
    // Yesterday's number cannot be called today.
    t.clock.set('2026-03-03T09:00:00Z');
    expect(t.deps.queue.callWalkin(actor, two.id, 1)).toEqual({ ok: false, reason: 'state_changed' });
  });

  test('only volunteers and coordinators of the branch work the queue (asked by the service itself)', async () => {
    const walkin = t.deps.arrival.takeNumber(branch, '');
    const booking = addBooking(t.deps, { branchId: branch, date: '2026-03-02', time: '10:30', code: 'K7M2QXA', name: 'Piet' });
    t.deps.arrival.checkIn(branch, 'K7M2QXA', null);
    const actorOf = (u: CurrentUser): Actor => ({ userId: u.id, label: u.email, ip: null, user: u });
    const admin = t.deps.auth.currentUser(await createUser(t.deps, 'admin', []))!;
    const expert = t.deps.auth.currentUser(await createUser(t.deps, 'expert', []))!;
    const otherBranch = createBranch(t.deps);
    const stranger = t.deps.auth.currentUser(await createUser(t.deps, 'coordinator', [otherBranch]))!;
    const citizen: Actor = { userId: null, label: 'public', ip: null, user: null };
    const calls = [
      (a: Actor) => t.deps.queue.callWalkin(a, walkin.id, 1),
      (a: Actor) => t.deps.queue.startWalkin(a, walkin.id),
      (a: Actor) => t.deps.queue.finishWalkin(a, walkin.id, 'done'),
      (a: Actor) => t.deps.queue.callAppointment(a, booking, 1),
      (a: Actor) => t.deps.queue.startAppointment(a, booking),
    ];
    for (const call of calls) {
      // Roles without queue.operate (and citizens): 403. Another branch's record: 404, as if it did not exist.
      for (const a of [actorOf(admin), actorOf(expert), citizen]) expect(() => call(a)).toThrow(expect.objectContaining({ status: 403 }));
      expect(() => call(actorOf(stranger))).toThrow(expect.objectContaining({ status: 404 }));
    }
    for (const u of [admin, expert]) expect(() => t.deps.queue.deskQueue(u, t.deps.branches.get(branch))).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => t.deps.queue.deskQueue(stranger, t.deps.branches.get(branch))).toThrow(expect.objectContaining({ status: 404 }));
    expect(notifier.published.filter((p) => p.event === 'walkin.updated' && p.payload.status !== 'waiting')).toEqual([]);
    expect(t.deps.appointments.findById(booking)!.status).toBe('arrived');
    expect(t.deps.queue.displayState(branch).calls).toEqual([]);
    // The desk's own volunteer may, and so may the server itself (system actor).
    expect(t.deps.queue.deskQueue(user, t.deps.branches.get(branch))).toHaveLength(2);
    expect(t.deps.queue.callWalkin(SYSTEM_ACTOR, walkin.id, 1)).toMatchObject({ ok: true });
  });
});
