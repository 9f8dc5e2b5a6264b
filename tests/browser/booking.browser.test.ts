import type { Browser, Page } from 'playwright-core';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { createBranch, createUser } from '../helpers/test-app';
import { expectAccessible, launchBrowser, newContext, signInWithBrowser } from '../helpers/browser';
import { FakeClock } from '../../server/lib/clock';
import { SmtpTransport } from '../../server/mail/transport';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ICAL = require('ical.js');

/**
 * A citizen books with JavaScript off in real Chromium, on a 320 px phone and on a desktop, for the day
 * after each clock change of 2026. The confirmation travels through the outbox to a real SMTP server, and
 * a real iCalendar parser reads the attachment back with the local start time the citizen chose.
 */
describe('booking in Chromium with JavaScript off', () => {
  let server: LiveServer;
  let smtp: TestSmtpServer;
  let browser: Browser;
  let branchId: number;
  const clock = new FakeClock('2026-03-27T08:00:00Z'); // Friday before the spring clock change

  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startLiveServer({ clock, mailTransport: new SmtpTransport(smtp.url) });
    branchId = createBranch(server.deps, { name: 'Centrale Bibliotheek', desks: 2 });
    createBranch(server.deps, { name: 'Bibliotheek Noord', desks: 1 });
    await createUser(server.deps, 'volunteer', [branchId], 'vera@bieb.test');
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.stop();
  });

  const check = expectAccessible;


  async function submit(page: Page): Promise<void> {
    await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
  }

  /** Walks every step; returns the manage page URL. */
  async function bookThroughTheForms(page: Page, startsAt: string, label: string, email: string): Promise<string> {
    await page.goto(server.url + '/');
    await Promise.all([page.waitForNavigation(), page.click('a[href="/book"]')]);
    await check(page, `${label}-1-branch`);
    await page.check(`input[name=branch][value="${branchId}"]`);
    await submit(page);
    await check(page, `${label}-2-topic`);
    await page.check('input[name=topic][value=digid]');
    await submit(page);
    await check(page, `${label}-3-time`);
    await page.check(`input[name=start][value="${startsAt}"]`);
    await submit(page);
    await check(page, `${label}-4-details`);
    await page.fill('#name', 'Şükrü <b>de Boer</b>');
    await page.fill('#email', email);
    await page.check('#need_hearing_loop');
    await submit(page);
    // A forgotten consent box: the same page again with an error summary, also accessible.
    await submit(page);
    expect(await page.textContent('.error-summary')).toContain('Geef toestemming');
    await check(page, `${label}-5-check-error`);
    await page.check('#consent');
    await submit(page);
    expect(await page.textContent('main')).toContain('Uw afspraak is gemaakt.');
    expect(await page.textContent('main')).toContain('Neem dit mee');
    await check(page, `${label}-6-confirmation`);
    return page.url();
  }

  async function confirmationMail(count: number): Promise<{ html: string; text: string; ics: string }> {
    await server.deps.outboxSender.runOnce();
    const messages = await smtp.waitFor(count);
    const mail = messages[count - 1];
    const attachment = mail.attachments.find((a) => a.filename?.endsWith('.ics'));
    expect(attachment).toBeDefined();
    return { html: String(mail.html), text: mail.text ?? '', ics: attachment!.content.toString('utf8') };
  }

  function icsStart(ics: string): { local: string; utc: string } {
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent'));
    return { local: event.startDate.toString(), utc: event.startDate.toJSDate().toISOString() };
  }

  test('320 px, day after the spring clock change: booked, mailed, .ics at 10:00 local (08:00 UTC)', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false, width: 320, height: 640 });
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    const manageUrl = await bookThroughTheForms(page, '2026-03-30T08:00:00.000Z', 'booking-320', 'sukru@example.nl');
    // Nothing wider than the phone: no sideways scrolling at 320 px.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);

    const mail = await confirmationMail(1);
    expect(mail.html).toContain('Şükrü &lt;b&gt;de Boer&lt;/b&gt;');
    expect(mail.text).toContain('Şükrü <b>de Boer</b>');
    expect(mail.text).toContain('maandag 30 maart 2026, 10:00');
    expect(mail.ics).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(mail.ics).toContain('BEGIN:VTIMEZONE\r\nTZID:Europe/Amsterdam');
    expect(mail.ics).toContain('BEGIN:VALARM');
    expect(icsStart(mail.ics)).toEqual({ local: '2026-03-30T10:00:00', utc: '2026-03-30T08:00:00.000Z' });

    // The manage page: accessible, with the same calendar file for download.
    await page.goto(manageUrl.replace('?booked=1', ''));
    await check(page, 'booking-320-7-manage');
    // The check-in QR code is on the card, drawn (not blank) and fits the phone.
    const qr = page.locator('.print-card .qr svg[role="img"]');
    expect(await qr.locator('title').textContent()).toBe('QR-code om u aan te melden bij de balie');
    expect((await qr.locator('path').getAttribute('d'))!.length).toBeGreaterThan(500);
    expect((await qr.boundingBox())!.width).toBeGreaterThan(100);
    const download = await context.request.get(manageUrl.replace('?booked=1', '') + '/calendar.ics');
    expect(icsStart(await download.text()).local).toBe('2026-03-30T10:00:00');
    await Promise.all([page.waitForNavigation(), page.click('a[href$="/reschedule"]')]);
    await check(page, 'booking-320-8-reschedule');
    await page.goto(manageUrl.replace('?booked=1', '') + '/cancel');
    await check(page, 'booking-320-9-cancel');
    await context.close();
  }, 120_000);

  test('desktop, day after the autumn clock change: .ics at 10:00 local (09:00 UTC)', async () => {
    clock.set('2026-10-23T08:00:00Z'); // Friday before the autumn clock change
    const context = await newContext(browser, { javaScriptEnabled: false, width: 1280 });
    const page = await context.newPage();
    await bookThroughTheForms(page, '2026-10-26T09:00:00.000Z', 'booking-desktop', 'anna@example.nl');
    const mail = await confirmationMail(2);
    expect(mail.text).toContain('maandag 26 oktober 2026, 10:00');
    expect(icsStart(mail.ics)).toEqual({ local: '2026-10-26T10:00:00', utc: '2026-10-26T09:00:00.000Z' });

    // Someone else takes the last desk at 10:30: choosing it now gives the friendly "just taken" page.
    const start = '2026-10-26T09:30:00.000Z';
    for (let i = 0; i < 2; i++) {
      server.deps.booking.book({ userId: null, label: 'public', ip: null }, {
        branchId, topicKey: 'other', startsAt: start, name: `Ander ${i}`, email: null, phone: '0612345678', needs: {}, language: 'nl', channel: 'online', idempotencyKey: null, capacityOverride: false,
      });
    }
    const taken = await page.goto(`${server.url}/book/details?branch=${branchId}&topic=digid&start=${encodeURIComponent(start)}`);
    expect(taken?.status()).toBe(409);
    expect(await page.textContent('main')).toContain('Deze tijd is net weg');
    await check(page, 'booking-desktop-7-taken');
    await context.close();
  }, 120_000);

  test('the staff list, the booking and the day list are accessible at 320 px and desktop', async () => {
    for (const width of [320, 1280]) {
      const context = await newContext(browser, { javaScriptEnabled: false, width });
      const page = await context.newPage();
      await signInWithBrowser(page, server.url, 'vera@bieb.test');
      await page.goto(`${server.url}/appointments?branch=${branchId}&date=2026-10-26`);
      expect(await page.textContent('main')).toContain('Şükrü <b>de Boer</b>');
      await check(page, `appointments-staff-list-${width}`);
      await Promise.all([page.waitForNavigation(), page.click('main table a')]);
      await check(page, `appointments-staff-detail-${width}`);
      await page.goto(`${server.url}/appointments/new?branch=${branchId}&date=2026-10-26`);
      await check(page, `appointments-staff-new-${width}`);
      await page.goto(`${server.url}/appointments/day?branch=${branchId}&date=2026-10-26`);
      await check(page, `appointments-day-list-${width}`);
      await page.goto(`${server.url}/desk`);
      await check(page, `appointments-desk-${width}`);
      await context.close();
    }
  }, 180_000);
});
