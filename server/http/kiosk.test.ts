import { createTestApp, createBranch, createUser, csrfFrom, signedIn, type TestApp } from '../../tests/helpers/test-app';
import { FakeClock } from '../lib/clock';
import { asKiosk } from '../../tests/helpers/arrival';

/**
 * The booking steps on a library kiosk (a browser with the kiosk cookie) carry the idle reset; at home and
 * for signed-in staff they do not; the kiosk's start page forgets an unfinished booking.
 */
describe('kiosk idle reset on the booking pages', () => {
  let t: TestApp;
  let branch: number;
  const start = '2026-03-03T09:00:00.000Z'; // Tuesday 10:00 in Amsterdam
  const details = (): string => `/book/details?branch=${branch}&topic=digid&start=${encodeURIComponent(start)}`;

  beforeEach(() => {
    t = createTestApp({ clock: new FakeClock('2026-03-02T08:00:00Z'), env: { KIOSK_IDLE_SECONDS: '42' } });
    branch = createBranch(t.deps, { desks: 1, name: 'Centrale Bibliotheek' });
  });
  afterEach(() => t.close());

  test('on a kiosk: countdown from KIOSK_IDLE_SECONDS, kiosk.js, no <meta refresh>; at home: none of it', async () => {
    const home = await t.agent().get(details());
    expect(home.status).toBe(200);
    expect(home.text).not.toContain('data-reset-after');
    expect(home.text).not.toContain('kiosk.js');
    expect(home.text).toContain('autocomplete="name"');

    const kiosk = t.agent();
    asKiosk(kiosk, branch);
    const page = await kiosk.get(details());
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-reset-after="42"');
    expect(page.text).toContain('data-reset-url="/language/nl?back=/check-in"');
    expect(page.text).toMatch(/<script src="[^"]*kiosk[^"]*\.js" defer>/);
    expect(page.text).toContain('data-more-time');
    expect(page.text).not.toMatch(/http-equiv="refresh"/);
    // The browser neither offers the previous citizen's details nor restores them on Back.
    expect(page.text).toMatch(/<form method="post" action="\/book\/details[^>]*autocomplete="off"/);
    expect(page.text).not.toMatch(/autocomplete="(name|email|tel)"/);
    // The check-in start page keeps its own countdown (no second one).
    const startPage = await kiosk.get('/check-in');
    expect(startPage.text.match(/data-reset-after=/g)).toHaveLength(1);
  });

  test('signed-in staff on a kiosk browser get no countdown', async () => {
    await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
    const agent = await signedIn(t, 'vol@bieb.nl');
    asKiosk(agent, branch);
    const page = await agent.get(`/appointments?branch=${branch}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('data-reset-after');
  });

  test("the kiosk's start page forgets the unfinished booking of the person before", async () => {
    const kiosk = t.agent();
    asKiosk(kiosk, branch);
    const form = await kiosk.get(details());
    const res = await kiosk.post(details()).type('form').send({ _csrf: csrfFrom(form.text), name: 'Vorige Bezoeker', email: 'vorige@example.nl', phone: '', language: 'nl' });
    expect(res.status).toBe(303);
    expect((await kiosk.get('/book/check')).text).toContain('Vorige Bezoeker');
    await kiosk.get('/check-in');
    const after = await kiosk.get('/book/check');
    expect(after.status).toBe(200);
    expect(after.text).not.toContain('Vorige Bezoeker');
  });

  test('kiosk mode (issue #13 item 5): larger text, links that leave the site as text; at home and for staff: links', async () => {
    const home = await t.agent().get('/privacy');
    expect(home.text).not.toContain('kiosk-mode');
    expect(home.text).toContain('href="https://autoriteitpersoonsgegevens.nl"');
    expect(home.text).toContain('href="tel:08001508"');

    const kiosk = asKiosk(t.agent(), branch);
    for (const url of ['/privacy', '/', '/book', `/survey?branch=${branch}`]) {
      const page = await kiosk.get(url);
      expect([url, page.status]).toEqual([url, 200]);
      expect([url, /<body class="[^"]*kiosk-mode/.test(page.text)]).toEqual([url, true]);
      expect([url, page.text.match(/href="(https?:|tel:|mailto:)[^"]*"/g)]).toEqual([url, null]);
    }
    expect((await kiosk.get('/privacy')).text).toContain('<span class="outbound-text" lang="nl">autoriteitpersoonsgegevens.nl</span>');
    // The survey on a kiosk goes back to the Dutch start page after a while, like the booking pages.
    expect((await kiosk.get(`/survey?branch=${branch}`)).text).toContain('data-reset-url="/language/nl?back=/check-in"');

    await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
    const staff = asKiosk(await signedIn(t, 'vol@bieb.nl'), branch);
    expect((await staff.get('/privacy')).text).not.toContain('kiosk-mode');
  });
});
