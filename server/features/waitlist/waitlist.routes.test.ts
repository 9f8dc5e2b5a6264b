import { createBranch, createTestApp, createUser, csrfFrom, signedIn, type TestApp } from '../../../tests/helpers/test-app';
import { startSmtpServer, type TestSmtpServer } from '../../../tests/helpers/smtp';
import { SmtpTransport } from '../../mail/transport';
import type { Deps } from '../../deps';
import { localDate } from '../../lib/time';

const PUBLIC = { userId: null, label: 'public', ip: null };

/** Books every free time of the branch's horizon, so the only free time is the one a test frees. Returns the bookings' ids. */
function fillSchedule(deps: Deps, branchId: number): number[] {
  const ids: number[] = [];
  const today = localDate(deps.clock.now());
  for (const day of deps.availability.freeDays(branchId, today, 3)) {
    for (const slot of day.slots) {
      for (let n = 0; n < slot.free; n++) {
        const booked = deps.booking.book(PUBLIC, {
          branchId, topicKey: 'digid', startsAt: slot.startsAt, name: `Vol ${ids.length}`, email: null, phone: '0612345678',
          needs: {}, language: 'nl', channel: 'online', idempotencyKey: null, capacityOverride: false,
        });
        ids.push(booked.appointment.id);
      }
    }
  }
  return ids;
}

function offerLink(text: string | undefined): string {
  const m = /http:\/\/127\.0\.0\.1:3000(\/waitlist\/offer\/[A-Za-z0-9_-]{43})/.exec(text ?? '');
  if (!m) throw new Error(`no offer link in: ${text}`);
  return m[1];
}

const ALL_WEEK = { weekdays: [1, 2, 3, 4, 5], dayParts: ['morning', 'afternoon', 'evening'] as ('morning' | 'afternoon' | 'evening')[] };

