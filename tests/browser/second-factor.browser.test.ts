import type { Browser, Page } from 'playwright-core';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { createBranch, createUser } from '../helpers/test-app';
import { expectAccessible, launchBrowser, newContext, signInWithBrowser } from '../helpers/browser';
import { nextSecondFactorCode, secondFactorContext } from '../helpers/second-factor';
import { SYSTEM_ACTOR } from '../../server/lib/actor';
import { totpCode } from '../../server/features/second-factor/totp';

jest.setTimeout(90_000);

/** Enrolment and the sign-in code page in a real Chromium with JavaScript off, at 320 px, checked with axe. */
describe('second factor in Chromium', () => {
  let server: LiveServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startLiveServer();
    const branch = createBranch(server.deps, { name: 'Centrale Bibliotheek' });
    await server.deps.users.ensure(SYSTEM_ACTOR, { email: 'karim@bieb.test', name: 'Karim Coördinator', role: 'coordinator', branchIds: [branch] }, 'demo-demo-demo');
    await createUser(server.deps, 'admin', [], 'admin@bieb.test');
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const submit = async (page: Page, selector = 'main button[type=submit]'): Promise<void> => {
    await Promise.all([page.waitForNavigation(), page.click(selector)]);
  };

  test('a coordinator without a factor enrols first, then signs in with a code (JS off, 320 px)', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false, width: 320 });
    const page = await context.newPage();
    await signInWithBrowser(page, server.url, 'karim@bieb.test');
    // Sent to enrolment before anything else.
    expect(new URL(page.url()).pathname).toBe('/account/second-factor');
    await expectAccessible(page, 'second-factor-enrol', { fitsWidth: true });
    const secret = (await page.textContent('#secret'))!.replace(/\s/g, '');
    await page.fill('#code', '12');
    await submit(page);
    expect(await page.textContent('.error-summary')).toBeTruthy();
    await expectAccessible(page, 'second-factor-enrol-error', { fitsWidth: true });
    await page.fill('#code', totpCode(secret, server.deps.clock.now().getTime()));
    await submit(page);
    expect(new URL(page.url()).pathname).toBe('/account/second-factor/recovery-codes');
    expect(await page.locator('#recovery-codes li').count()).toBe(10);
    await expectAccessible(page, 'second-factor-recovery-codes', { fitsWidth: true });
    await page.click('text=Ik heb de codes bewaard');
    expect(new URL(page.url()).pathname).toBe('/desk');

    await submit(page, 'header form[action="/logout"] button');
    await page.goto(`${server.url}/login`);
    await page.fill('#email', 'karim@bieb.test');
    await page.fill('#password', 'demo-demo-demo');
    await submit(page);
    expect(new URL(page.url()).pathname).toBe('/login/second-factor');
    await expectAccessible(page, 'second-factor-sign-in', { fitsWidth: true });
    await page.fill('#code', '000000');
    await submit(page);
    expect(await page.textContent('.error-summary')).toBeTruthy();
    await expectAccessible(page, 'second-factor-sign-in-error', { fitsWidth: true });
    await page.fill('#code', await nextSecondFactorCode(secondFactorContext(server.url), 'karim@bieb.test'));
    await submit(page);
    expect(new URL(page.url()).pathname).toBe('/desk');
    await context.close();
  });

  test('the admin switch page passes axe', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await signInWithBrowser(page, server.url, 'admin@bieb.test');
    await page.goto(`${server.url}/admin/second-factor`);
    await expectAccessible(page, 'second-factor-settings');
    await context.close();
  });
});
