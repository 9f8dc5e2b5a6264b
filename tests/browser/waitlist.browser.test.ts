import type { Browser } from 'playwright-core';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { createBranch, createUser } from '../helpers/test-app';
import { expectAccessible, launchBrowser, newContext, signInWithBrowser } from '../helpers/browser';
import { FakeClock } from '../../server/lib/clock';

const PUBLIC = { userId: null, label: 'public', ip: null };

/**
 * The waitlist in Chromium: a citizen joins with JavaScript off at 320 px (with the error summary on the
 * way), and a volunteer reads the branch's list and call list at 320 px and 1280 px. axe on each page.
 */
describe('waitlist in Chromium', () => {
  let server: LiveServer;
  let browser: Browser;
  let branchId: number;
  const clock = new FakeClock('2026-03-02T09:00:00Z');

  beforeAll(async () => {
    server = await startLiveServer({ clock });
    branchId = createBranch(server.deps, { name: 'Centrale Bibliotheek', desks: 1, horizonDays: 1 });
    await createUser(server.deps, 'volunteer', [branchId], 'vera@bieb.test');
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('a citizen joins the waitlist without JavaScript at 320 px', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false, width: 320, height: 640 });
    const page = await context.newPage();
    await page.goto(`${server.url}/book/time?branch=${branchId}&topic=digid`);
    await Promise.all([page.waitForNavigation(), page.click('a[href^="/waitlist?"]')]);
    await expectAccessible(page, 'waitlist-1-form-320', { fitsWidth: true });
    await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
    expect(await page.textContent('.error-summary')).toContain('Vul uw naam in');
    await expectAccessible(page, 'waitlist-2-errors-320', { fitsWidth: true });
    await page.fill('#name', 'Fatma Yılmaz 🌷');
    await page.fill('#phone', '06 1234 5678');
    await page.check('#day_parts-evening');
    await page.check('#consent');
    await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
    expect(page.url()).toBe(`${server.url}/waitlist/joined`);
    expect(await page.textContent('main')).toContain('Fatma Yılmaz 🌷');
    await expectAccessible(page, 'waitlist-3-joined-320', { fitsWidth: true });
    await context.close();
  });

  test('the staff page with the call list, at 320 px and 1280 px', async () => {
    for (const slot of server.deps.availability.freeDays(branchId, '2026-03-02', 2).flatMap((d) => d.slots)) {
      server.deps.booking.book(PUBLIC, { branchId, topicKey: 'digid', startsAt: slot.startsAt, name: 'Vol', email: null, phone: '0612345678', needs: {}, language: 'nl', channel: 'online', idempotencyKey: null, capacityOverride: false });
    }
    server.deps.waitlist.join(PUBLIC, { branchId, topicKey: 'taxes', name: 'Cor Telefoon', email: null, phone: '06 1111 2222', language: 'nl', weekdays: [1, 2, 3, 4, 5], dayParts: ['morning', 'afternoon'] });
    const freed = server.deps.db.prepare("SELECT id FROM appointments WHERE local_date = '2026-03-03' AND local_time = '10:00'").pluck().get() as number;
    server.deps.booking.cancelByStaff({ ...PUBLIC, system: true }, freed, 'Afgezegd');
    for (const width of [320, 1280]) {
      const context = await newContext(browser, { width });
      const page = await context.newPage();
      await signInWithBrowser(page, server.url, 'vera@bieb.test');
      await page.goto(`${server.url}/waitlist/staff?branch=${branchId}`);
      expect(await page.textContent('main')).toContain('Cor Telefoon');
      await expectAccessible(page, `waitlist-staff-${width}`);
      await context.close();
    }
  });
});
