import type { Browser, Page } from 'playwright-core';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { createBranch, createUser } from '../helpers/test-app';
import { expectAccessible as expectAccessibleAt, launchBrowser, newContext, signInWithBrowser } from '../helpers/browser';
import { SYSTEM_ACTOR } from '../../server/lib/actor';
import { FakeClock } from '../../server/lib/clock';

/** Device loans in a real Chromium with JavaScript off at 320 px: every page checked with axe-core. */
describe('device loans in Chromium', () => {
  let server: LiveServer;
  let browser: Browser;
  let branchId: number;
  const clock = new FakeClock('2026-03-02T09:00:00Z');

  beforeAll(async () => {
    server = await startLiveServer({ clock, env: { STAFF_IDLE_MINUTES: '100000', SESSION_ABSOLUTE_HOURS: '100000' } });
    branchId = createBranch(server.deps, { name: 'Centrale Bibliotheek' });
    await createUser(server.deps, 'volunteer', [branchId], 'vera@bieb.test');
    server.deps.devices.add(SYSTEM_ACTOR, branchId, { type: 'tablet', assetTag: 'TAB-001', serial: 'R52N', makeModel: 'Samsung Galaxy Tab A8', kit: ['lader', 'hoes'], notes: '' });
    server.deps.devices.add(SYSTEM_ACTOR, branchId, { type: 'mifi', assetTag: 'MIFI-001', serial: 'H1', makeModel: 'Huawei E5576', kit: [], notes: '' });
    server.deps.loans.lend(SYSTEM_ACTOR, branchId, {
      assetTag: 'MIFI-001', borrower: { name: 'Piet Bakker', contact: '0612345678', libraryCard: null }, dueDate: '2026-03-04', kitOut: [], agreementAccepted: true, depositCents: 0, allowExtra: false,
    });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Usable at 320 px: nothing wider than the screen, and no axe violations. */
  const expectAccessible = (page: Page, name: string): Promise<void> => expectAccessibleAt(page, name, { fitsWidth: true });

  test('inventory, device page, lend and return forms, overdue list, call list, label and agreement', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false, width: 320 });
    const page = await context.newPage();
    await signInWithBrowser(page, server.url, 'vera@bieb.test');

    await page.goto(`${server.url}/devices?branch=${branchId}`);
    await expectAccessible(page, 'loans-inventory');
    await page.click('a:has-text("TAB-001")');
    await expectAccessible(page, 'loans-device');
    await page.goto(`${server.url}/devices/${1}/label`);
    await expectAccessible(page, 'loans-label');

    // Lend with JavaScript off: find the device by tag, then the form.
    await page.goto(`${server.url}/loans/new?branch=${branchId}`);
    await expectAccessible(page, 'loans-lend-tag');
    await page.fill('#tag', 'tab-001');
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Apparaat zoeken")')]);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Uitlenen")')]);
    expect(await page.textContent('.error-summary')).toContain('De lener moet akkoord gaan');
    await expectAccessible(page, 'loans-lend-errors');
    await page.fill('#name', 'Aïcha Yılmaz');
    await page.fill('#contact', 'aicha@example.nl');
    await page.check('label:has-text("lader")');
    await page.check('#agreement');
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Uitlenen")')]);
    expect(new URL(page.url()).pathname).toMatch(/^\/loans\/\d+$/);
    expect(await page.textContent('main')).toContain('Aïcha Yılmaz');
    await expectAccessible(page, 'loans-loan-return-form');
    const loanUrl = page.url();
    await page.goto(`${loanUrl}/agreement`);
    await expectAccessible(page, 'loans-agreement');
    await page.goto(loanUrl);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Terugnemen")')]);
    expect(new URL(page.url()).pathname).toBe('/devices/1');
    await expectAccessible(page, 'loans-device-needs-wipe');

    clock.set('2026-03-06T09:00:00Z');
    await page.goto(`${server.url}/loans/overdue?branch=${branchId}`);
    expect(await page.textContent('main')).toContain('Piet Bakker');
    await expectAccessible(page, 'loans-overdue');
    await page.goto(`${server.url}/loans/overdue/print?branch=${branchId}`);
    await expectAccessible(page, 'loans-call-list');
    await page.goto(`${server.url}/loans?branch=${branchId}`);
    await expectAccessible(page, 'loans-index');
    await page.goto(`${server.url}/loans/reservations?branch=${branchId}`);
    await expectAccessible(page, 'loans-reservations');
    await page.goto(`${server.url}/devices/import?branch=${branchId}`);
    await expectAccessible(page, 'loans-import');
    await context.close();
  }, 120_000);
});
