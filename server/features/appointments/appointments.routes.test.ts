import { createTestApp, createBranch, createUser, csrfFrom, signIn, type TestApp } from '../../../tests/helpers/test-app';
import { FakeClock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import { RecordingNotifier } from '../../realtime/notifier';
import type { BookingInput, Booked } from './appointments.model';
import { checkInUrl, qrImage } from './qr';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ICAL = require('ical.js');

const citizen: Actor = { userId: null, label: 'public', ip: '127.0.0.1' };

describe('/appointments', () => {
  let t: TestApp;
  let branch: number;
  let other: number;
  beforeEach(() => {
    t = createTestApp({ clock: new FakeClock('2026-03-02T08:00:00Z') }); // Monday 09:00 in Amsterdam
    branch = createBranch(t.deps, { desks: 2, name: 'Centrale Bibliotheek' });
    other = createBranch(t.deps, { desks: 2, name: 'Noord' });
  });
  afterEach(() => t.close());

  function book(overrides: Partial<BookingInput> = {}): Booked {
    return t.deps.booking.book(citizen, {
      branchId: branch,
      topicKey: 'taxes',
      startsAt: '2026-03-03T09:00:00.000Z',
      name: 'Ahmed <i>El Amrani</i>',
      email: 'ahmed@example.nl',
      phone: '06 11112222',
      needs: { wheelchair: true },
      language: 'nl',
      channel: 'online',
      idempotencyKey: null,
      capacityOverride: false,
      ...overrides,
    });
  }

  describe('manage link', () => {
    test('shows the card, serves a valid calendar file, and never leaks on unknown tokens', async () => {
      const { token } = book();
      const page = await t.agent().get(`/appointments/${token}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('dinsdag 3 maart 2026, 10:00');
      expect(page.headers['cache-control']).toBe('no-store');
      // The check-in QR code: inline SVG of /check-in?code=<code> only; labelled, and no style attributes.
      const code = t.deps.booking.getByToken(token).code;
      const qr = qrImage(checkInUrl(t.deps.config.baseUrl, code));
      const svg = /<svg[^>]*role="img"[^>]*>[\s\S]*?<\/svg>/.exec(page.text)?.[0] ?? '';
      expect(svg).toContain(`<path d="${qr.path}"`);
      expect(svg).toContain(`viewBox="0 0 ${qr.side} ${qr.side}"`);
      expect(svg).toMatch(/aria-labelledby="qr-title"><title id="qr-title">QR-code om u aan te melden bij de balie<\/title>/);
      expect(svg).not.toMatch(/style=/);
      expect(qr.path).not.toBe(qrImage(checkInUrl(t.deps.config.baseUrl, token)).path);
      const ics = await t.agent().get(`/appointments/${token}/calendar.ics`);
      expect(ics.status).toBe(200);
      expect(ics.headers['content-type']).toContain('text/calendar');
      expect(ics.text).toContain('METHOD:PUBLISH');
      const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics.text)).getFirstSubcomponent('vevent'));
      expect(event.startDate.toString()).toBe('2026-03-03T10:00:00');
      expect(event.startDate.toJSDate().toISOString()).toBe('2026-03-03T09:00:00.000Z');
      const unknown = await t.agent().get(`/appointments/${'A'.repeat(43)}`);
      expect(unknown.status).toBe(404);
      expect(unknown.text).not.toContain('Ahmed');
      expect((await t.agent().get('/appointments/not-a-token')).status).toBe(404);
      expect((await t.agent().get(`/appointments/${'A'.repeat(43)}/calendar.ics`)).status).toBe(404);
    });

    test('cancel through the link: confirmation page, POST with CSRF, then 410 and a cancel e-mail', async () => {
      const { token } = book();
      const agent = t.agent();
      const confirm = await agent.get(`/appointments/${token}/cancel`);
      expect(confirm.status).toBe(200);
      expect((await agent.post(`/appointments/${token}/cancel`).type('form').send({})).status).toBe(403);
      const res = await agent.post(`/appointments/${token}/cancel`).type('form').send({ _csrf: csrfFrom(confirm.text) });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/book/cancelled');
      const gone = await agent.get(`/appointments/${token}`);
      expect(gone.status).toBe(410);
      expect(gone.text).not.toContain('Ahmed');
      expect((await agent.post(`/appointments/${token}/cancel`).type('form').send({ _csrf: csrfFrom(confirm.text) })).status).toBe(410);
      expect(t.db.prepare('SELECT kind FROM outbox ORDER BY id').pluck().all()).toEqual(['appointment-confirmation', 'appointment-cancelled']);
    });

    test('a past appointment link is gone (410)', async () => {
      const { token } = book();
      t.clock.set('2026-03-03T09:31:00Z');
      expect((await t.agent().get(`/appointments/${token}`)).status).toBe(410);
    });

    test('reschedule lists free times and moves the booking; a full time gets 409', async () => {
      const { token } = book();
      book({ startsAt: '2026-03-03T10:00:00.000Z' });
      book({ startsAt: '2026-03-03T10:00:00.000Z' });
      const agent = t.agent();
      const page = await agent.get(`/appointments/${token}/reschedule`);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('value="2026-03-03T10:00:00.000Z"'); // full
      expect(page.text).toContain('value="2026-03-03T10:30:00.000Z"');
      const full = await agent.post(`/appointments/${token}/reschedule`).type('form').send({ _csrf: csrfFrom(page.text), start: '2026-03-03T10:00:00.000Z' });
      expect(full.status).toBe(409);
      const none = await agent.post(`/appointments/${token}/reschedule`).type('form').send({ _csrf: csrfFrom(page.text) });
      expect(none.status).toBe(400);
      expect(none.text).toContain('href="#start"');
      const ok = await agent.post(`/appointments/${token}/reschedule`).type('form').send({ _csrf: csrfFrom(page.text), start: '2026-03-03T10:30:00.000Z' });
      expect(ok.status).toBe(303);
      const card = await agent.get(ok.headers.location);
      expect(card.text).toContain('dinsdag 3 maart 2026, 11:30');
      expect(card.text).toContain('Uw afspraak is verzet.');
    });

    test('30 wrong tokens from one client are throttled (429); right ones do not count', async () => {
      const { token } = book();
      const agent = t.agent();
      for (let i = 0; i < 30; i++) {
        if (i % 10 === 0) expect((await agent.get(`/appointments/${token}`)).status).toBe(200);
        const wrong = `${String(i).padStart(2, '0')}${'x'.repeat(41)}`;
        expect((await agent.get(`/appointments/${wrong}`)).status).toBe(404);
      }
      const blocked = await agent.get(`/appointments/${'y'.repeat(43)}`);
      expect(blocked.status).toBe(429);
      expect(blocked.text).toContain('Even wachten');
      expect((await agent.get(`/appointments/${token}`)).status).toBe(429);
    });
  });

  describe('staff', () => {
    async function staffAgent(role: 'volunteer' | 'coordinator', branches: number[]): Promise<{ agent: ReturnType<TestApp['agent']>; id: number }> {
      const email = `${role}-${Math.random().toString(36).slice(2, 7)}@bieb.nl`;
      const id = await createUser(t.deps, role, branches, email);
      const agent = t.agent();
      await signIn(agent, email);
      return { agent, id };
    }

    test('the day list shows the branch bookings; arrived/done/no-show store who and when', async () => {
      const a = book({ startsAt: '2026-03-02T10:00:00.000Z' }).appointment; // today 11:00
      const b = book({ startsAt: '2026-03-02T10:30:00.000Z' }).appointment;
      t.clock.set('2026-03-02T09:50:00Z');
      const { agent, id } = await staffAgent('volunteer', [branch]);
      const list = await agent.get('/appointments');
      expect(list.status).toBe(200);
      expect(list.text).toContain('Ahmed &lt;i&gt;El Amrani&lt;/i&gt;');
      const csrf = csrfFrom(list.text);
      t.clock.set('2026-03-02T09:58:00Z');
      const arrived = await agent.post(`/appointments/${a.id}/status`).type('form').send({ _csrf: csrf, status: 'arrived' });
      expect(arrived.status).toBe(303);
      expect((await agent.post(`/appointments/${a.id}/status`).type('form').send({ _csrf: csrf, status: 'arrived' })).status).toBe(409);
      for (const at of ['10:10', '10:22', '10:31']) {
        t.clock.set(`2026-03-02T${at}:00Z`); // staff sessions end after 15 idle minutes
        await agent.get('/appointments');
      }
      await agent.post(`/appointments/${b.id}/status`).type('form').send({ _csrf: csrf, status: 'no_show' });
      expect(t.deps.appointments.findById(a.id)).toMatchObject({ status: 'arrived', arrivedBy: id, arrivedAt: '2026-03-02T09:58:00.000Z' });
      expect(t.deps.appointments.findById(b.id)).toMatchObject({ status: 'no_show', noShowBy: id, noShowAt: '2026-03-02T10:31:00.000Z' });
      expect((await agent.post(`/appointments/${a.id}/status`).type('form').send({ _csrf: csrf, status: 'bogus' })).status).toBe(409);
      expect((await agent.post(`/appointments/${a.id}/status`).type('form').send({ status: 'done' })).status).toBe(403);
      const detail = await agent.get(`/appointments/${a.id}`);
      expect(detail.text).toContain('Aanwezig: 2 mrt 2026 10:58 – Test volunteer');
    });

    test('staff of another branch cannot see or change a booking, also not by guessing ids', async () => {
      const a = book().appointment;
      const { agent } = await staffAgent('volunteer', [other]);
      const page = await agent.get('/appointments');
      const csrf = csrfFrom(page.text);
      // Another branch's booking or branch answers like one that does not exist (issue 8: was 403).
      expect((await agent.get(`/appointments/${a.id}`)).status).toBe(404);
      expect((await agent.get(`/appointments?branch=${branch}`)).status).toBe(404);
      expect((await agent.get(`/appointments/day?branch=${branch}`)).status).toBe(404);
      expect((await agent.get(`/appointments/new?branch=${branch}`)).status).toBe(404);
      expect((await agent.post(`/appointments/${a.id}/status`).type('form').send({ _csrf: csrf, status: 'arrived' })).status).toBe(404);
      expect((await agent.post(`/appointments/${a.id}/cancel`).type('form').send({ _csrf: csrf, reason: 'x' })).status).toBe(404);
      expect((await agent.get('/appointments/99999')).status).toBe(404);
      // A malformed branch is a 400, not a silent fall-back to the person's own branch.
      expect((await agent.get('/appointments?branch=abc')).status).toBe(400);
      expect((await agent.get('/appointments/day?branch=1x')).status).toBe(400);
      expect((await agent.post('/appointments/abc/status').type('form').send({ _csrf: csrf, status: 'arrived' })).status).toBe(400);
      expect(t.deps.appointments.findById(a.id)!.status).toBe('booked');
      const expert = await createUser(t.deps, 'expert', [], 'expert@bieb.nl');
      expect(expert).toBeGreaterThan(0);
      const expertAgent = t.agent();
      await signIn(expertAgent, 'expert@bieb.nl');
      expect((await expertAgent.get('/appointments')).status).toBe(403);
      expect((await expertAgent.get(`/appointments/${a.id}`)).status).toBe(403);
      expect((await t.agent().get(`/appointments/${a.id}`)).status).toBe(303); // signed out → sign-in page
    });

    test('viewing a booking and printing the day list are audited', async () => {
      const a = book().appointment;
      const { agent, id } = await staffAgent('volunteer', [branch]);
      await agent.get(`/appointments/${a.id}`);
      const day = await agent.get(`/appointments/day?branch=${branch}&date=2026-03-03`);
      expect(day.text).toContain('06 11112222');
      const audit = t.db.prepare("SELECT action, actor_user_id, subject_id FROM audit_log WHERE action IN ('personal_data.viewed', 'appointment.day_list_viewed') ORDER BY id").all();
      expect(audit).toEqual([
        { action: 'personal_data.viewed', actor_user_id: id, subject_id: String(a.id) },
        { action: 'appointment.day_list_viewed', actor_user_id: id, subject_id: String(branch) },
      ]);
    });

    test('cancel with a reason: required, mailed to the citizen (escaped in HTML, exact in text)', async () => {
      const a = book().appointment;
      const { agent } = await staffAgent('volunteer', [branch]);
      const page = await agent.get(`/appointments/${a.id}`);
      const empty = await agent.post(`/appointments/${a.id}/cancel`).type('form').send({ _csrf: csrfFrom(page.text), reason: ' ' });
      expect(empty.status).toBe(400);
      expect(empty.text).toContain('href="#reason"');
      const res = await agent.post(`/appointments/${a.id}/cancel`).type('form').send({ _csrf: csrfFrom(page.text), reason: 'Ziek <b>& afwezig</b>' });
      expect(res.status).toBe(303);
      const mail = t.db.prepare("SELECT html_body, text_body FROM outbox WHERE kind = 'appointment-cancelled'").get() as { html_body: string; text_body: string };
      expect(mail.html_body).toContain('Ziek &lt;b&gt;&amp; afwezig&lt;/b&gt;');
      expect(mail.text_body).toContain('Ziek <b>& afwezig</b>');
      expect(mail.text_body).toContain('Ahmed <i>El Amrani</i>');
      expect(t.deps.appointments.findById(a.id)).toMatchObject({ status: 'cancelled', cancelReason: 'Ziek <b>& afwezig</b>' });
    });

    test('book for someone at the desk without contact; override only for coordinators (audited)', async () => {
      book();
      book();
      const vol = await staffAgent('volunteer', [branch]);
      const form = await vol.agent.get(`/appointments/new?branch=${branch}&date=2026-03-03`);
      expect(form.status).toBe(200);
      expect(form.text).not.toContain('name="override"');
      expect(form.text).not.toContain('value="2026-03-03T09:00:00.000Z"'); // full
      // Each time says what its number means: the places still free.
      expect(form.text).toMatch(/>09:30 – nog \d+ (plek|plekken)<\/option>/);
      expect(form.text).not.toMatch(/\d\d:\d\d \(\d+\)/);
      const base = { _csrf: csrfFrom(form.text), branch: String(branch), topic: 'device', channel: 'desk', name: 'Mevrouw Jansen', email: '', phone: '', language: 'nl' };
      const ok = await vol.agent.post('/appointments/new').type('form').send({ ...base, start: '2026-03-03T09:30:00.000Z' });
      expect(ok.status).toBe(303);
      const full = await vol.agent.post('/appointments/new').type('form').send({ ...base, start: '2026-03-03T09:00:00.000Z' });
      expect(full.status).toBe(409);
      const forged = await vol.agent.post('/appointments/new').type('form').send({ ...base, start: '2026-03-03T09:00:00.000Z', override: 'on' });
      expect(forged.status).toBe(403);
      const invalid = await vol.agent.post('/appointments/new').type('form').send({ ...base, name: '', start: '2026-03-03T09:30:00.000Z' });
      expect(invalid.status).toBe(400);
      expect(invalid.text).toContain('href="#name"');
      const coord = await staffAgent('coordinator', [branch]);
      const cform = await coord.agent.get(`/appointments/new?branch=${branch}&date=2026-03-03`);
      expect(cform.text).toContain('name="override"');
      const over = await coord.agent.post('/appointments/new').type('form').send({ ...base, _csrf: csrfFrom(cform.text), start: '2026-03-03T09:00:00.000Z', override: 'on', channel: 'phone' });
      expect(over.status).toBe(303);
      expect(t.db.prepare("SELECT count(*) FROM appointments WHERE starts_at = '2026-03-03T09:00:00.000Z' AND status = 'booked'").pluck().get()).toBe(3);
      expect(t.db.prepare("SELECT actor_user_id FROM audit_log WHERE action = 'appointment.booked_over_capacity'").pluck().all()).toEqual([coord.id]);
      const otherBranch = await vol.agent.post('/appointments/new').type('form').send({ ...base, branch: String(other), start: '2026-03-03T10:30:00.000Z' });
      expect(otherBranch.status).toBe(404); // issue 8: another branch is a 404 (was 403)
    });

    test('a status change on the staff pages updates the public queue display at once (waiting count)', async () => {
      const notifier = new RecordingNotifier();
      t.deps.notifier.attach(notifier);
      const a = book({ startsAt: '2026-03-02T10:00:00.000Z' }).appointment;
      t.clock.set('2026-03-02T09:50:00Z');
      const { agent } = await staffAgent('volunteer', [branch]);
      const csrf = csrfFrom((await agent.get('/appointments')).text);
      const display = (): Record<string, unknown>[] =>
        notifier.published.filter((p) => p.channel === `screen:${branch}` && p.event === 'queue.updated').map((p) => p.payload);
      expect(display()).toEqual([]);
      expect((await agent.post(`/appointments/${a.id}/status`).type('form').send({ _csrf: csrf, status: 'arrived' })).status).toBe(303);
      expect(display()).toEqual([{ branchId: branch, calls: [], waiting: 1 }]);
      expect((await agent.post(`/appointments/${a.id}/status`).type('form').send({ _csrf: csrf, status: 'done' })).status).toBe(303);
      expect(display().pop()).toEqual({ branchId: branch, calls: [], waiting: 0 });
      // A refused change (already done) announces nothing; and nothing reaches another branch's screen.
      const before = display().length;
      expect((await agent.post(`/appointments/${a.id}/status`).type('form').send({ _csrf: csrf, status: 'arrived' })).status).toBe(409);
      expect(display()).toHaveLength(before);
      expect(notifier.published.some((p) => p.channel === `screen:${other}`)).toBe(false);
      expect(JSON.stringify(display())).not.toContain('Ahmed');
    });

    test('the desk shows today\'s appointments panel', async () => {
      book({ startsAt: '2026-03-02T10:00:00.000Z' });
      const { agent } = await staffAgent('volunteer', [branch]);
      const desk = await agent.get('/desk');
      expect(desk.status).toBe(200);
      expect(desk.text).toContain('id="appointments-today"');
      expect(desk.text).toContain('Afspraken vandaag');
      expect(desk.text).toContain('11:00');
    });
  });
});
