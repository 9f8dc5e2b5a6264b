import type { Browser, Page } from 'playwright-core';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { createBranch, createUser } from '../helpers/test-app';
import { expectAccessible, launchBrowser, newContext, signInWithBrowser } from '../helpers/browser';
import { FakeClock } from '../../server/lib/clock';

/**
 * The escalation pages in a real Chromium, each checked with axe-core (screenshots in
 * test-output/screenshots/escalations-*.png): the volunteer's escalate form, escalation page and
 * callback form with JavaScript off at 320 px, and the expert console with JavaScript on, where the
 * title's count follows the queue live.
 */
describe('escalations in Chromium', () => {
  let server: LiveServer;
  let browser: Browser;
  let branchId: number;
  const clock = new FakeClock('2026-03-02T09:00:00Z');

  beforeAll(async () => {
    server = await startLiveServer({ clock, env: { STAFF_IDLE_MINUTES: '100000', SESSION_ABSOLUTE_HOURS: '100000' } });
    branchId = createBranch(server.deps, { name: 'Centrale Bibliotheek' });
    await createUser(server.deps, 'volunteer', [branchId], 'vera@bieb.test');
    await createUser(server.deps, 'expert', [], 'eva@dhl.test');
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  function addQuestion(): number {
    const db = server.deps.db;
    const tax = server.deps.categories.taxonomy();
    const id = (kind: Parameters<typeof tax.byKey>[0], key: string): number => tax.byKey(kind, key)!.id;
    const now = clock.now().toISOString();
    const visit = Number(db.prepare(`INSERT INTO visits (branch_id, channel_id, started_at, local_date, created_at) VALUES (?, ?, ?, '2026-03-02', ?)`).run(branchId, id('channel', 'desk'), now, now).lastInsertRowid);
    return Number(
      db
        .prepare(
          `INSERT INTO questions (visit_id, branch_id, channel_id, local_date, local_month, type_id, organisation_id, topic_id, help_id, duration_id, outcome_id, source, created_at, updated_at)
           VALUES (?, ?, ?, '2026-03-02', '2026-03', ?, ?, NULL, ?, ?, ?, 'form', ?, ?)`,
        )
        .run(visit, branchId, id('channel', 'desk'), id('question_type', 'digital_government'), id('organisation', 'digid'), id('help', 'together'), id('duration', 'm15_30'), id('outcome', 'escalated'), now, now)
        .lastInsertRowid,
    );
  }

  const narrow = (page: Page, name: string): Promise<void> => expectAccessible(page, name, { fitsWidth: true });

  test('escalate form, escalation page, expert console (live title count) and callback form', async () => {
    const expertContext = await newContext(browser);
    const expert = await expertContext.newPage();
    await signInWithBrowser(expert, server.url, 'eva@dhl.test');
    await expert.goto(`${server.url}/escalations`);
    await expert.check('#status');
    await expert.click('form[data-presence-form] button[type=submit]');
    await expert.waitForFunction(() => document.querySelector('form[data-presence-form]')?.getAttribute('data-saved') === 'available');
    expect(await expert.title()).toBe('Digihulplijn – Dichterbij');

    const volContext = await newContext(browser, { javaScriptEnabled: false, width: 320 });
    const vol = await volContext.newPage();
    await signInWithBrowser(vol, server.url, 'vera@bieb.test');
    const q1 = addQuestion();
    await vol.goto(`${server.url}/escalations/new?question=${q1}`);
    await narrow(vol, 'escalations-new');
    // A phone number in the description is refused, with the reason, on an accessible error page.
    await vol.fill('#description', 'Bel mevrouw op 06-12345678');
    await vol.click('form[action="/escalations"] button[type=submit]');
    expect(await vol.locator('.error-summary').textContent()).toContain('telefoonnummer');
    await narrow(vol, 'escalations-new-error');
    await vol.fill('#description', 'DigiD-app activeren lukt niet');
    await vol.click('form[action="/escalations"] button[type=submit]');
    expect((await vol.locator('[data-field="position"]').textContent())?.trim()).toBe('1');
    await narrow(vol, 'escalations-show-queued');

    // The expert's title counts the new question without a reload.
    await expert.waitForFunction(() => document.title.startsWith('(1) '));
    // …and the queue table shows it, swapped in place.
    await expert.waitForSelector('#queue-section form[action$="/accept"]');
    await expectAccessible(expert, 'escalations-console');
    await expert.click('form[action$="/accept"] button');
    await expert.waitForURL(/\/escalations\/\d+$/);
    await expectAccessible(expert, 'escalations-show-expert');

    await vol.reload();
    await narrow(vol, 'escalations-show-active');

    // The fallback with the callback form, and its error state.
    const q2 = addQuestion();
    await vol.goto(`${server.url}/escalations/callback?question=${q2}&reason=no_expert`);
    await narrow(vol, 'escalations-callback');
    await vol.fill('#phone', '06 12345678');
    await vol.click('form[action="/escalations/callbacks"] button[type=submit]');
    expect(await vol.locator('.error-summary').textContent()).toContain('toestemming');
    await narrow(vol, 'escalations-callback-error');

    await expertContext.close();
    await volContext.close();
  }, 90_000);
});
