import { createTestApp, createBranch, createUser, tempDir, testConfig, type TestApp } from '../../../tests/helpers/test-app';
import { openDatabase } from '../../db/open';
import { migrate } from '../../db/migrate';
import { MIGRATIONS_DIR } from '../../paths';
import { buildDeps } from '../../deps';
import { FakeClock } from '../../lib/clock';
import { createLogger } from '../../lib/logger';
import { SYSTEM_ACTOR, type Actor } from '../../lib/actor';
import { RecordingNotifier } from '../../realtime/notifier';
import { ForbiddenError, NotFoundError } from '../../http/errors';
import type { Deps } from '../../deps';
import { AppointmentReminderJob } from './appointments.reminders';
import { SlotTakenError, type BookingInput } from './appointments.model';
import { CODE_ALPHABET, hashToken } from './manage-token';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ICAL = require('ical.js');

const citizen: Actor = { userId: null, label: 'public', ip: '127.0.0.1' };

/** A signed-in person as a route would pass them: the policy reads `user`. */
function staffActor(deps: Deps, userId: number): Actor {
  const u = deps.users.get(userId);
  return { userId, label: u.email, ip: null, user: { id: userId, email: u.email, name: u.name, role: u.role, branchIds: u.branchIds, mustChangePassword: false } };
}

function input(branchId: number, startsAt: string, overrides: Partial<BookingInput> = {}): BookingInput {
  return {
    branchId,
    topicKey: 'digid',
    startsAt,
    name: 'Fatma Yılmaz <b>',
    email: 'fatma@example.nl',
    phone: null,
    needs: { interpreter: true },
    language: 'nl',
    channel: 'online',
    idempotencyKey: null,
    capacityOverride: false,
    ...overrides,
  };
}

