import type { Browser, Page } from 'playwright-core';
import path from 'node:path';
import { launchBrowser, newContext, axeViolations, screenshot, signInWithBrowser, SCREENSHOT_DIR } from '../helpers/browser';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { createBranch, createUser } from '../helpers/test-app';
import { SYSTEM_ACTOR } from '../../server/lib/actor';

jest.setTimeout(90_000);

describe('foundation pages in Chromium', () => {
  let browser: Browser;
  let live: LiveServer;

  beforeAll(async () => {
    browser = await launchBrowser();
    live = await startLiveServer();
  });
  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  /**
   * Opens a page, screenshots it, and runs axe-core on it. axe runs as a script inside the page, which
   * hangs where JavaScript is off, so for such pages it runs in a twin context (same cookies, JavaScript
   * on); our scripts only enhance, so the markup it checks is the same.
   */
  async function check(page: Page, url: string, name: string): Promise<void> {
    const res = await page.goto(live.url + url);
    expect(res?.status()).toBeLessThan(400);
    await screenshot(page, name);
    await expectAxeClean(page);
  }

  async function expectAxeClean(page: Page): Promise<void> {
    expect([page.url(), await axeViolations(page)]).toEqual([page.url(), []]);
  }


  test('/setup on a fresh database: accessible on a phone and on a desktop', async () => {
    for (const width of [320, 1280]) {
      const context = await newContext(browser, { javaScriptEnabled: false, width, height: 800 });
      const page = await context.newPage();
      await check(page, '/setup', `foundation-setup-${width}`);
      await context.close();
    }
  });

  test('the first admin is created through /setup with JavaScript off', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false, width: 320 });
    const page = await context.newPage();
    await page.goto(`${live.url}/setup`);
    await page.fill('#name', 'Ada Beheer');
    await page.fill('#email', 'ada@bieb.nl');
    await page.fill('#password', 'een lange zin als wachtwoord');
    await page.fill('#password_confirm', 'een lange zin als wachtwoord');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    // An admin must set up the second factor before anything else (#14): the new admin lands on enrolment.
    expect(new URL(page.url()).pathname).toBe('/account/second-factor');
    await screenshot(page, 'foundation-admin-after-setup');
    await expectAxeClean(page);
    await context.close();
    const anonymous = await newContext(browser, { javaScriptEnabled: false, width: 320 });
    expect((await (await anonymous.newPage()).goto(`${live.url}/setup`))?.status()).toBe(404);
    await anonymous.close();
  });

  test('start page, sign-in page and error page: no axe violations, phone and desktop, Dutch and English', async () => {
    const central = createBranch(live.deps, { name: 'Centrale Bibliotheek', address: 'Oosterdokskade 143', postcode: '1011 DL', city: 'Amsterdam' });
    live.deps.branches.replaceOpeningHours(SYSTEM_ACTOR, central, [
      { weekday: 1, opens: '13:00', closes: '17:00' },
      { weekday: 2, opens: '10:00', closes: '12:30' },
      { weekday: 2, opens: '13:30', closes: '17:00' },
      { weekday: 4, opens: '10:00', closes: '20:00' },
      { weekday: 6, opens: '11:00', closes: '15:00' },
    ]);
    createBranch(live.deps, { name: 'Bibliotheek Noord' });
    for (const width of [320, 1280]) {
      const context = await newContext(browser, { javaScriptEnabled: true, width, height: width < 400 ? 640 : 900 });
      const page = await context.newPage();
      await check(page, '/', `foundation-home-${width}`);
      // The first screen only, for README.md (copied by hand to docs/screenshots/).
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `docs-start-page-${width}.png`) });
      await check(page, '/login', `foundation-login-${width}`);
      await page.goto(`${live.url}/bestaat-niet`);
      await screenshot(page, `foundation-404-${width}`);
      expect(await axeViolations(page)).toEqual([]);
      await page.goto(`${live.url}/`);
      await Promise.all([page.waitForNavigation(), page.click('a[hreflang=en]')]);
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      await screenshot(page, `foundation-home-en-${width}`);
      expect(await axeViolations(page)).toEqual([]);
      await context.close();
    }
  });

  test('signing in works with JavaScript disabled; staff pages are accessible', async () => {
    const branch = createBranch(live.deps);
    await createUser(live.deps, 'volunteer', [branch], 'vera@bieb.nl');
    await createUser(live.deps, 'admin', [], 'anna@bieb.nl');

    const context = await newContext(browser, { javaScriptEnabled: false, width: 320 });
    const page = await context.newPage();
    await page.goto(`${live.url}/login`);
    await page.fill('#email', 'vera@bieb.nl');
    await page.fill('#password', 'verkeerd wachtwoord');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(await page.locator('.error-summary').count()).toBe(1);
    await screenshot(page, 'foundation-login-error-320');
    await expectAxeClean(page);

    await signInWithBrowser(page, live.url, 'vera@bieb.nl');
    expect(new URL(page.url()).pathname).toBe('/desk');
    await check(page, '/account/password', 'foundation-account-password-320');
    await context.close();

    const admin = await newContext(browser, { javaScriptEnabled: false, width: 1280 });
    const adminPage = await admin.newPage();
    await signInWithBrowser(adminPage, live.url, 'anna@bieb.nl');
    expect(new URL(adminPage.url()).pathname).toBe('/admin');
    await screenshot(adminPage, 'foundation-admin-1280');
    await expectAxeClean(adminPage);
    // Sign out with JavaScript off: a plain form.
    await Promise.all([adminPage.waitForNavigation(), adminPage.click('.header-tools button[type=submit]')]);
    expect(new URL(adminPage.url()).pathname).toBe('/login');
    await admin.close();
  });

  test('keyboard: the skip link is the first stop and moves to the main content', async () => {
    const context = await newContext(browser, { width: 1280 });
    const page = await context.newPage();
    await page.goto(`${live.url}/`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
    expect(await page.locator('.skip-link').isVisible()).toBe(true);
    await screenshot(page, 'foundation-skip-link');
    await page.keyboard.press('Enter');
    expect(new URL(page.url()).hash).toBe('#main');
    await context.close();
  });
});
