import type { Browser } from 'playwright-core';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { createBranch, createUser } from '../helpers/test-app';
import { expectAccessible, launchBrowser, newContext, signInWithBrowser } from '../helpers/browser';

jest.setTimeout(60_000);

/** Admin pages in a real Chromium with JavaScript off: sign in, look around, change hours, create a user. */
describe('admin pages in Chromium', () => {
  let server: LiveServer;
  let browser: Browser;
  let branchId: number;

  beforeAll(async () => {
    server = await startLiveServer();
    branchId = createBranch(server.deps, { name: 'Centrale Bibliotheek' });
    createBranch(server.deps, { name: 'Bibliotheek Noord' });
    await createUser(server.deps, 'admin', [], 'admin@bieb.test');
    await createUser(server.deps, 'volunteer', [branchId], 'vera@bieb.test');
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('admin signs in, opens branches, hours and users; pages pass axe', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await signInWithBrowser(page, server.url, 'admin@bieb.test');
    expect(new URL(page.url()).pathname).toBe('/admin');
    await expectAccessible(page, 'admin-index');

    await page.click('text=Locaties');
    expect(new URL(page.url()).pathname).toBe('/admin/branches');
    await expectAccessible(page, 'admin-branches');

    await page.goto(`${server.url}/admin/branches/${branchId}/hours`);
    // An overlapping second period on Monday: the server says so, keeping what was typed.
    await page.fill('#d1_2_opens', '16:00');
    await page.fill('#d1_2_closes', '18:00');
    await Promise.all([page.waitForNavigation(), page.click('button.button[type=submit]')]);
    expect(await page.textContent('.error-summary')).toContain('overlappen');
    expect(await page.inputValue('#d1_2_opens')).toBe('16:00');
    await expectAccessible(page, 'admin-branch-hours-error');
    await page.fill('#d1_2_opens', '17:30');
    await Promise.all([page.waitForNavigation(), page.click('button.button[type=submit]')]);
    expect(await page.textContent('.notice')).toContain('opgeslagen');
    expect(server.deps.branches.openingHours(branchId).filter((h) => h.weekday === 1)).toHaveLength(2);

    await page.goto(`${server.url}/admin/branches/${branchId}/closures`);
    await page.fill('#start_date', '2026-04-06');
    await page.fill('#reason', 'Tweede Paasdag');
    await Promise.all([page.waitForNavigation(), page.click('button.button[type=submit]')]);
    expect(await page.textContent('table')).toContain('maandag 6 april 2026');
    await expectAccessible(page, 'admin-branch-closures');

    await page.goto(`${server.url}/admin/audit`);
    expect(await page.textContent('table')).toContain('Sluitingsdag toegevoegd');
    await expectAccessible(page, 'admin-audit');
    await page.goto(`${server.url}/admin/outbox`);
    await expectAccessible(page, 'admin-outbox');

    // The Digihulplijn settings: the form, and the same form with its error summary.
    await page.goto(`${server.url}/admin/escalations`);
    await expectAccessible(page, 'admin-helpline-settings');
    await page.fill('#opens_1', '9 uur');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/admin/escalations"] button[type=submit]')]);
    expect(await page.textContent('.error-summary')).toBeTruthy();
    await expectAccessible(page, 'admin-helpline-settings-error');

    await page.goto(`${server.url}/admin/users`);
    await expectAccessible(page, 'admin-users');

    await page.goto(`${server.url}/admin/users/new`);
    await page.fill('#name', 'Nina Nieuw');
    await page.fill('#email', 'nina@bieb.test');
    await page.check('#role');
    await page.check('#branch_ids');
    await Promise.all([page.waitForNavigation(), page.click('button.button[type=submit]')]);
    expect(await page.textContent('#temporary-password')).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    const userPage = page.url().replace(/\/password$/, '');
    await expectAccessible(page, 'admin-user-password');
    await page.goto(userPage);
    await expectAccessible(page, 'admin-user-edit');
    await context.close();
  }, 120_000); // a long walk: sign-in with the second step, branches, hours, users, each with axe

  test('narrow screen (320 px): the branch page stays usable and accessible', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false, width: 320 });
    const page = await context.newPage();
    await signInWithBrowser(page, server.url, 'admin@bieb.test');
    await page.goto(`${server.url}/admin/branches/${branchId}`);
    await expectAccessible(page, 'admin-branch-320');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await context.close();
  });

  test('a volunteer gets the friendly 403 page', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await signInWithBrowser(page, server.url, 'vera@bieb.test');
    const res = await page.goto(`${server.url}/admin/users`);
    expect(res?.status()).toBe(403);
    expect(await page.textContent('h1')).toContain('Geen toegang');
    await context.close();
  });
});
