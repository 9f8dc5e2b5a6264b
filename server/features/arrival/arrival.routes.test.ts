import { gzipSync } from 'node:zlib';
import type TestAgent from 'supertest/lib/agent';
import { createTestApp, createBranch, createUser, csrfFrom, signedIn, type TestApp } from '../../../tests/helpers/test-app';
import { addBooking, asKiosk } from '../../../tests/helpers/arrival';
import { RecordingNotifier } from '../../realtime/notifier';
import { FAILED_CODES_LIMIT } from './arrival.routes';
import { normalizeCode } from './arrival.service';

// The fake clock starts on Monday 2 March 2026, 10:00 in Amsterdam.
const TODAY = '2026-03-02';

describe('kiosk check-in and walk-in numbers', () => {
  let t: TestApp;
  let branch: number;
  let other: number;
  let notifier: RecordingNotifier;

  beforeEach(() => {
    t = createTestApp();
    branch = createBranch(t.deps, { name: 'Centrale Bibliotheek' });
    other = createBranch(t.deps, { name: 'Bibliotheek Noord' });
    notifier = new RecordingNotifier();
    t.deps.notifier.attach(notifier);
  });
  afterEach(() => t.close());

  /** A kiosk browser for `branchId` (the set-up by a volunteer is tested below): the cookie it leaves. */
  async function kiosk(branchId = branch): Promise<TestAgent> {
    return asKiosk(t.agent(), branchId);
  }

  async function checkIn(agent: TestAgent, code: string): Promise<{ status: number; text: string; location?: string }> {
    const page = await agent.get('/check-in');
    const res = await agent.post('/check-in').type('form').send({ _csrf: csrfFrom(page.text), code });
    return { status: res.status, text: res.text, location: res.headers.location };
  }

  test("a citizen's browser is told where to check in; it does not become a kiosk", async () => {
    const agent = t.agent();
    const page = await agent.get('/check-in');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Aanmelden doet u in de bibliotheek');
    expect(page.text).not.toContain('name="code"');
    expect(page.text).not.toContain('/check-in?branch=');
    expect(page.text).toContain('href="/check-in/setup"');
    // The old set-up link (/check-in?branch=ID) sets nothing for someone who is not signed in.
    const old = await agent.get(`/check-in?branch=${branch}`);
    expect(old.status).toBe(200);
    expect(String(old.headers['set-cookie'] ?? '')).not.toContain('kiosk_branch');
    expect((await agent.get('/check-in')).text).not.toContain('Welkom bij Centrale Bibliotheek');
    // The QR code from the e-mail, opened on a phone: the code is shown, with where to use it.
    expect((await agent.get('/check-in?code=k7m2qxa')).text).toContain('<strong class="code">K7M2QXA</strong>');
    // The set-up page needs a staff sign-in; a post without it is refused.
    expect((await agent.get('/check-in/setup')).headers.location).toBe('/login?next=%2Fcheck-in%2Fsetup');
    await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
    const token = csrfFrom((await agent.get('/login')).text);
    expect((await agent.post('/check-in/setup').type('form').send({ _csrf: token, branch: String(branch) })).status).toBe(403);
  });

  test('a volunteer makes the browser the kiosk of their branch and is signed out; not of another branch', async () => {
    await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
    const agent = await signedIn(t, 'vol@bieb.nl');
    // The desk's link leads to the set-up page with the branch chosen.
    expect((await agent.get(`/desk?branch=${branch}`)).text).toContain(`href="/check-in/setup?branch=${branch}"`);
    const setup = await agent.get(`/check-in/setup?branch=${branch}`);
    expect(setup.status).toBe(200);
    expect(setup.text).toMatch(new RegExp(`name="branch" value="${branch}" checked`));
    // Another branch: 404, and a post for it sets nothing.
    expect((await agent.get(`/check-in/setup?branch=${other}`)).status).toBe(404);
    const forged = await agent.post('/check-in/setup').type('form').send({ _csrf: csrfFrom(setup.text), branch: String(other) });
    expect(forged.status).toBe(404);
    expect(String(forged.headers['set-cookie'] ?? '')).not.toContain('kiosk_branch');

    const res = await agent.post('/check-in/setup').type('form').send({ _csrf: csrfFrom(setup.text), branch: String(branch) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/check-in');
    expect(String(res.headers['set-cookie'])).toMatch(/kiosk_branch=\d+; .*HttpOnly/);
    // Signed out: no staff session stays open on a public screen.
    expect((await agent.get('/desk')).status).toBe(303);
    const page = await agent.get('/check-in');
    expect(page.text).toContain('Welkom bij Centrale Bibliotheek');
    expect(page.text).toContain('name="code"');
    // The QR code on the confirmation opens /check-in?code=…: the code is filled in, not submitted.
    const qr = await agent.get('/check-in?code=K7M2QXA');
    expect(qr.text).toMatch(/id="code" name="code" type="text"\s*value="K7M2QXA"/);
  });

  test('admins and experts do no desk work: they cannot make a kiosk (403)', async () => {
    await createUser(t.deps, 'admin', [], 'admin@bieb.nl');
    const agent = await signedIn(t, 'admin@bieb.nl');
    expect((await agent.get(`/check-in/setup?branch=${branch}`)).status).toBe(403);
  });

  test('a booking code checks in today\'s appointment: plain answer once, then back to the start', async () => {
    const id = addBooking(t.deps, { branchId: branch, date: TODAY, time: '10:30', code: 'K7M2QXA' });
    const agent = await kiosk();
    const res = await checkIn(agent, 'k7m2 qxa');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/check-in/result');
    const result = await agent.get('/check-in/result');
    expect(result.status).toBe(200);
    expect(result.text).toContain('Welkom, u bent aangemeld.');
    expect(result.text).toContain('Neem even plaats.');
    expect(result.text).toContain('10:30');
    expect(result.text).not.toContain('Jan Jansen');
    expect(result.text).toContain('<noscript><meta http-equiv="refresh" content="12;url=/language/nl?back=/check-in"></noscript>');
    expect(result.headers['cache-control']).toBe('no-store');
    // Shown once: a reload (or the next person pressing back) lands on the start page.
    const again = await agent.get('/check-in/result');
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe('/check-in');

    const row = t.deps.appointments.findById(id)!;
    expect(row.status).toBe('arrived');
    expect(row.arrivedAt).toBe(t.clock.now().toISOString());
    const events = notifier.published.filter((p) => p.channel === `branch:${branch}`).map((p) => p.event);
    expect(events).toEqual(expect.arrayContaining(['appointment.updated', 'checkin']));
    expect(notifier.published.some((p) => p.channel.startsWith('screen:') && JSON.stringify(p.payload).includes('Jan'))).toBe(false);
    expect(notifier.published.filter((p) => p.channel === `screen:${branch}`).pop()?.payload).toMatchObject({ waiting: 1 });

    // A second check-in with the same code is friendly, not an error.
    const second = await checkIn(agent, 'K7M2QXA');
    expect(second.status).toBe(303);
    expect((await agent.get('/check-in/result')).text).toContain('U bent al aangemeld.');
  });

  test('every reset goes back to Dutch, so the next person does not get the language the last one chose', async () => {
    addBooking(t.deps, { branchId: branch, date: TODAY, time: '10:30', code: 'K7M2QXA' });
    const agent = await kiosk();
    const switched = await agent.get('/language/en?back=/check-in');
    expect(switched.status).toBe(303);
    const english = await agent.get('/check-in');
    expect(english.text).toContain('<html lang="en"');
    // Nothing typed, but another language on screen: without JavaScript the start page resets itself too.
    expect(english.text).toContain('<noscript><meta http-equiv="refresh" content="60;url=/language/nl?back=/check-in"></noscript>');
    expect(english.text).toContain('data-reset-url="/language/nl?back=/check-in"');
    const res = await agent.post('/check-in').type('form').send({ _csrf: csrfFrom(english.text), code: 'K7M2QXA' });
    expect(res.status).toBe(303);
    const result = await agent.get('/check-in/result');
    expect(result.text).toContain('<html lang="en"');
    expect(result.text).toContain('<noscript><meta http-equiv="refresh" content="12;url=/language/nl?back=/check-in"></noscript>');
    expect(result.text).toContain('data-reset-url="/language/nl?back=/check-in"');
    expect(result.text).toContain('class="button button-large" href="/language/nl?back=/check-in"');
    // Following the reset: Dutch cookie, then the start page in Dutch, which then stays put while idle.
    const reset = await agent.get('/language/nl?back=/check-in');
    expect(reset.status).toBe(303);
    expect(reset.headers.location).toBe('/check-in');
    expect(String(reset.headers['set-cookie'])).toMatch(/lang=nl;/);
    const start = await agent.get('/check-in');
    expect(start.text).toContain('<html lang="nl"');
    expect(start.text).not.toContain('http-equiv="refresh"');
  });

  test('wrong code, another day, another branch, cancelled: friendly messages, status 400, nothing changes', async () => {
    addBooking(t.deps, { branchId: branch, date: '2026-03-05', time: '14:00', code: 'TMRW234' });
    addBooking(t.deps, { branchId: branch, date: '2026-02-27', time: '11:00', code: 'PAST234' });
    const north = addBooking(t.deps, { branchId: other, date: TODAY, time: '10:00', code: 'NRTH234' });
    addBooking(t.deps, { branchId: branch, date: TODAY, time: '11:00', code: 'CNCX234', status: 'cancelled' });
    const agent = await kiosk();

    const wrong = await checkIn(agent, 'ZZZZZZZ');
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('class="error-summary"');
    expect(wrong.text).toContain('href="#code"');
    expect(wrong.text).toContain('Wij vinden deze code niet');
    // The typed code is on screen now, so the page clears itself if nobody goes on.
    expect(wrong.text).toContain('<noscript><meta http-equiv="refresh" content="60;url=/language/nl?back=/check-in"></noscript>');

    const empty = await checkIn(agent, '   ');
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Vul uw afspraakcode in');

    const later = await checkIn(agent, 'tmrw234');
    expect(later.status).toBe(400);
    expect(later.text).toContain('Uw afspraak is op donderdag 5 maart 2026 om 14:00 uur');

    const past = await checkIn(agent, 'PAST234');
    expect(past.text).toContain('Deze afspraak was op vrijdag 27 februari 2026');

    const elsewhere = await checkIn(agent, 'NRTH234');
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.text).toContain('andere vestiging: Bibliotheek Noord');
    expect(t.deps.appointments.findById(north)!.status).toBe('booked');

    expect((await checkIn(agent, 'CNCX234')).text).toContain('Deze afspraak is afgezegd');
    expect(notifier.published.filter((p) => p.event === 'checkin')).toEqual([]);
  });

  test('codes are read case-insensitively with spaces, dashes and full-width characters; junk is not looked up', () => {
    expect(normalizeCode(' k7m-2qx.a ')).toBe('K7M2QXA');
    expect(normalizeCode('ｋ７ｍ２ｑｘａ')).toBe('K7M2QXA');
    expect(normalizeCode('K0M2QXA')).toBeNull(); // 0 never occurs in a code
    expect(normalizeCode("' OR 1=1 --")).toBeNull();
    expect(normalizeCode('ABC')).toBeNull();
  });

  test('guessing codes is rate-limited per kiosk', async () => {
    const agent = await kiosk();
    const page = await agent.get('/check-in');
    const token = csrfFrom(page.text);
    for (let i = 0; i < FAILED_CODES_LIMIT; i++) {
      const res = await agent.post('/check-in').type('form').send({ _csrf: token, code: `WRNG${String(i).padStart(3, '2').replace(/[01]/g, '9')}` });
      expect(res.status).toBe(400);
    }
    const blocked = await agent.post('/check-in').type('form').send({ _csrf: token, code: 'ZZZZZZZ' });
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Het is te vaak fout gegaan');
    expect(blocked.headers['ratelimit-policy']).toBeDefined();
  });

  test('POST without CSRF is refused; a kiosk without branch cannot check in; wrong methods get 405', async () => {
    const agent = await kiosk();
    await agent.get('/check-in');
    expect((await agent.post('/check-in').type('form').send({ code: 'K7M2QXA' })).status).toBe(403);
    expect((await agent.post('/check-in/walk-in').type('form').send({ topic: '' })).status).toBe(403);
    await createUser(t.deps, 'volunteer', [branch]);
    const bare = t.agent();
    const page = await bare.get('/login');
    const res = await bare.post('/check-in/walk-in').type('form').send({ _csrf: csrfFrom(page.text), topic: '' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Deze kiosk is nog niet ingesteld');
    const token = csrfFrom((await agent.get('/check-in')).text);
    expect((await agent.put('/check-in').set('x-csrf-token', token)).status).toBe(405);
    expect((await agent.get('/check-in/walk-in')).status).toBe(405);
  });

  test('a walk-in number with a topic: printable ticket, desks told, numbers restart the next day', async () => {
    const agent = await kiosk();
    const page = await agent.get('/check-in');
    const token = csrfFrom(page.text);
    const first = await agent.post('/check-in/walk-in').type('form').send({ _csrf: token, topic: 'digid' });
    expect(first.status).toBe(303);
    expect(first.headers.location).toMatch(/^\/check-in\/ticket\/[A-Za-z0-9_-]{22}$/);
    const ticket = await agent.get(first.headers.location);
    expect(ticket.status).toBe(200);
    expect(ticket.text).toMatch(/class="ticket-number">1</);
    expect(ticket.text).toContain('Onderwerp: DigiD');
    expect(ticket.text).toContain('U bent de volgende.');
    expect(ticket.text).toContain('print-card');

    const second = await agent.post('/check-in/walk-in').type('form').send({ _csrf: token, topic: '' });
    const ticket2 = await agent.get(second.headers.location);
    expect(ticket2.text).toMatch(/class="ticket-number">2</);
    expect(ticket2.text).toContain('Er is 1 persoon voor u.');
    expect(notifier.published.filter((p) => p.event === 'checkin' && p.channel === `branch:${branch}`)).toHaveLength(2);
    const screen = notifier.published.filter((p) => p.channel === `screen:${branch}`).pop()!;
    expect(screen.payload).toEqual({ branchId: branch, calls: [], waiting: 2 });

    const bad = await agent.post('/check-in/walk-in').type('form').send({ _csrf: token, topic: 'bsn' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('class="error-summary"');

    t.clock.set('2026-03-03T08:00:00Z');
    const tomorrow = await agent.post('/check-in/walk-in').type('form').send({ _csrf: token, topic: '' });
    expect((await agent.get(tomorrow.headers.location)).text).toMatch(/class="ticket-number">1</);
    // Another branch counts on its own.
    const north = await kiosk(other);
    const northPage = await north.get('/check-in');
    const n1 = await north.post('/check-in/walk-in').type('form').send({ _csrf: csrfFrom(northPage.text), topic: '' });
    expect((await north.get(n1.headers.location)).text).toMatch(/class="ticket-number">1</);

    expect((await agent.get('/check-in/ticket/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await agent.get('/check-in/ticket/1')).status).toBe(404);
  });

  test('walk-in numbers are unique and gap-free under 20 simultaneous requests', async () => {
    const agents = await Promise.all(Array.from({ length: 20 }, () => kiosk()));
    const tokens = await Promise.all(agents.map(async (a) => csrfFrom((await a.get('/check-in')).text)));
    const results = await Promise.all(agents.map((a, i) => a.post('/check-in/walk-in').type('form').send({ _csrf: tokens[i], topic: '' })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(303));
    const numbers = t.db.prepare('SELECT number FROM walkins WHERE branch_id = ? AND local_date = ? ORDER BY number').pluck().all(branch, TODAY);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // The database itself refuses a duplicate number, whatever the code does.
    expect(() =>
      t.db
        .prepare("INSERT INTO walkins (branch_id, local_date, number, ticket_token, created_at) VALUES (?, ?, 5, 'x', '2026-03-02T09:00:00Z')")
        .run(branch, TODAY),
    ).toThrow(/UNIQUE/);
  });

  test('the kiosk page, a ticket and the queue display fit the 14 KB public page budget (gzip, with CSS and JS)', async () => {
    const agent = await kiosk();
    const pages = ['/check-in'];
    const token = csrfFrom((await agent.get('/check-in')).text);
    const res = await agent.post('/check-in/walk-in').type('form').send({ _csrf: token, topic: '' });
    pages.push(res.headers.location, `/queue/${branch}`);
    for (const url of pages) {
      const html = (await agent.get(url)).text;
      const assets = [...html.matchAll(/(?:href|src)="(\/static\/[^"]+\.(?:css|js))"/g)].map((m) => m[1]);
      let total = gzipSync(html).length;
      for (const a of assets) total += gzipSync((await agent.get(a)).text).length;
      expect({ url, total: total < 14 * 1024 }).toEqual({ url, total: true });
    }
  });
});
