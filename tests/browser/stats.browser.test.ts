import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { createBranch, createUser } from '../helpers/test-app';
import { SCREENSHOT_DIR, expectAccessible, launchBrowser, newContext, screenshot, signInWithBrowser } from '../helpers/browser';
import { seedStatsFixtures } from '../helpers/stats-fixtures';
import { FakeClock } from '../../server/lib/clock';

/** /stats and its print view in a real Chromium: axe-core, 320 px without JavaScript, charts, and A4. */
describe('statistics in Chromium', () => {
  let server: LiveServer;
  let browser: Browser;
  let ids: { A: number; B: number; C: number };

  beforeAll(async () => {
    server = await startLiveServer({ clock: new FakeClock('2026-10-05T10:00:00Z'), env: { STAFF_IDLE_MINUTES: '100000', SESSION_ABSOLUTE_HOURS: '100000' } });
    ids = { A: createBranch(server.deps, { name: 'Centrale Bibliotheek' }), B: createBranch(server.deps, { name: 'Noord' }), C: createBranch(server.deps, { name: 'Zuid' }) };
    seedStatsFixtures(server.deps.db, ids);
    await createUser(server.deps, 'coordinator', [ids.A, ids.B], 'karim@bieb.test');
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the page and the filter work at 320 px without JavaScript, and axe finds nothing', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false, width: 320 });
    const page = await context.newPage();
    await signInWithBrowser(page, server.url, 'karim@bieb.test');
    await page.goto(`${server.url}/stats`);
    await expectAccessible(page, 'stats-default-320', { fitsWidth: true });
    // The no-JS filter: a quarter of one branch.
    await page.check('#period-quarter');
    await page.selectOption('#quarter', '2026-Q3');
    await page.selectOption('#branch', String(ids.A));
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Toon cijfers")')]);
    expect(page.url()).toContain('quarter=2026-Q3');
    expect(await page.textContent('h1')).toContain('juli 2026 – september 2026');
    expect(await page.textContent('#questions-total')).toContain('5');
    await expectAccessible(page, 'stats-quarter-320', { fitsWidth: true });
    // A bad range comes back with the error summary.
    await page.goto(`${server.url}/stats?period=range&from=2026-09&to=2026-07`);
    expect(await page.textContent('.error-summary')).toContain('De laatste maand moet na de eerste maand liggen');
    await expectAccessible(page, 'stats-errors-320', { fitsWidth: true });
    await context.close();
  }, 240_000);

  test('charts have text alternatives; the wide page and the print view pass axe', async () => {
    const context = await newContext(browser, { width: 1280 });
    const page = await context.newPage();
    await signInWithBrowser(page, server.url, 'karim@bieb.test');
    await page.goto(`${server.url}/stats?period=quarter&quarter=2026-Q3&branch=${ids.A}`);
    const charts = page.locator('svg[role="img"]');
    expect(await charts.count()).toBeGreaterThan(5);
    const first = charts.first();
    const name = await first.evaluate((svg) => {
      const ids = (svg.getAttribute('aria-labelledby') ?? '').split(' ');
      return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' | ');
    });
    expect(name).toMatch(/^Vragen per soort \| Staafdiagram\. Digitale overheid: Deze periode 3, Vorige periode 2;/);
    await expectAccessible(page, 'stats-quarter-1280');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'stats-quarter-1280-top.png') });
    await page.locator('#appointments-status').screenshot({ path: path.join(SCREENSHOT_DIR, 'stats-appointments-1280.png') });
    await first.screenshot({ path: path.join(SCREENSHOT_DIR, 'stats-chart-types.png') });

    await page.goto(`${server.url}/stats/print?from=2026-09&to=2026-09&branch=${ids.A}`);
    await expectAccessible(page, 'stats-print');
    // On A4 paper: the print stylesheet, nothing wider than the printable width (210 mm − 2 × 12 mm ≈ 703 px).
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 703, height: 1000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(703);
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    await screenshot(page, 'stats-print-a4');
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const pdf = await page.pdf({ format: 'A4', path: path.join(SCREENSHOT_DIR, 'stats-print.pdf'), preferCSSPageSize: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    // The monthly report of one branch, all six sections with their charts, on a few A4 pages (tables are
    // never split across pages; the questions section alone has nine tables).
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(pages).toBeLessThanOrEqual(5);
    await context.close();
  }, 240_000);
});
