import type { Browser } from 'playwright-core';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { createBranch, createUser } from '../helpers/test-app';
import { expectAccessible, launchBrowser, newContext, signInWithBrowser } from '../helpers/browser';

jest.setTimeout(90_000);

/**
 * The desk PC and PIN quick switch (#14) in a real Chromium with JavaScript off, at 320 px: registration,
 * setting a PIN, the switch, and step-up; axe-core on each page.
 */
describe('desk PC quick switch in Chromium', () => {
  let server: LiveServer;
  let browser: Browser;
  let branchId: number;

  beforeAll(async () => {
    server = await startLiveServer();
    branchId = createBranch(server.deps, { name: 'Centrale Bibliotheek' });
    await createUser(server.deps, 'coordinator', [branchId], 'coco@bieb.test');
    await createUser(server.deps, 'volunteer', [branchId], 'vera@bieb.test');
    const willem = await createUser(server.deps, 'volunteer', [branchId], 'willem@bieb.test');
    const user = server.deps.auth.currentUser(willem)!;
    await server.deps.quickSwitch.setPin({ userId: user.id, label: user.email, ip: null, user }, 'demo-demo-demo', '739164');
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('register a desk PC, set a PIN, switch with JavaScript off, step up; every page passes axe at 320 px', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false, width: 320 });
    const page = await context.newPage();
    const submit = (form: string): Promise<unknown> => Promise.all([page.waitForNavigation(), page.click(`form[action="${form}"] button[type=submit]`)]);

    // A coordinator marks this browser as a desk PC (with the error summary first).
    await signInWithBrowser(page, server.url, 'coco@bieb.test');
    await page.goto(`${server.url}/admin/desk-pcs`);
    await expectAccessible(page, 'desk-pcs-admin', { fitsWidth: true });
    await submit('/admin/desk-pcs');
    expect(await page.textContent('.error-summary')).toBeTruthy();
    await expectAccessible(page, 'desk-pcs-admin-error', { fitsWidth: true });
    await page.fill('#name', 'Balie 1');
    await submit('/admin/desk-pcs');
    expect(await page.textContent('main')).toContain('Deze browser is balie-pc Balie 1');
    await expectAccessible(page, 'desk-pcs-admin-registered', { fitsWidth: true });

    // The coordinator sets a PIN (a guessable one first).
    await page.goto(`${server.url}/account/pin`);
    await expectAccessible(page, 'desk-pcs-set-pin', { fitsWidth: true });
    await page.fill('#current_password', 'demo-demo-demo');
    await page.fill('#pin', '123456');
    await page.fill('#pin_confirm', '123456');
    await submit('/account/pin');
    expect(await page.textContent('.error-summary')).toContain('te makkelijk');
    await expectAccessible(page, 'desk-pcs-set-pin-error', { fitsWidth: true });
    await page.fill('#current_password', 'demo-demo-demo');
    await page.fill('#pin', '615290');
    await page.fill('#pin_confirm', '615290');
    await submit('/account/pin');
    await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button')]);

    // The shift starts with a full sign-in; then the switch, from the intake page and back to it.
    await signInWithBrowser(page, server.url, 'vera@bieb.test');
    await page.goto(`${server.url}/intake`);
    await Promise.all([page.waitForNavigation(), page.click('a[href^="/switch"]')]);
    expect(new URL(page.url()).pathname).toBe('/switch');
    await expectAccessible(page, 'desk-pcs-switch', { fitsWidth: true });
    await page.selectOption('#person', { label: 'Test volunteer' });
    await page.fill('#pin', '000000');
    await submit('/switch');
    expect(await page.textContent('.error-summary')).toContain('pincode klopt niet');
    await expectAccessible(page, 'desk-pcs-switch-error', { fitsWidth: true });
    await page.fill('#email', 'willem@bieb.test');
    await page.selectOption('#person', '');
    await page.fill('#pin', '739164');
    await submit('/switch');
    expect(new URL(page.url()).pathname).toBe('/intake');
    expect(await page.textContent('.notice')).toContain('overgenomen');

    // The coordinator takes over by PIN; statistics ask for the password first.
    await Promise.all([page.waitForNavigation(), page.click('a[href^="/switch"]')]);
    await page.fill('#email', 'coco@bieb.test');
    await page.fill('#pin', '615290');
    await submit('/switch');
    await page.goto(`${server.url}/stats`);
    expect(new URL(page.url()).pathname).toBe('/account/step-up');
    await expectAccessible(page, 'desk-pcs-step-up', { fitsWidth: true });
    await page.fill('#password', 'demo-demo-demo');
    await submit('/account/step-up');
    expect(new URL(page.url()).pathname).toBe('/stats');
    await context.close();
  });
});
