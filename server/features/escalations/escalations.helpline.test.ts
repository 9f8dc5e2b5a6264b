import type TestAgent from 'supertest/lib/agent';
import { postForm } from '../../../tests/helpers/chat';
import { startLiveServer, type LiveServer } from '../../../tests/helpers/live-server';
import { startSmtpServer, type TestSmtpServer } from '../../../tests/helpers/smtp';
import { createBranch, createTestApp, createUser, signedIn, type TestApp } from '../../../tests/helpers/test-app';
import { SYSTEM_ACTOR } from '../../lib/actor';
import { SmtpTransport } from '../../mail/transport';
import { helplineContact } from './escalations.model';

const WEEK_CLOSED: Record<string, string> = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].flatMap((d) => [[`opens_${d}`, ''], [`closes_${d}`, '']]));
const NEW_PHONE = '+31 (0)800 9999';
const NEW_TEL = 'tel:+3108009999';

/** The part of a page between two markers (e.g. the footer), so a number elsewhere on the page does not count. */
function between(html: string, start: string, end: string): string {
  const from = html.indexOf(start);
  expect(from).toBeGreaterThanOrEqual(0);
  return html.slice(from, html.indexOf(end, from));
}

describe('the Digihulplijn number has one source: the escalation settings', () => {
  test('helplineContact: the tel: link keeps only digits and a leading +', () => {
    expect(helplineContact('0800-1508')).toEqual({ phone: '0800-1508', tel: 'tel:08001508' });
    expect(helplineContact(' +31 (0)800 9999 ')).toEqual({ phone: '+31 (0)800 9999', tel: NEW_TEL });
    expect(helplineContact('(+31) 800').tel).toBe('tel:31800');
  });

  describe('saved on /admin/escalations → pages and e-mails', () => {
    let t: TestApp;
    let smtp: TestSmtpServer;
    let admin: TestAgent;

    beforeAll(async () => {
      smtp = await startSmtpServer();
      t = createTestApp({ mailTransport: new SmtpTransport(smtp.url) });
      await createUser(t.deps, 'admin', [], 'admin@bieb.nl');
      admin = await signedIn(t, 'admin@bieb.nl');
    });
    afterAll(async () => {
      await t.close();
      await smtp.stop();
    });

    test('before: the default number everywhere', async () => {
      const home = await t.agent().get('/');
      expect(between(home.text, 'aria-labelledby="hulplijn"', '</section>')).toContain('<a href="tel:08001508" class="phone">0800-1508</a>');
      expect(between(home.text, '<footer', '</footer>')).toContain('<a href="tel:08001508">0800-1508</a>');
    });

    test('after the admin saves a new number: footer, start page, booking text and e-mails show it', async () => {
      const saved = await postForm(admin, '/admin/escalations', '/admin/escalations', { phone: NEW_PHONE, max_chats: '3', away_minutes: '10', ...WEEK_CLOSED });
      expect(saved.status).toBe(303);

      const home = await t.agent().get('/');
      // (and the full stop right after it, not on a line of its own at 320 px)
      expect(between(home.text, 'aria-labelledby="hulplijn"', '</section>')).toContain(`<a href="${NEW_TEL}" class="phone">+31 (0)800 9999</a>.`);
      expect(between(home.text, '<footer', '</footer>')).toContain(`<a href="${NEW_TEL}">+31 (0)800 9999</a>`);
      expect(home.text).not.toContain('0800-1508');

      // A staff page's footer (and the one on an error page) too.
      expect(between((await t.agent().get('/login')).text, '<footer', '</footer>')).toContain(NEW_TEL);
      const notFound = await t.agent().get('/no-such-page');
      expect(notFound.status).toBe(404);
      expect(between(notFound.text, '<footer', '</footer>')).toContain(NEW_TEL);

      // No branch takes bookings yet: the booking page's "call the Digihulplijn" text, in Dutch and in Arabic.
      const book = await t.agent().get('/book');
      expect(book.text).toContain('Bel gratis de Digihulplijn: +31 (0)800 9999.');
      const bookAr = await t.agent().get('/book').set('Cookie', 'lang=ar');
      expect(bookAr.text).toContain('Digihulplijn: +31 (0)800 9999.');
      expect(bookAr.text).not.toContain('{phone}');

      // E-mails, read back from the SMTP server: a booking confirmation and a plain notice.
      const branch = createBranch(t.deps, { name: 'Centrale Bibliotheek' });
      t.deps.booking.book(SYSTEM_ACTOR, {
        branchId: branch, topicKey: 'digid', startsAt: '2026-03-04T09:00:00.000Z', name: 'Jan', email: 'jan@example.nl', phone: null, needs: {}, language: 'nl', channel: 'online', idempotencyKey: null, capacityOverride: false,
      });
      t.deps.mailer.enqueue({ to: 'piet@example.nl', template: 'notice', lang: 'en', subjectKey: 'mail.notice.subject', subjectParams: { title: 'Hallo' }, data: { heading: 'Hallo', paragraphs: ['Tekst'] } });
      await t.deps.outboxSender.runOnce();
      const mails = await smtp.waitFor(2);
      expect(mails).toHaveLength(2);
      for (const mail of mails) {
        expect(mail.text).toContain('+31 (0)800 9999');
        expect(mail.text).not.toContain('0800-1508');
        expect(mail.html).toContain(`<a href="${NEW_TEL}">+31 (0)800 9999</a>`);
        expect(mail.html).not.toContain('0800-1508');
      }
    });
  });

  test('the public page cache forgets the start page when the number is saved (not after its 5 seconds)', async () => {
    const server: LiveServer = await startLiveServer();
    try {
      const home = async (): Promise<string> => (await fetch(`${server.url}/`)).text();
      expect(await home()).toContain('tel:08001508');
      const hits = server.deps.pageCache.hits;
      expect(await home()).toContain('tel:08001508');
      expect(server.deps.pageCache.hits).toBe(hits + 1); // really served from the cache

      const current = server.deps.escalationSettings.current();
      server.deps.escalationSettings.save(SYSTEM_ACTOR, { ...current, helplinePhone: NEW_PHONE });
      const after = await home();
      expect(after).toContain(NEW_TEL);
      expect(after).not.toContain('0800-1508');
    } finally {
      await server.close();
    }
  });
});
