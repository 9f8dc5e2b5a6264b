import type TestAgent from 'supertest/lib/agent';
import { createTestApp, createBranch, createUser, csrfFrom, signIn, type TestApp } from '../../../tests/helpers/test-app';
import { addBooking } from '../../../tests/helpers/arrival';
import { RecordingNotifier } from '../../realtime/notifier';

const TODAY = '2026-03-02';

describe('desk queue panel, desk actions and the public queue display', () => {
  let t: TestApp;
  let branch: number;
  let other: number;
  let notifier: RecordingNotifier;
  let desk: TestAgent;
  let token: string;

  beforeEach(async () => {
    t = createTestApp();
    branch = createBranch(t.deps, { name: 'Centrale Bibliotheek', desks: 3 });
    other = createBranch(t.deps, { name: 'Bibliotheek Noord' });
    notifier = new RecordingNotifier();
    t.deps.notifier.attach(notifier);
    await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
    desk = t.agent();
    await signIn(desk, 'vol@bieb.nl');
    token = csrfFrom((await desk.get('/desk')).text);
  });
  afterEach(() => t.close());

  function walkin(topic: '' | 'digid' = ''): number {
    return t.deps.arrival.takeNumber(branch, topic).id;
  }
  function statusOf(id: number): string {
    return t.db.prepare('SELECT status FROM walkins WHERE id = ?').pluck().get(id) as string;
  }

  test('the desk shows walk-ins and checked-in appointments in order of arrival, with waiting times', async () => {
    const first = walkin('digid');
    t.clock.advanceMinutes(4);
    const booking = addBooking(t.deps, { branchId: branch, date: TODAY, time: '10:30', code: 'K7M2QXA', name: 'Fatima el <b>Amrani</b>' });
    t.deps.arrival.checkIn(branch, 'K7M2QXA', null);
    t.clock.advanceMinutes(3);
    walkin();
    t.clock.advanceMinutes(2);
    const page = await desk.get('/desk');
    expect(page.status).toBe(200);
    const panel = page.text.slice(page.text.indexOf('id="queue-panel"'));
    const order = ['Nummer 1', 'Afspraak 10:30', 'Nummer 2'].map((s) => panel.indexOf(s));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(panel).toContain('9 min');
    expect(panel).toContain('5 min');
    expect(panel).toContain('2 min');
    expect(panel).toContain('DigiD');
    expect(panel).toContain('Fatima el &lt;b&gt;Amrani&lt;/b&gt;');
    expect(panel).toContain(`action="/queue/walkins/${first}/call"`);
    expect(panel).toContain(`action="/queue/appointments/${booking}/start"`);
    // Three desks: a choice of desk with a label.
    expect(panel).toMatch(/<label for="desk-walkin-\d+" class="desk-label">Balie<\/label>/);
    expect(page.text).toMatch(/<script src="\/socket\.io\/socket\.io\.min\.js" defer><\/script>/);
    expect(page.text).toMatch(/desk-live\.[0-9a-f]+\.js/);
  });

  test('call → start (stays on the desk, offers the intake); done and no-show take people off the queue; every step announced', async () => {
    const a = walkin();
    const b = walkin();
    const call = await desk.post(`/queue/walkins/${a}/call`).type('form').send({ _csrf: token, desk: '2' });
    expect(call.status).toBe(303);
    expect(call.headers.location).toBe(`/desk?branch=${branch}#queue-panel`);
    expect(statusOf(a)).toBe('called');
    expect(notifier.published).toContainEqual({ channel: `screen:${branch}`, event: 'queue.updated', payload: { branchId: branch, calls: [{ kind: 'walkin', label: '1', desk: 2 }], waiting: 1 } });
    expect(notifier.published).toContainEqual(expect.objectContaining({ channel: `branch:${branch}`, event: 'walkin.updated' }));
    expect((await desk.get('/desk')).text).toContain('Opgeroepen naar balie 2');

    const start = await desk.post(`/queue/walkins/${a}/start`).type('form').send({ _csrf: token });
    expect(start.status).toBe(303);
    // Issue #15: the desk keeps the volunteer on the desk; the row now links to the intake for this visit.
    expect(start.headers.location).toBe(`/desk?branch=${branch}#queue-panel`);
    const intakeLink = `/intake/new?walkin=${a}&amp;channel=desk&amp;branch=${branch}`;
    expect((await desk.get(start.headers.location)).text).toContain(intakeLink);
    // The intake opens for this visit (the intake feature reads walkin, channel and branch).
    expect((await desk.get(intakeLink.replace(/&amp;/g, '&'))).status).toBe(200);
    expect(statusOf(a)).toBe('in_progress');
    // Double submit: the second start finds nothing to start and says so, without an error page.
    const again = await desk.post(`/queue/walkins/${a}/start`).type('form').send({ _csrf: token });
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe('/desk#queue-panel');
    expect((await desk.get('/desk')).text).toContain('iemand anders heeft deze bezoeker al opgeroepen of geholpen');

    expect((await desk.post(`/queue/walkins/${a}/done`).type('form').send({ _csrf: token })).status).toBe(303);
    expect(statusOf(a)).toBe('done');
    expect((await desk.post(`/queue/walkins/${b}/no-show`).type('form').send({ _csrf: token })).status).toBe(303);
    expect(statusOf(b)).toBe('no_show');
    expect((await desk.get('/desk')).text).toContain('Er wacht nu niemand.');
  });

  test('appointments: call shows the time on the display (no name); start sets in progress and stays on the desk', async () => {
    const id = addBooking(t.deps, { branchId: branch, date: TODAY, time: '10:30', code: 'K7M2QXA', name: 'Piet Geheim' });
    const early = await desk.post(`/queue/appointments/${id}/call`).type('form').send({ _csrf: token, desk: '1' });
    expect(early.headers.location).toBe('/desk#queue-panel'); // not checked in yet
    t.deps.arrival.checkIn(branch, 'K7M2QXA', null);
    const call = await desk.post(`/queue/appointments/${id}/call`).type('form').send({ _csrf: token, desk: '3' });
    expect(call.headers.location).toBe(`/desk?branch=${branch}#queue-panel`);
    const display = await t.agent().get(`/queue/${branch}`);
    expect(display.status).toBe(200);
    expect(display.text).toMatch(/Afspraak <strong>10:30<\/strong><\/span> <span class="call-desk">Balie <strong>3<\/strong>/);
    expect(display.text).not.toContain('Piet');
    expect(display.text).toContain('<noscript><meta http-equiv="refresh" content="20"></noscript>');
    const state = await t.agent().get(`/queue/${branch}/state.json`);
    expect(state.body).toEqual({ branchId: branch, calls: [{ kind: 'appointment', label: '10:30', desk: 3 }], waiting: 1 });
    expect(JSON.stringify(state.body)).not.toContain('Piet');

    const start = await desk.post(`/queue/appointments/${id}/start`).type('form').send({ _csrf: token });
    expect(start.headers.location).toBe(`/desk?branch=${branch}#queue-panel`);
    expect(t.deps.appointments.findById(id)!.status).toBe('in_progress');
  });

  test('permissions: other branch, wrong role, signed out, missing CSRF, bad input', async () => {
    const mine = walkin();
    const theirs = t.deps.arrival.takeNumber(other, '').id;
    // Other branch, also by guessing ids: 404 (as if it did not exist, so ids cannot be probed), nothing changes.
    expect((await desk.post(`/queue/walkins/${theirs}/call`).type('form').send({ _csrf: token, desk: '1' })).status).toBe(404);
    expect((await desk.post(`/queue/walkins/${theirs}/done`).type('form').send({ _csrf: token })).status).toBe(404);
    expect(statusOf(theirs)).toBe('waiting');
    expect((await desk.post('/queue/walkins/999999/call').type('form').send({ _csrf: token, desk: '1' })).status).toBe(404);
    expect((await desk.post('/queue/walkins/abc/call').type('form').send({ _csrf: token, desk: '1' })).status).toBe(404);
    // Missing CSRF.
    expect((await desk.post(`/queue/walkins/${mine}/call`).type('form').send({ desk: '1' })).status).toBe(403);
    // A desk number that is not a number.
    expect((await desk.post(`/queue/walkins/${mine}/call`).type('form').send({ _csrf: token, desk: 'x' })).status).toBe(400);
    expect(statusOf(mine)).toBe('waiting');
    // Experts never work on a branch's queue.
    await createUser(t.deps, 'expert', [], 'expert@bieb.nl');
    const expert = t.agent();
    await signIn(expert, 'expert@bieb.nl');
    const expertToken = csrfFrom((await expert.get('/account/password')).text);
    expect((await expert.post(`/queue/walkins/${mine}/call`).type('form').send({ _csrf: expertToken, desk: '1' })).status).toBe(403);
    // Signed out.
    const anon = t.agent();
    const anonToken = csrfFrom((await anon.get('/login')).text);
    expect((await anon.post(`/queue/walkins/${mine}/call`).type('form').send({ _csrf: anonToken, desk: '1' })).status).toBe(403);
    expect(statusOf(mine)).toBe('waiting');
    // Wrong method.
    expect((await desk.get(`/queue/walkins/${mine}/call`)).status).toBe(405);
  });

  test('the display: unknown branch 404; no names; JSON state for reconnects', async () => {
    expect((await t.agent().get('/queue/99999')).status).toBe(404);
    expect((await t.agent().get('/queue/abc')).status).toBe(404);
    expect((await t.agent().get('/queue/99999/state.json')).status).toBe(404);
    const page = await t.agent().get(`/queue/${branch}`);
    expect(page.text).toContain('Nog niemand opgeroepen.');
    expect(page.text).toMatch(/queue-display\.[0-9a-f]+\.js/);
    expect(page.text).not.toContain('socket.io.min.js');
    expect(page.headers['set-cookie']).toBeUndefined();
  });
});
