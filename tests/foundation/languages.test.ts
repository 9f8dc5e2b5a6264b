import ICAL from 'ical.js';
import { createTestApp, createBranch, createUser, csrfFrom, signedIn, type TestApp } from '../helpers/test-app';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { FakeClock } from '../../server/lib/clock';
import { SmtpTransport } from '../../server/mail/transport';
import { LANGUAGES } from '../../server/lib/i18n';

/**
 * Six languages (issue 13, SPEC §4.11): lang and dir per page and on every fragment in another language, staff
 * pages in Dutch when the choice is not a staff language, and e-mails and calendar files in the booking's
 * language with names in any script (and emoji) kept exactly.
 */

function htmlTag(page: string): string {
  return /<html[^>]*>/.exec(page)![0];
}

describe('languages on pages', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp();
    createBranch(t.deps, { desks: 1, name: 'Centrale Bibliotheek' });
  });
  afterEach(() => t.close());

  test('Arabic: the public pages say lang="ar" dir="rtl" and read Arabic', async () => {
    const agent = t.agent();
    expect((await agent.get('/language/ar?back=%2Fbook')).headers.location).toBe('/book');
    const book = await agent.get('/book');
    expect(htmlTag(book.text)).toBe('<html lang="ar" dir="rtl">');
    expect(book.text).toContain('أين تريد المساعدة؟');
    const home = await agent.get('/');
    expect(htmlTag(home.text)).toBe('<html lang="ar" dir="rtl">');
    expect(htmlTag((await agent.get('/privacy')).text)).toBe('<html lang="ar" dir="rtl">');
  });

  test.each(LANGUAGES.map((l) => [l.code, l.dir]))('every public page renders in %s (no staff namespace read, no missing message)', async (code, dir) => {
    const branch = createBranch(t.deps, { name: 'Noord' });
    const agent = t.agent();
    await agent.get(`/language/${code}`);
    for (const url of ['/', '/book', `/book/topic?branch=${branch}`, `/book/time?branch=${branch}&topic=digid`, '/check-in', `/check-in?branch=${branch}`, '/survey', `/survey?branch=${branch}`, '/privacy', '/toegankelijkheid', `/queue/${branch}`, '/book/cancelled']) {
      const res = await agent.get(url).redirects(2);
      expect([url, res.status]).toEqual([url, 200]);
      expect([url, htmlTag(res.text)]).toEqual([url, `<html lang="${code}" dir="${dir}">`]);
    }
  });

  test('the switch names each language in its own name, each with its own lang and dir', async () => {
    const page = (await t.agent().get('/')).text;
    for (const l of LANGUAGES.filter((x) => t.deps.translations.has(x.code))) {
      const mark = l.code === 'nl' ? `<span aria-current="true" lang="nl" dir="ltr">Nederlands</span>` : `lang="${l.code}" dir="${l.dir}" hreflang="${l.code}">${l.name}</a>`;
      expect(page).toContain(mark);
    }
    expect(page).toContain('lang="ar" dir="rtl" hreflang="ar">العربية</a>');
  });

  test('the switch offers what the page can be shown in: six languages on public pages, nl and en on /login', async () => {
    const switchOf = (html: string): string[] => {
      const nav = /<nav[^>]*class="lang-switch">([\s\S]*?)<\/nav>/.exec(html);
      expect(nav).not.toBeNull();
      return [...nav![1].matchAll(/<li><(?:a|span)[^>]* lang="(\w+)"/g)].map((m) => m[1]!);
    };
    await createUser(t.deps, 'volunteer', [], 'v@example.nl'); // without any account, /login leads to the first-run set-up
    const agent = t.agent();
    expect(switchOf((await agent.get('/login')).text)).toEqual(['nl', 'en']);
    expect(switchOf((await agent.get('/book')).text)).toEqual(['nl', 'en', 'ar', 'tr', 'pl', 'uk']);
    expect(switchOf((await agent.get('/')).text)).toEqual(['nl', 'en', 'ar', 'tr', 'pl', 'uk']);
    // Chosen Polish: /login is Dutch and says so in its switch; /book stays Polish with all six.
    await agent.get('/language/pl');
    const login = (await agent.get('/login')).text;
    expect(switchOf(login)).toEqual(['nl', 'en']);
    expect(login).toContain('<span aria-current="true" lang="nl" dir="ltr">Nederlands</span>');
    const book = (await agent.get('/book')).text;
    expect(switchOf(book)).toEqual(['nl', 'en', 'ar', 'tr', 'pl', 'uk']);
    expect(book).toContain('<span aria-current="true" lang="pl" dir="ltr">Polski</span>');
  });

  test('a staff page is in Dutch when the chosen language has no staff texts; English stays English', async () => {
    const branch = createBranch(t.deps, { name: 'Oost' });
    await createUser(t.deps, 'volunteer', [branch], 'v@example.nl');
    const anonymous = t.agent();
    await anonymous.get('/language/ar');
    const login = await anonymous.get('/login');
    expect(login.status).toBe(200);
    expect(htmlTag(login.text)).toBe('<html lang="nl" dir="ltr">');
    // The switch on a staff page offers only the staff languages (h23; it used to list Arabic here too).
    expect(login.text).toContain('<span aria-current="true" lang="nl" dir="ltr">Nederlands</span>');
    expect(login.text).not.toContain('hreflang="ar"');
    const staff = await signedIn(t, 'v@example.nl');
    await staff.get('/language/ar');
    const desk = await staff.get('/desk');
    expect(desk.status).toBe(200);
    expect(htmlTag(desk.text)).toBe('<html lang="nl" dir="ltr">');
    // Signed in, a public page has the staff menu too, so it is Dutch as well; signed out it is Arabic again.
    expect(htmlTag((await staff.get('/privacy')).text)).toBe('<html lang="nl" dir="ltr">');
    await staff.get('/language/en');
    expect(htmlTag((await staff.get('/desk')).text)).toBe('<html lang="en" dir="ltr">');
  });

  test('the read-aloud script is on public pages only, with its label in the page language', async () => {
    const agent = t.agent();
    const home = (await agent.get('/')).text;
    expect(home).toMatch(/<script src="\/static\/read-aloud\.[0-9a-f]+\.js" defer><\/script>/);
    expect(home).toContain('data-read-aloud data-label="Lees voor"');
    expect((await agent.get('/login')).text).not.toContain('read-aloud');
    await agent.get('/language/ar');
    expect((await agent.get('/book')).text).toContain('data-label="اقرأ الصفحة بصوت عالٍ"');
  });

  test('"_meta" in a locale file is not a message', () => {
    expect(t.deps.translations.keys('ar').filter((k) => k.includes('_meta'))).toEqual([]);
    expect(t.deps.translations.keys('ar')).toContain('layout.skip');
  });

  test('an unknown language code is ignored', async () => {
    const agent = t.agent();
    await agent.get('/language/xx');
    expect(htmlTag((await agent.get('/')).text)).toBe('<html lang="nl" dir="ltr">');
  });
});

