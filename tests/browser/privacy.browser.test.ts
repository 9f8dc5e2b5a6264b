import type { Browser } from 'playwright-core';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { createBranch, createUser } from '../helpers/test-app';
import { expectAccessible, launchBrowser, newContext, signInWithBrowser } from '../helpers/browser';

jest.setTimeout(60_000);

/** The privacy and accessibility statements and the retention settings in a real Chromium: axe, 320 px, no JS. */
describe('privacy pages in Chromium', () => {
  let server: LiveServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startLiveServer();
    await createUser(server.deps, 'admin', [], 'admin@bieb.test');
    const branch = createBranch(server.deps, { name: 'Centrale Bibliotheek' });
    await createUser(server.deps, 'coordinator', [branch], 'coco@bieb.test');
    server.deps.db
      .prepare(
        `INSERT INTO appointments (branch_id, starts_at, ends_at, local_date, local_time, topic_key, code, token_hash, name, email, channel, created_at, updated_at)
         VALUES (?, '2026-03-02T13:00:00.000Z', '2026-03-02T13:30:00.000Z', '2026-03-02', '14:00', 'digid', 'ABCDEF', 'h', 'Jan Jansen', 'jan@example.nl', 'online', '2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z')`,
      )
      .run(branch);
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the statements are reached from the footer, pass axe and fit 320 px, in Dutch and English', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false, width: 320, height: 640 });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await Promise.all([page.waitForNavigation(), page.click('footer >> text=Privacy')]);
    expect(new URL(page.url()).pathname).toBe('/privacy');
    expect(await page.textContent('main')).toContain('30 dagen na de afspraak');
    await expectAccessible(page, 'privacy-statement-320', { fitsWidth: true });
    await Promise.all([page.waitForNavigation(), page.click('footer >> text=Toegankelijkheid')]);
    expect(new URL(page.url()).pathname).toBe('/toegankelijkheid');
    await expectAccessible(page, 'accessibility-statement-320', { fitsWidth: true });
    await Promise.all([page.waitForNavigation(), page.click('a[hreflang=en]')]);
    expect(await page.textContent('h1')).toBe('Accessibility statement');
    await expectAccessible(page, 'accessibility-statement-en-320', { fitsWidth: true });
    await context.close();
  });

  test('/admin/retention: a wrong value comes back with its message, a good one is saved and shown on /privacy', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await signInWithBrowser(page, server.url, 'admin@bieb.test');
    await page.goto(`${server.url}/admin/retention`);
    await expectAccessible(page, 'admin-retention');
    await page.fill('#bookings', '0');
    await Promise.all([page.waitForNavigation(), page.click('button.button[type=submit]')]);
    expect(await page.textContent('.error-summary')).toContain('te klein of te groot');
    await expectAccessible(page, 'admin-retention-error');
    await page.fill('#bookings', '21');
    await page.fill('#contact', 'privacy@bieb.test');
    await Promise.all([page.waitForNavigation(), page.click('button.button[type=submit]')]);
    expect(await page.textContent('.notice')).toContain('opgeslagen');
    await page.goto(`${server.url}/privacy`);
    expect(await page.textContent('main')).toContain('21 dagen na de afspraak');
    expect(await page.textContent('main')).toContain('privacy@bieb.test');
    await context.close();
  });

  test('/admin/subjects: search, erase with confirmation; the contact never reaches the address bar', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await signInWithBrowser(page, server.url, 'coco@bieb.test');
    await page.goto(`${server.url}/admin/subjects`);
    await expectAccessible(page, 'admin-subjects');
    await page.fill('#contact', 'jan@example.nl');
    await Promise.all([page.waitForNavigation(), page.click('button.button[type=submit]')]);
    expect(page.url()).not.toContain('jan');
    expect(await page.textContent('main')).toContain('Jan Jansen');
    await expectAccessible(page, 'admin-subjects-found');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/admin/subjects/erase"] button')]);
    expect(await page.textContent('.error-summary')).toContain('vinkje');
    await page.check('#confirm');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/admin/subjects/erase"] button')]);
    expect(await page.textContent('.notice')).toContain('Gewist: 1 afspraken');
    await context.close();
  });
});
