import type { Browser } from 'playwright-core';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { createBranch, createUser } from '../helpers/test-app';
import { expectAccessible, launchBrowser, newContext, screenshot, signInWithBrowser } from '../helpers/browser';

/** Intake in a real Chromium: the desk tally, the full form with and without JavaScript, the list, the survey. */
describe('intake, desk and survey in Chromium', () => {
  let server: LiveServer;
  let browser: Browser;
  let branchId: number;

  beforeAll(async () => {
    server = await startLiveServer();
    branchId = createBranch(server.deps, { name: 'Centrale Bibliotheek' });
    await createUser(server.deps, 'volunteer', [branchId], 'vera@bieb.test');
    await createUser(server.deps, 'coordinator', [branchId], 'coco@bieb.test');
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const count = (): number => server.deps.db.prepare('SELECT count(*) FROM questions').pluck().get() as number;

  test('JavaScript off, small screen: tally on the desk, the full form in steps, the list', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false, width: 320 });
    const page = await context.newPage();
    await signInWithBrowser(page, server.url, 'vera@bieb.test');
    expect(new URL(page.url()).pathname).toBe('/desk');
    await expectAccessible(page, 'intake-desk-empty');

    await Promise.all([page.waitForNavigation(), page.click('button.tally-button:has-text("DigiD activeren")')]);
    expect(count()).toBe(1);
    expect(await page.textContent('.notice')).toContain('Geregistreerd: DigiD activeren');
    expect(await page.textContent('.recent-list')).toContain('Ongedaan maken');
    await expectAccessible(page, 'intake-desk-after-tap');

    await page.goto(`${server.url}/intake/new?branch=${branchId}`);
    await expectAccessible(page, 'intake-form');
    await page.selectOption('#organisation', { label: 'Belastingdienst' });
    await Promise.all([page.waitForNavigation(), page.click('button[name=step]')]);
    await page.selectOption('#topic', { label: 'Belastingaangifte' });
    await page.check('label:has-text("30 tot 60 minuten")');
    await page.fill('#note', 'BSN 111222333 staat op de brief');
    await Promise.all([page.waitForNavigation(), page.click('button[name=then][value=done]')]);
    expect(await page.textContent('.error-summary')).toContain('Haal het BSN uit de notitie');
    expect(await page.inputValue('#topic')).not.toBe('');
    await expectAccessible(page, 'intake-form-error');
    await page.fill('#note', '2 brieven van 2024');
    await Promise.all([page.waitForNavigation(), page.click('button[name=then][value=done]')]);
    expect(new URL(page.url()).pathname).toBe('/intake');
    expect(count()).toBe(2);
    const table = await page.textContent('.intake-table');
    expect(table).toContain('Belastingaangifte');
    expect(table).toContain('2 brieven van 2024');
    await expectAccessible(page, 'intake-list');
    await context.close();
  }, 90_000);

  test('JavaScript on: topics follow the organisation without a round trip, the timer fills the duration', async () => {
    const context = await newContext(browser, { javaScriptEnabled: true });
    const page = await context.newPage();
    await signInWithBrowser(page, server.url, 'vera@bieb.test');
    await page.goto(`${server.url}/intake/new?branch=${branchId}`);
    expect(await page.locator('button[name=step]').count()).toBe(0);
    await page.selectOption('#organisation', { label: 'DigiD' });
    const topics = await page.locator('#topic option').allTextContents();
    expect(topics).toContain('DigiD app installeren');
    expect(topics).not.toContain('Belastingaangifte');
    await page.waitForSelector('[data-timer]:not([hidden])');
    expect(await page.isChecked('input[name=duration][data-bucket=lt5]')).toBe(true);
    await page.selectOption('#topic', { label: 'DigiD app installeren' });
    await expectAccessible(page, 'intake-form-js');
    const before = count();
    await Promise.all([page.waitForNavigation(), page.click('button[name=then][value=another]')]);
    expect(count()).toBe(before + 1);
    expect(await page.textContent('main')).toContain('Vraag 2 van deze bezoeker');
    await context.close();
  }, 90_000);

  test('survey at the kiosk: big buttons, one POST, thank you, next visitor', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false, width: 800 });
    const page = await context.newPage();
    await page.goto(`${server.url}/survey`);
    await expectAccessible(page, 'survey-choose');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    await expectAccessible(page, 'survey-form');
    await page.click('label[for=satisfaction-5]');
    await page.click('label[for=self_reliance-4]');
    await page.click('label[for=trust]');
    await screenshot(page, 'survey-form-answered');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(await page.textContent('h1')).toContain('Dank u wel');
    await expectAccessible(page, 'survey-thanks');
    const rows = server.deps.db.prepare('SELECT question, score, count FROM survey_counts ORDER BY question').all();
    expect(rows).toEqual([
      { question: 'satisfaction', score: 5, count: 1 },
      { question: 'self_reliance', score: 4, count: 1 },
      { question: 'trust', score: 1, count: 1 },
    ]);
    await Promise.all([page.waitForNavigation(), page.click('a:has-text("Volgende bezoeker")')]);
    expect(await page.isChecked('#satisfaction-5')).toBe(false);
    await context.close();
  }, 90_000);

  test('coordinator pages: categories, partners and desk tiles pass axe', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await signInWithBrowser(page, server.url, 'coco@bieb.test');
    await page.goto(`${server.url}/admin/categories?kind=topic`);
    await expectAccessible(page, 'categories-topics');
    await page.goto(`${server.url}/admin/partners`);
    await expectAccessible(page, 'partners-list');
    await page.goto(`${server.url}/admin/partners/new`);
    await expectAccessible(page, 'partners-new');
    await page.goto(`${server.url}/intake/tiles?branch=${branchId}`);
    await expectAccessible(page, 'intake-tiles');
    await context.close();
  }, 90_000);
});
