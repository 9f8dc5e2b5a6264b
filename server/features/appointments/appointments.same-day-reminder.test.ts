import { createBranch, createTestApp, createUser, signedIn, type TestApp } from '../../../tests/helpers/test-app';
import { startSmtpServer, type TestSmtpServer } from '../../../tests/helpers/smtp';
import { SmtpTransport } from '../../mail/transport';
import { AppointmentReminderJob } from './appointments.reminders';

const PUBLIC = { userId: null, label: 'public', ip: null };

describe('reminders for everyone', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let branch: number;
  beforeEach(async () => {
    smtp = await startSmtpServer();
    // Monday 2 March 2026, 09:00 in Amsterdam (08:00 UTC).
    t = createTestApp({ mailTransport: new SmtpTransport(smtp.url) });
    t.clock.set('2026-03-02T08:00:00Z');
    branch = createBranch(t.deps, { desks: 2 });
  });
  afterEach(async () => {
    await t.close();
    await smtp.stop();
  });

  function book(startsAt: string, contact: { email: string | null; phone: string | null }, name = 'Fatma'): number {
    return t.deps.booking.book(PUBLIC, {
      branchId: branch, topicKey: 'digid', startsAt, name, ...contact, needs: {}, language: 'nl', channel: 'online', idempotencyKey: null, capacityOverride: false,
    }).appointment.id;
  }

  const reminders = (): string[] => t.db.prepare("SELECT kind FROM outbox WHERE kind LIKE 'appointment-reminder%' ORDER BY id").pluck().all() as string[];

  test('a booking made 3 hours ahead gets its same-day reminder exactly once, two hours before', async () => {
    const id = book('2026-03-02T11:00:00.000Z', { email: 'fatma@example.nl', phone: null }); // 12:00 today
    // Booked 1 hour ahead: the confirmation is its reminder.
    book('2026-03-02T09:00:00.000Z', { email: 'kort@example.nl', phone: null });
    const job = (): number => new AppointmentReminderJob(t.deps.reminders, t.deps.logger).runOnce();
    expect(job()).toBe(0); // 3 hours before: not yet
    t.clock.set('2026-03-02T08:59:00Z');
    expect(job()).toBe(0);
    t.clock.set('2026-03-02T09:01:00Z'); // two hours before
    expect(job()).toBe(1);
    expect(job()).toBe(0);
    t.clock.set('2026-03-02T10:30:00Z');
    expect(job()).toBe(0); // a later pass, or a restarted server (state is in the database), sends nothing more
    expect(reminders()).toEqual(['appointment-reminder-today']);
    expect(t.db.prepare("SELECT related_id FROM outbox WHERE kind = 'appointment-reminder-today'").pluck().all()).toEqual([id]);
    while ((await t.deps.outboxSender.runOnce()) > 0);
    const mail = smtp.messages.find((m) => m.subject?.startsWith('Herinnering'));
    expect(mail?.subject).toBe('Herinnering: vandaag uw afspraak om 12:00');
    expect(mail?.text).toContain('Vandaag heeft u een afspraak');
  });

  test('a booking made days ahead still gets the reminder the day before, not a second one on the day', () => {
    book('2026-03-04T09:00:00.000Z', { email: 'fatma@example.nl', phone: null });
    t.clock.set('2026-03-03T09:30:00Z');
    expect(t.deps.reminders.sendDueReminders()).toBe(1);
    t.clock.set('2026-03-04T07:30:00Z');
    expect(t.deps.reminders.sendDueReminders()).toBe(0);
    expect(reminders()).toEqual(['appointment-reminder']);
  });

  test("the reminder call list prints tomorrow's bookings that have only a phone number", async () => {
    book('2026-03-03T09:00:00.000Z', { email: null, phone: '06 1234 5678' }, 'Piet Telefoon');
    book('2026-03-03T10:00:00.000Z', { email: 'mail@example.nl', phone: '06 9999 0000' }, 'Mia Mail');
    book('2026-03-02T13:00:00.000Z', { email: null, phone: '06 5555 4444' }, 'Vandaag Telefoon');
    const other = createBranch(t.deps);
    t.deps.booking.book(PUBLIC, { branchId: other, topicKey: 'digid', startsAt: '2026-03-03T09:00:00.000Z', name: 'Ander Filiaal', email: null, phone: '06 7777 8888', needs: {}, language: 'nl', channel: 'online', idempotencyKey: null, capacityOverride: false });
    const volunteer = await createUser(t.deps, 'volunteer', [branch], 'balie@example.nl');
    const staff = await signedIn(t, 'balie@example.nl');
    const page = await staff.get(`/appointments/reminder-calls?branch=${branch}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Piet Telefoon');
    expect(page.text).toContain('06 1234 5678');
    expect(page.text).toContain('dinsdag 3 maart 2026');
    expect(page.text).not.toContain('Mia Mail');
    expect(page.text).not.toContain('Vandaag Telefoon');
    expect(page.text).not.toContain('Ander Filiaal');
    expect(t.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'appointment.call_list_viewed' AND actor_user_id = ?").pluck().get(volunteer)).toBe(1);
    // Another branch's list: 404.
    expect((await staff.get(`/appointments/reminder-calls?branch=${other}`)).status).toBe(404);
  });
});