describe('AppointmentsService', () => {
  let t: TestApp;
  let branch: number;
  beforeEach(() => {
    t = createTestApp({ clock: new FakeClock('2026-03-02T08:00:00Z') }); // Monday 09:00 in Amsterdam
    branch = createBranch(t.deps, { desks: 2, name: 'Centrale Bibliotheek' });
  });
  afterEach(() => t.close());

  const outbox = (): { kind: string; to_address: string; attachments: string; related_id: number }[] =>
    t.db.prepare('SELECT kind, to_address, attachments, related_id FROM outbox ORDER BY id').all() as never;

  test('a booking gets a short code without look-alikes, a hashed token, a mail with .ics in the same transaction', () => {
    const booked = t.deps.booking.book(citizen, input(branch, '2026-03-03T09:00:00.000Z'));
    const a = booked.appointment;
    expect(a.code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{7}$`));
    expect(a.localDate).toBe('2026-03-03');
    expect(a.localTime).toBe('10:00');
    expect(booked.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = t.db.prepare('SELECT token_hash FROM appointments WHERE id = ?').get(a.id) as { token_hash: string };
    expect(row.token_hash).toBe(hashToken(booked.token));
    expect(JSON.stringify(t.db.prepare('SELECT * FROM appointments').all())).not.toContain(booked.token);
    const mails = outbox();
    expect(mails).toHaveLength(1);
    expect(mails[0].kind).toBe('appointment-confirmation');
    const [ics] = JSON.parse(mails[0].attachments) as { content: string; contentType: string }[];
    expect(ics.contentType).toContain('method=REQUEST');
    expect(ics.content).toContain('DTSTART;TZID=Europe/Amsterdam:20260303T100000\r\n');
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics.content)).getFirstSubcomponent('vevent'));
    expect(event.uid).toMatch(/^appointment-\d+@/);
  });

  test('the capacity trigger refuses a third active booking for two desks, even from raw SQL', () => {
    t.deps.booking.book(citizen, input(branch, '2026-03-03T09:00:00.000Z'));
    t.deps.booking.book(citizen, input(branch, '2026-03-03T09:00:00.000Z'));
    expect(() => t.deps.booking.book(citizen, input(branch, '2026-03-03T09:00:00.000Z'))).toThrow(SlotTakenError);
    const insert = (): unknown =>
      t.db
        .prepare(
          `INSERT INTO appointments (branch_id, starts_at, ends_at, local_date, local_time, topic_key, code, token_hash, channel, created_at, updated_at)
           VALUES (?, '2026-03-03T09:00:00.000Z', '2026-03-03T09:30:00.000Z', '2026-03-03', '10:00', 'digid', 'ZZZZZZZ', 'x', 'desk', 'now', 'now')`,
        )
        .run(branch);
    expect(insert).toThrow('capacity');
    // Moving another booking into the full slot is refused too.
    const other = t.deps.booking.book(citizen, input(branch, '2026-03-03T10:00:00.000Z'));
    expect(() => t.db.prepare("UPDATE appointments SET starts_at = '2026-03-03T09:00:00.000Z' WHERE id = ?").run(other.appointment.id)).toThrow('capacity');
    expect(t.db.prepare("SELECT count(*) FROM appointments WHERE starts_at = '2026-03-03T09:00:00.000Z'").pluck().get()).toBe(2);
  });

  test('a cancelled booking frees its desk; reactivating it into a full slot is refused', () => {
    const first = t.deps.booking.book(citizen, input(branch, '2026-03-03T09:00:00.000Z'));
    t.deps.booking.book(citizen, input(branch, '2026-03-03T09:00:00.000Z'));
    t.deps.booking.cancelByToken(citizen, first.token);
    t.deps.booking.book(citizen, input(branch, '2026-03-03T09:00:00.000Z'));
    expect(() => t.db.prepare("UPDATE appointments SET status = 'booked' WHERE id = ?").run(first.appointment.id)).toThrow('capacity');
  });

  test('coordinator override books beyond the desks and is audited; without a user it is refused', async () => {
    const coordinator = await createUser(t.deps, 'coordinator', [branch]);
    const actor = staffActor(t.deps, coordinator);
    for (let i = 0; i < 2; i++) t.deps.booking.book(citizen, input(branch, '2026-03-03T09:00:00.000Z'));
    const extra = t.deps.booking.book(actor, input(branch, '2026-03-03T09:00:00.000Z', { channel: 'desk', capacityOverride: true, email: null }));
    expect(extra.appointment.capacityOverride).toBe(true);
    expect(t.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'appointment.booked_over_capacity'").pluck().get()).toBe(1);
    expect(() => t.deps.booking.book(citizen, input(branch, '2026-03-03T09:00:00.000Z', { capacityOverride: true }))).toThrow(ForbiddenError);
    // The over-booked row can still be marked arrived: the update trigger only guards new places.
    expect(t.deps.appointmentStatus.markArrived(actor, extra.appointment.id)).toBe(true);
  });

  test('the same idempotency key returns the first booking and sends one mail', () => {
    const a = t.deps.booking.book(citizen, input(branch, '2026-03-03T09:00:00.000Z', { idempotencyKey: 'k'.repeat(24) }));
    const b = t.deps.booking.book(citizen, input(branch, '2026-03-03T09:00:00.000Z', { idempotencyKey: 'k'.repeat(24) }));
    expect(b.repeated).toBe(true);
    expect(b.appointment.id).toBe(a.appointment.id);
    expect(b.token).toBe(a.token);
    expect(outbox()).toHaveLength(1);
  });

  test('times that are not slots, too soon, or beyond the horizon are refused', () => {
    expect(() => t.deps.booking.book(citizen, input(branch, '2026-03-03T09:10:00.000Z'))).toThrow(SlotTakenError);
    expect(() => t.deps.booking.book(citizen, input(branch, '2026-03-02T08:30:00.000Z'))).toThrow(SlotTakenError); // 09:30 today, notice 60 min
    expect(() => t.deps.booking.book(citizen, input(branch, '2026-04-30T08:00:00.000Z'))).toThrow(SlotTakenError); // beyond 28 days
    expect(() => t.deps.booking.book(citizen, input(branch, '2026-03-07T09:00:00.000Z'))).toThrow(SlotTakenError); // Saturday: closed
  });

  test('arrived, done and no-show are stored with who and when, and announced without personal data', async () => {
    const notifier = new RecordingNotifier();
    t.deps.notifier.attach(notifier);
    const volunteer = await createUser(t.deps, 'volunteer', [branch]);
    const actor = staffActor(t.deps, volunteer);
    const a = t.deps.booking.book(citizen, input(branch, '2026-03-03T09:00:00.000Z')).appointment;
    const b = t.deps.booking.book(citizen, input(branch, '2026-03-03T09:30:00.000Z')).appointment;
    t.clock.set('2026-03-03T08:55:00Z');
    expect(t.deps.appointmentStatus.markArrived(actor, a.id)).toBe(true);
    expect(t.deps.appointmentStatus.markArrived(actor, a.id)).toBe(false);
    t.clock.set('2026-03-03T09:25:00Z');
    expect(t.deps.appointmentStatus.markDone(actor, a.id)).toBe(true);
    t.clock.set('2026-03-03T09:50:00Z');
    expect(t.deps.appointmentStatus.markNoShow(actor, b.id)).toBe(true);
    const after = t.deps.appointments.findById(a.id)!;
    expect(after).toMatchObject({ status: 'done', arrivedBy: volunteer, arrivedAt: '2026-03-03T08:55:00.000Z', doneBy: volunteer, doneAt: '2026-03-03T09:25:00.000Z' });
    expect(t.deps.appointments.findById(b.id)).toMatchObject({ status: 'no_show', noShowBy: volunteer, noShowAt: '2026-03-03T09:50:00.000Z' });
    const updates = notifier.published.filter((p) => p.event === 'appointment.updated');
    expect(updates.map((u) => u.payload.status)).toEqual(['booked', 'booked', 'arrived', 'done', 'no_show']);
    expect(updates[0].channel).toBe(`branch:${branch}`);
    expect(JSON.stringify(updates)).not.toContain('Fatma');
    expect(t.deps.appointments.findByCode(` ${a.code.slice(0, 3).toLowerCase()}-${a.code.slice(3)} `)?.id).toBe(a.id);
  });

  test('every staff method asks the policy itself: another branch is 404, a citizen or an admin 403', async () => {
    const elsewhere = createBranch(t.deps, { desks: 2 });
    const stranger = staffActor(t.deps, await createUser(t.deps, 'volunteer', [elsewhere]));
    const admin = staffActor(t.deps, await createUser(t.deps, 'admin'));
    const a = t.deps.booking.book(citizen, input(branch, '2026-03-03T09:00:00.000Z')).appointment;
    const s = t.deps.appointmentStatus;
    const staffCalls: [string, (actor: Actor) => unknown][] = [
      ['markArrived', (actor) => s.markArrived(actor, a.id)],
      ['markInProgress', (actor) => s.markInProgress(actor, a.id)],
      ['markDone', (actor) => s.markDone(actor, a.id)],
      ['markNoShow', (actor) => s.markNoShow(actor, a.id)],
      ['cancelByStaff', (actor) => t.deps.booking.cancelByStaff(actor, a.id, 'reden')],
      ['findForStaff', (actor) => t.deps.appointments.findForStaff(actor, a.id)],
      ['viewForStaff', (actor) => t.deps.appointments.viewForStaff(actor, a.id)],
      ['listDay', (actor) => t.deps.appointments.listDay(actor, branch, '2026-03-03')],
      ['listBetween', (actor) => t.deps.appointments.listBetween(actor, branch, '2026-03-03', '2026-03-04')],
      ['countsByStatus', (actor) => t.deps.appointments.countsByStatus(actor, branch, '2026-03-03')],
      ['dayListForPrint', (actor) => t.deps.appointments.dayListForPrint(actor, branch, '2026-03-03')],
      ['book at the desk', (actor) => t.deps.booking.book(actor, input(branch, '2026-03-03T10:00:00.000Z', { channel: 'desk' }))],
    ];
    for (const [, call] of staffCalls) {
      expect(() => call(stranger)).toThrow(NotFoundError);
      expect(() => call(citizen)).toThrow(ForbiddenError);
      expect(() => call(admin)).toThrow(ForbiddenError);
    }
    expect(t.deps.appointments.findById(a.id)!.status).toBe('booked');
    expect(t.db.prepare("SELECT count(*) FROM audit_log WHERE action LIKE 'appointment.%' AND action != 'appointment.booked'").pluck().get()).toBe(0);
  });

  test('reschedule keeps the UID, raises SEQUENCE and resets the reminder; cancel sends METHOD:CANCEL', () => {
    const booked = t.deps.booking.book(citizen, input(branch, '2026-03-03T09:00:00.000Z'));
    const moved = t.deps.booking.reschedule(citizen, booked.token, '2026-03-04T13:00:00.000Z');
    expect(moved).toMatchObject({ localDate: '2026-03-04', localTime: '14:00', icsSequence: 1 });
    t.deps.booking.cancelByToken(citizen, booked.token);
    const mails = outbox();
    expect(mails.map((m) => m.kind)).toEqual(['appointment-confirmation', 'appointment-rescheduled', 'appointment-cancelled']);
    const files = mails.map((m) => (JSON.parse(m.attachments) as { content: string }[])[0].content);
    const uid = (s: string): string => /UID:(.*)\r\n/.exec(s)![1];
    expect(new Set(files.map(uid)).size).toBe(1);
    expect(files.map((f) => /SEQUENCE:(\d+)/.exec(f)![1])).toEqual(['0', '1', '2']);
    expect(files[2]).toContain('METHOD:CANCEL');
    expect(files[2]).toContain('STATUS:CANCELLED');
    expect(() => t.deps.booking.getByToken(booked.token)).toThrow(expect.objectContaining({ status: 410 }));
    expect(() => t.deps.booking.getByToken('x'.repeat(43))).toThrow(expect.objectContaining({ status: 404 }));
  });

  test('the reminder goes out once, the day before, in the booking language', () => {
    const a = t.deps.booking.book(citizen, input(branch, '2026-03-05T09:00:00.000Z', { language: 'en' })).appointment;
    t.deps.booking.book(citizen, input(branch, '2026-03-02T12:00:00.000Z')); // booked the same day: no reminder
    const job = new AppointmentReminderJob(t.deps.reminders, t.deps.logger);
    expect(job.runOnce()).toBe(0);
    t.clock.set('2026-03-04T09:00:01Z');
    expect(job.runOnce()).toBe(1);
    expect(job.runOnce()).toBe(0);
    const reminders = t.db.prepare("SELECT subject, related_id FROM outbox WHERE kind = 'appointment-reminder'").all() as { subject: string; related_id: number }[];
    expect(reminders).toEqual([{ subject: 'Reminder: your appointment tomorrow at 10:00', related_id: a.id }]);
  });
});

describe('availability from a real branch schedule on the clock-change Sundays', () => {
  test.each([
    ['2026-03-29', '2026-03-20T08:00:00Z'],
    ['2026-10-25', '2026-10-16T08:00:00Z'],
    ['2027-03-28', '2027-03-19T08:00:00Z'],
    ['2027-10-31', '2027-10-22T08:00:00Z'],
  ])('%s: a branch open 09:00–17:00 on Sunday offers exactly 16 times, and each books at its own instant', async (sunday, now) => {
    const t = createTestApp({ clock: new FakeClock(now) });
    try {
      const branch = createBranch(t.deps, { desks: 1 });
      t.deps.branches.replaceOpeningHours(SYSTEM_ACTOR, branch, [{ weekday: 7, opens: '09:00', closes: '17:00' }]);
      const [day] = t.deps.availability.freeDays(branch, sunday, 1);
      expect(day.slots.map((s) => s.time)).toEqual(Array.from({ length: 16 }, (_, i) => `${String(9 + Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`));
      for (const slot of day.slots) {
        const a = t.deps.booking.book(citizen, input(branch, slot.startsAt, { email: null, phone: '0612345678' })).appointment;
        expect([a.localDate, a.localTime]).toEqual([sunday, slot.time]);
      }
      expect(t.deps.availability.freeDays(branch, sunday, 1)[0].slots).toEqual([]);
    } finally {
      await t.close();
    }
  });
});

describe('reminders across two server instances on one database file', () => {
  test('exactly one reminder per booking when two schedulers race and the server restarts', async () => {
    const dir = tempDir();
    const config = testConfig(dir);
    const clock = new FakeClock('2026-03-02T08:00:00Z');
    const open = (): ReturnType<typeof buildDeps> => {
      const db = openDatabase(config.databasePath);
      migrate(db, MIGRATIONS_DIR);
      return buildDeps(config, db, { clock, logger: createLogger('silent') });
    };
    const first = open();
    const branch = createBranch(first, { desks: 3 });
    const ids: number[] = [];
    for (const start of ['2026-03-04T08:00:00.000Z', '2026-03-04T08:30:00.000Z', '2026-03-04T09:00:00.000Z']) {
      for (let i = 0; i < 2; i++) ids.push(first.booking.book(SYSTEM_ACTOR, input(branch, start)).appointment.id);
    }
    const second = open(); // a second process on the same file, e.g. an old one not yet stopped during a deploy
    clock.set('2026-03-03T08:45:00Z'); // due: the 09:00 and 09:30 (local) bookings of the next day
    // Both schedulers read the due list before either claims, then take turns on each booking: the
    // interleaving two processes produce when each is between its SELECT and its claim. Only the claim
    // (reminder_sent_at set if still NULL, in the transaction that writes the e-mail) keeps it to one each.
    const dueA = first.reminders.due();
    const dueB = second.reminders.due();
    expect(dueA.map((x) => x.id)).toEqual(ids.slice(0, 4));
    expect(dueB.map((x) => x.id)).toEqual(ids.slice(0, 4));
    let a = 0;
    let b = 0;
    for (let i = 0; i < dueA.length; i++) {
      a += first.reminders.send([dueA[i]]);
      b += second.reminders.send([dueB[i]]);
    }
    expect(a).toBe(4); // the first to claim each booking sends it…
    expect(b).toBe(0); // …and the other finds it claimed
    const jobB = new AppointmentReminderJob(second.reminders, second.logger);
    await first.outboxSender.stop(); // "restart": the first process stops
    first.db.close();
    const third = open();
    clock.set('2026-03-03T09:05:00Z');
    expect(new AppointmentReminderJob(third.reminders, third.logger).runOnce() + jobB.runOnce()).toBe(2);
    expect(new AppointmentReminderJob(third.reminders, third.logger).runOnce()).toBe(0);
    const perBooking = third.db.prepare("SELECT related_id, count(*) AS n FROM outbox WHERE kind = 'appointment-reminder' GROUP BY related_id").all() as { related_id: number; n: number }[];
    expect(perBooking.map((r) => r.related_id).sort((x, y) => x - y)).toEqual(ids);
    expect(perBooking.every((r) => r.n === 1)).toBe(true);
    for (const d of [second, third]) {
      await d.outboxSender.stop();
      d.db.close();
    }
  });
});