describe('waitlist: a freed slot goes to the first matching person', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let branch: number;

  beforeEach(async () => {
    smtp = await startSmtpServer();
    // Monday 2 March 2026, 10:00 in Amsterdam.
    t = createTestApp({ mailTransport: new SmtpTransport(smtp.url) });
    branch = createBranch(t.deps, { desks: 1, horizonDays: 1 });
  });
  afterEach(async () => {
    await t.close();
    await smtp.stop();
  });

  async function delivered(): Promise<void> {
    while ((await t.deps.outboxSender.runOnce()) > 0);
  }

  test('the public form puts a citizen on the list (no JavaScript, CSRF, field errors named)', async () => {
    const agent = t.agent();
    const page = await agent.get(`/waitlist?branch=${branch}&topic=digid`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Zet mij op de wachtlijst');
    const bad = await agent.post('/waitlist').type('form').send({ _csrf: csrfFrom(page.text), branch: String(branch), topic: 'digid', name: '' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Vul uw naam in');
    expect(bad.text).toContain('Vul uw e-mailadres of uw telefoonnummer in');
    expect(bad.text).toContain('Kies minstens één dag');
    expect(bad.text).toContain('Zet een vinkje');
    const ok = await agent
      .post('/waitlist')
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrfFrom(page.text))}&branch=${branch}&topic=digid&name=Fatma%20%F0%9F%8C%B7&email=fatma%40example.nl&phone=&weekdays=2&weekdays=4&day_parts=morning&consent=on&website=`);
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/waitlist/joined');
    const row = t.db.prepare('SELECT name, email, weekdays, day_parts, status FROM waitlist_entries').get();
    expect(row).toEqual({ name: 'Fatma 🌷', email: 'fatma@example.nl', weekdays: '2,4', day_parts: 'morning', status: 'waiting' });
    // Without the CSRF token: refused.
    const forged = await t.agent().post('/waitlist').type('form').send({ branch: String(branch), topic: 'digid', name: 'X', email: 'x@example.nl', weekdays: '1', day_parts: 'morning', consent: 'on' });
    expect(forged.status).toBe(403);
  });

  test('the booking time step links to the waitlist', async () => {
    fillSchedule(t.deps, branch);
    const page = await t.agent().get(`/book/time?branch=${branch}&topic=digid`);
    expect(page.text).toContain(`href="/waitlist?branch=${branch}&amp;topic=digid"`);
  });

  test('cancellation → one offer by e-mail to the first matching person only; accepting books it; expiry passes it on; phone-only on the call list', async () => {
    const ids = fillSchedule(t.deps, branch);
    const first = t.deps.waitlist.join(PUBLIC, { branchId: branch, topicKey: 'taxes', name: 'Anna Eerst', email: 'anna@example.nl', phone: null, language: 'nl', ...ALL_WEEK });
    // Fits on days, but only evenings: the freed morning slot is not for her.
    t.deps.waitlist.join(PUBLIC, { branchId: branch, topicKey: 'digid', name: 'Eva Avond', email: 'eva@example.nl', phone: null, language: 'nl', weekdays: [1, 2, 3, 4, 5], dayParts: ['evening'] });
    t.deps.waitlist.join(PUBLIC, { branchId: branch, topicKey: 'digid', name: 'Bert Tweede', email: 'bert@example.nl', phone: null, language: 'en', ...ALL_WEEK });
    t.deps.waitlist.join(PUBLIC, { branchId: branch, topicKey: 'digid', name: 'Cor Telefoon', email: null, phone: '06 1111 2222', language: 'nl', ...ALL_WEEK });
    expect(t.db.prepare('SELECT count(*) FROM waitlist_offers').pluck().get()).toBe(0);
    await delivered();
    const before = smtp.messages.length;

    // Tuesday 09:00 is cancelled by its holder.
    const tuesday = t.db.prepare("SELECT id, starts_at FROM appointments WHERE local_date = '2026-03-03' AND local_time = '09:00'").get() as { id: number; starts_at: string };
    expect(ids).toContain(tuesday.id);
    t.deps.booking.cancelByStaff({ ...PUBLIC, system: true }, tuesday.id, 'Kan niet');

    const offers = t.db.prepare('SELECT entry_id, starts_at, status, expires_at FROM waitlist_offers').all();
    expect(offers).toEqual([{ entry_id: first, starts_at: tuesday.starts_at, status: 'open', expires_at: '2026-03-02T13:00:00.000Z' }]);
    await delivered();
    const offerMails = smtp.messages.slice(before).filter((m) => m.subject?.startsWith('Er is een tijd vrij'));
    expect(offerMails.map((m) => m.to && 'text' in m.to ? m.to.text : '')).toEqual(['anna@example.nl']);
    expect(offerMails[0].subject).toBe('Er is een tijd vrij: dinsdag 3 maart 2026, 09:00');

    // The held slot is not free for anyone else on the public booking pages.
    const time = await t.agent().get(`/book/time?branch=${branch}&topic=digid`);
    expect(time.text).not.toContain(tuesday.starts_at);

    // Anna accepts through her link: a normal booking with its confirmation e-mail.
    const agent = t.agent();
    const link = offerLink(offerMails[0].text);
    const page = await agent.get(link);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Ja, ik neem deze tijd');
    const accepted = await agent.post(link).type('form').send({ _csrf: csrfFrom(page.text) });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.location).toMatch(/^\/appointments\/[A-Za-z0-9_-]{43}\?booked=1$/);
    const booked = t.db.prepare("SELECT name, email, topic_key, status FROM appointments WHERE starts_at = ? AND status = 'booked'").all(tuesday.starts_at);
    expect(booked).toEqual([{ name: 'Anna Eerst', email: 'anna@example.nl', topic_key: 'taxes', status: 'booked' }]);
    expect(t.db.prepare('SELECT status FROM waitlist_entries WHERE id = ?').pluck().get(first)).toBe('booked');
    await delivered();
    expect(smtp.messages.some((m) => m.subject?.startsWith('Uw afspraak op') && m.text?.includes('Anna Eerst'))).toBe(true);

    // Another cancellation: offered to Bert (Anna is booked, Eva wants evenings).
    const wednesday = t.db.prepare("SELECT id, starts_at FROM appointments WHERE local_date = '2026-03-03' AND local_time = '10:00'").get() as { id: number; starts_at: string };
    t.deps.booking.cancelByStaff({ ...PUBLIC, system: true }, wednesday.id, 'Ziek');
    const bertOffer = t.db.prepare("SELECT e.name, o.status FROM waitlist_offers o JOIN waitlist_entries e ON e.id = o.entry_id WHERE o.starts_at = ?").all(wednesday.starts_at);
    expect(bertOffer).toEqual([{ name: 'Bert Tweede', status: 'open' }]);

    // Bert does nothing; four hours later the offer job passes it to Cor, who has only a phone.
    t.clock.advance(4 * 3600_000 - 60_000);
    t.deps.waitlist.runPass();
    expect(t.db.prepare("SELECT count(*) FROM waitlist_offers WHERE status = 'open'").pluck().get()).toBe(1);
    t.clock.advance(60_000);
    t.deps.waitlist.runPass();
    const passed = t.db.prepare("SELECT e.name, o.status FROM waitlist_offers o JOIN waitlist_entries e ON e.id = o.entry_id WHERE o.starts_at = ? ORDER BY o.id").all(wednesday.starts_at);
    expect(passed).toEqual([{ name: 'Bert Tweede', status: 'expired' }, { name: 'Cor Telefoon', status: 'open' }]);

    // Cor is on the staff call list (phone only, no e-mail was sent to anyone for this offer).
    const volunteer = await createUser(t.deps, 'volunteer', [branch], 'vrijwilliger@example.nl');
    const staff = await signedIn(t, 'vrijwilliger@example.nl');
    const list = await staff.get(`/waitlist/staff?branch=${branch}`);
    expect(list.status).toBe(200);
    const calls = list.text.slice(list.text.indexOf('Bellen'), list.text.indexOf('Wie wacht er'));
    expect(calls).toContain('Cor Telefoon');
    expect(calls).toContain('06 1111 2222');
    expect(calls).not.toContain('Bert Tweede');
    expect(t.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'personal_data.viewed' AND subject_type = 'waitlist_call_list' AND actor_user_id = ?").pluck().get(volunteer)).toBe(1);
  });

  test('a coordinator adding a desk frees time: it is offered at once, without waiting for the offer job', () => {
    fillSchedule(t.deps, branch);
    t.deps.waitlist.join(PUBLIC, { branchId: branch, topicKey: 'digid', name: 'Dirk Desk', email: 'dirk@example.nl', phone: null, language: 'nl', weekdays: [2], dayParts: ['morning'] });
    expect(t.db.prepare('SELECT count(*) FROM waitlist_offers').pluck().get()).toBe(0);
    const b = t.deps.branches.get(branch);
    // The same settings form also sets how long an offer holds the time: 90 minutes here instead of 4 hours.
    t.deps.branches.updateBookingSettings({ ...PUBLIC, system: true }, branch, { slotMinutes: b.slotMinutes, desks: 2, horizonDays: b.horizonDays, minNoticeMinutes: b.minNoticeMinutes, waitlistHoldMinutes: 90 });
    // Tuesday morning's first time, now with a second desk, held for 90 minutes from now.
    const now = t.clock.now().getTime();
    expect(t.db.prepare('SELECT starts_at, status, expires_at FROM waitlist_offers').all()).toEqual([
      { starts_at: '2026-03-03T08:00:00.000Z', status: 'open', expires_at: new Date(now + 90 * 60_000).toISOString() },
    ]);
  });

  test('a staff member of another branch gets 404, anonymous is sent to sign in', async () => {
    const other = createBranch(t.deps);
    await createUser(t.deps, 'volunteer', [other], 'ander@example.nl');
    const staff = await signedIn(t, 'ander@example.nl');
    expect((await staff.get(`/waitlist/staff?branch=${branch}`)).status).toBe(404);
    expect((await t.agent().get(`/waitlist/staff?branch=${branch}`)).status).toBe(303);
  });
});