describe('e-mail and .ics in the booking language', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  const start = '2026-03-03T09:00:00.000Z'; // Tuesday 10:00 in Amsterdam
  const name = 'سارة الحسيني 🌷';
  beforeEach(async () => {
    smtp = await startSmtpServer();
    t = createTestApp({ clock: new FakeClock('2026-03-02T08:00:00Z'), mailTransport: new SmtpTransport(smtp.url) });
  });
  afterEach(async () => {
    await t.close();
    await smtp.stop();
  });

  test('an Arabic booking: subject, HTML, text and calendar file in Arabic, the name and emoji exactly', async () => {
    const branch = createBranch(t.deps, { desks: 1, name: 'مكتبة المركز 📚' });
    const agent = t.agent();
    await agent.get('/language/ar');
    const url = `/book/details?branch=${branch}&topic=digid&start=${encodeURIComponent(start)}`;
    const page = await agent.get(url);
    // No separate e-mail language question any more (issue #15 item 7): the e-mail follows the pages' language.
    expect(page.text).toContain('<html lang="ar" dir="rtl">');
    const details = await agent.post(url).type('form').send({ _csrf: csrfFrom(page.text), name, email: 'sara@example.nl', phone: '', help_language: 'nl' });
    expect(details.status).toBe(303);
    const check = (await agent.get('/book/check')).text;
    expect(check).toContain(name);
    const key = /name="key" value="([^"]+)"/.exec(check)![1];
    const booked = await agent.post('/book').type('form').send({ _csrf: csrfFrom(check), key, consent: 'on', website: '' });
    expect(booked.status).toBe(303);
    expect(t.db.prepare('SELECT language FROM appointments').pluck().get()).toBe('ar');

    expect(await t.deps.outboxSender.runOnce()).toBe(1);
    const [mail] = await smtp.waitFor(1);
    const ar = t.deps.translations.translator('ar');
    expect(mail.subject).toBe(ar('appointments.mail.confirmation.subject', { date: 'الثلاثاء، 3 مارس 2026', time: '10:00' }));
    expect(mail.html).toContain('<html lang="ar" dir="rtl"');
    expect(mail.html).toContain(ar('appointments.mail.greeting', { name }));
    expect(mail.text).toContain(ar('appointments.mail.greeting', { name }));
    expect(mail.text).toContain('مكتبة المركز 📚');

    const ics = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'));
    expect(ics).toBeDefined();
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics!.content.toString('utf8'))).getFirstSubcomponent('vevent')!);
    expect(event.summary).toBe(ar('appointments.ics.summary', { branch: 'مكتبة المركز 📚' }));
    expect(event.location.startsWith('مكتبة المركز 📚')).toBe(true);
    expect(event.attendees[0].getParameter('cn')).toBe(name);
    expect(event.startDate.toString()).toBe('2026-03-03T10:00:00');

    // The same file from the manage page.
    const file = await agent.get(`${booked.headers.location.replace(/\?.*$/, '')}/calendar.ics`).buffer(true).parse((res, cb) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => cb(null, body));
    });
    const again = new ICAL.Event(new ICAL.Component(ICAL.parse(file.body as string)).getFirstSubcomponent('vevent')!);
    expect(again.attendees[0].getParameter('cn')).toBe(name);
    expect(again.description).toContain('رمز موعدك');
  });
});
