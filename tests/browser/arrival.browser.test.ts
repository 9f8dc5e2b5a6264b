import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Browser, Page } from 'playwright-core';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { createBranch, createUser } from '../helpers/test-app';
import { addBooking, becomeKiosk } from '../helpers/arrival';
import { expectAccessible, launchBrowser, newContext, screenshot, signInWithBrowser } from '../helpers/browser';
import { FakeClock } from '../../server/lib/clock';

const TODAY = '2026-03-02';

/**
 * A reverse proxy as some library networks have: plain HTTP passes (Host kept, so the origin check still
 * sees one site), every WebSocket upgrade is refused with 403 before it reaches the server.
 */
async function startUpgradeRefusingProxy(target: string): Promise<{ url: string; refusedUpgrades(): number; close(): Promise<void> }> {
  const to = new URL(target);
  let refused = 0;
  const proxy = http.createServer((req, res) => {
    const upstream = http.request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  proxy.on('upgrade', (_req, socket: Duplex) => {
    refused++;
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    refusedUpgrades: () => refused,
    close: () => new Promise((resolve) => {
      proxy.closeAllConnections();
      proxy.close(() => resolve());
    }),
  };
}
/** Longer than the display's polling interval (3 s): a poll would have happened by then. */
const POLL_SETTLE_MS = 3500;

/**
 * Arrival end to end in Chromium: a kiosk (JavaScript off and on), a desk screen that updates itself over
 * socket.io, and the waiting-room display with its own tiny WebSocket client, including a server restart.
 */
describe('arrival: kiosk, live desk and queue display in Chromium', () => {
  let server: LiveServer;
  let browser: Browser;
  let branchId: number;
  let volunteerId: number;
  const clock = new FakeClock('2026-03-02T09:00:00Z');

  beforeAll(async () => {
    server = await startLiveServer({ clock });
    branchId = createBranch(server.deps, { name: 'Centrale Bibliotheek', desks: 2 });
    volunteerId = await createUser(server.deps, 'volunteer', [branchId], 'vera@bieb.test');
    addBooking(server.deps, { branchId, date: TODAY, time: '10:30', code: 'K7M2QXA', name: 'Jan Jansen' });
    addBooking(server.deps, { branchId, date: TODAY, time: '11:00', code: 'PQ3RS4T', name: 'Ans de Wit' });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });


  /** The same page opened fresh with JavaScript on (the ticket is a GET page and may be opened again). */
  async function expectAccessibleUrl(url: string, name: string): Promise<void> {
    const context = await newContext(browser, { width: 800 });
    const page = await context.newPage();
    await page.goto(url);
    await expectAccessible(page, name);
    await context.close();
  }

  async function openDesk(): Promise<Page> {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signInWithBrowser(page, server.url, 'vera@bieb.test');
    expect(new URL(page.url()).pathname).toBe('/desk');
    // Wait until desk-live.js has its socket: the socket.io client then exists and has connected once.
    await page.waitForFunction(() => typeof (window as unknown as { io?: unknown }).io === 'function');
    await page.waitForTimeout(500);
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'no reload'));
    return page;
  }

  async function noReload(page: Page): Promise<boolean> {
    return (await page.evaluate(() => (window as unknown as { marker?: string }).marker)) === 'no reload';
  }

  test('a check-in on /check-in (JavaScript off) updates an open /desk without reload; the kiosk resets itself', async () => {
    const desk = await openDesk();
    expect(await desk.textContent('#queue-panel')).toContain('Er wacht nu niemand.');

    const kioskContext = await newContext(browser, { javaScriptEnabled: false, width: 800 });
    const kiosk = await kioskContext.newPage();
    await becomeKiosk(kiosk, server.url, branchId);
    await kiosk.goto(`${server.url}/check-in`);
    expect(new URL(kiosk.url()).pathname).toBe('/check-in');
    await expectAccessible(kiosk, 'arrival-kiosk-start-nojs');
    await kiosk.fill('#code', 'k7m2 qxa');
    await Promise.all([kiosk.waitForNavigation(), kiosk.click('text=Aanmelden')]);
    const arrivedAt = Date.now();
    expect(await kiosk.textContent('main')).toContain('Welkom, u bent aangemeld.');

    await desk.locator('#queue-panel th[scope=row]', { hasText: 'Afspraak 10:30' }).waitFor({ timeout: 1000 });
    expect(Date.now() - arrivedAt).toBeLessThan(1000);
    await expectAccessible(kiosk, 'arrival-kiosk-arrived-nojs');
    expect(await desk.textContent('#queue-panel')).toContain('Jan Jansen');
    expect(await noReload(desk)).toBe(true);
    await expectAccessible(desk, 'arrival-desk-after-check-in');

    // Without JavaScript the <noscript> meta refresh takes the kiosk back to the start, empty.
    await kiosk.waitForURL(`${server.url}/check-in`, { timeout: 20_000 });
    expect(await kiosk.textContent('main')).not.toContain('Welkom, u bent aangemeld');
    expect(await kiosk.inputValue('#code')).toBe('');
    await kioskContext.close();
    await desk.context().close();
  }, 60_000);

  test('with JavaScript the kiosk counts down, offers more time, and resets; wrong codes are explained', async () => {
    const context = await newContext(browser, { width: 320, height: 700 });
    const kiosk = await context.newPage();
    await becomeKiosk(kiosk, server.url, branchId);
    await kiosk.goto(`${server.url}/check-in`);
    await expectAccessible(kiosk, 'arrival-kiosk-start-320');
    await kiosk.fill('#code', 'ZZZZZZZ');
    await Promise.all([kiosk.waitForNavigation(), kiosk.click('text=Aanmelden')]);
    expect(await kiosk.textContent('.error-summary')).toContain('Wij vinden deze code niet');
    await expectAccessible(kiosk, 'arrival-kiosk-wrong-code-320');

    // This visitor switches the kiosk to English; the reset must bring the next person back to Dutch.
    await Promise.all([kiosk.waitForNavigation(), kiosk.click('.lang-switch a[hreflang=en]')]);
    expect(await kiosk.getAttribute('html', 'lang')).toBe('en');
    await kiosk.fill('#code', 'PQ3RS4T');
    await Promise.all([kiosk.waitForNavigation(), kiosk.click('form.kiosk-code button[type=submit]')]);
    expect(await kiosk.getAttribute('html', 'lang')).toBe('en');
    expect(await kiosk.isVisible('[data-more-time]')).toBe(true);
    await kiosk.waitForFunction(() => /in (9|10|11) seconds/.test(document.querySelector('[data-reset-after]')!.textContent ?? ''));
    await expectAccessible(kiosk, 'arrival-kiosk-arrived-320');
    await kiosk.waitForURL(`${server.url}/check-in`, { timeout: 15_000 });
    expect(await kiosk.getAttribute('html', 'lang')).toBe('nl');
    expect(await kiosk.textContent('main')).not.toContain('Welkom, u bent aangemeld');
    expect(await kiosk.textContent('h1')).toContain('Welkom bij Centrale Bibliotheek');
    await context.close();
  }, 60_000);

  test('a walk-in takes a number: printable ticket, the desk sees it, calls it, and the display shows it live', async () => {
    const desk = await openDesk();
    const display = await (await newContext(browser, { width: 1280, height: 720 })).newPage();
    await display.goto(`${server.url}/queue/${branchId}`);
    await display.waitForTimeout(300);

    const kiosk = await (await newContext(browser, { javaScriptEnabled: false, width: 800 })).newPage();
    await becomeKiosk(kiosk, server.url, branchId);
    await kiosk.goto(`${server.url}/check-in`);
    await Promise.all([kiosk.waitForNavigation(), kiosk.click('button[value=device]')]);
    expect(new URL(kiosk.url()).pathname).toMatch(/^\/check-in\/ticket\//);
    expect(await kiosk.textContent('.ticket-number')).toBe('1');
    expect(await kiosk.textContent('.ticket')).toContain('Telefoon, tablet of computer');
    await expectAccessible(kiosk, 'arrival-ticket-nojs');
    await expectAccessibleUrl(kiosk.url(), 'arrival-ticket');

    await desk.locator('#queue-panel th[scope=row]', { hasText: 'Nummer 1' }).waitFor({ timeout: 1000 });
    // The walk-in plus whoever checked in with an appointment in the tests before.
    const waiting = `Wachtend: ${server.deps.queue.displayState(branchId).waiting}`;
    await display.waitForFunction((text) => document.getElementById('waiting')?.textContent === text, waiting, { timeout: 1000 });
    // Call it to desk 2 from the desk screen: over the socket, no page load.
    const row = desk.locator('#queue-panel tr', { hasText: 'Nummer 1' });
    await row.locator('select[name=desk]').selectOption('2');
    await row.getByRole('button', { name: 'Oproepen' }).click();
    await display.locator('#calls').getByText('Balie 2').waitFor({ timeout: 1000 });
    expect(await display.textContent('#calls .call')).toMatch(/Nummer\s*1\s*Balie\s*2/);
    await desk.locator('#queue-panel').getByText('Opgeroepen naar balie 2').waitFor({ timeout: 1000 });
    expect(await noReload(desk)).toBe(true);
    await expectAccessible(desk, 'arrival-desk-called');
    await expectAccessible(display, 'arrival-queue-display');
    expect(await display.textContent('body')).not.toMatch(/Jansen|de Wit/);
    await desk.context().close();
    await kiosk.context().close();
    await display.context().close();
  }, 60_000);

  test('an unattended desk stops refreshing itself before the idle timeout; a touch catches up', async () => {
    const context = await newContext(browser);
    // The idle timeout is 15 minutes; the script is served with a pause after 6 s untouched instead.
    await context.route(/\/static\/desk-live\.[0-9a-f]+\.js$/, async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace('* 60000 - 30000;', '* 60000 - 30000; idleMs = 6000;');
      expect(body).toContain('idleMs = 6000;');
      await route.fulfill({ response, body });
    });
    const page = await context.newPage();
    await signInWithBrowser(page, server.url, 'vera@bieb.test');
    await page.waitForFunction(() => typeof (window as unknown as { io?: unknown }).io === 'function');
    // Proof that the socket works here: a change while the page is in use shows up at once.
    const first = server.deps.arrival.takeNumber(branchId, '');
    await page.locator('#queue-panel th[scope=row]', { hasText: `Nummer ${first.number}` }).waitFor({ timeout: 2000 });
    await page.waitForTimeout(7000);
    const walkin = server.deps.arrival.takeNumber(branchId, '');
    const row = page.locator('#queue-panel th[scope=row]', { hasText: `Nummer ${walkin.number}` });
    await page.waitForTimeout(1000);
    expect(await row.count()).toBe(0);
    await page.mouse.click(2, 300);
    await row.waitFor({ timeout: 1000 });
    await context.close();
  }, 60_000);

  test('the queue display reconnects after a server restart and shows the current state', async () => {
    const display = await (await newContext(browser, { width: 1280, height: 720 })).newPage();
    await display.goto(`${server.url}/queue/${branchId}`);
    await display.waitForTimeout(300);
    const port = Number(new URL(server.url).port);
    await server.close();
    await display.locator('#offline').waitFor({ state: 'visible', timeout: 5000 });

    server = await startLiveServer({ clock, dir: server.dir, port });
    // Something changes while the display reconnects: it must show the state after the restart.
    const user = server.deps.auth.currentUser(volunteerId)!;
    const walkin = server.deps.arrival.takeNumber(branchId, '');
    expect(server.deps.queue.callWalkin({ userId: user.id, label: user.email, ip: null, user }, walkin.id, 1).ok).toBe(true);
    const firstCallIs = (text: string, timeout: number): Promise<unknown> =>
      display.waitForFunction((t) => document.querySelector('#calls .call')?.textContent?.replace(/\s+/g, ' ').trim() === t, text, { timeout });
    await firstCallIs(`Nummer ${walkin.number} Balie 1`, 10_000);
    await display.locator('#offline').waitFor({ state: 'hidden', timeout: 1000 });
    // And it is live again on the new server.
    const next = server.deps.arrival.takeNumber(branchId, '');
    server.deps.queue.callWalkin({ userId: user.id, label: user.email, ip: null, user }, next.id, 2);
    await firstCallIs(`Nummer ${next.number} Balie 2`, 1000);
    await screenshot(display, 'arrival-queue-display-after-restart');
    await display.context().close();
  }, 60_000);

  test('behind a proxy that refuses WebSockets the display polls and still updates within 5 s; live again once allowed', async () => {
    const context = await newContext(browser, { width: 1280, height: 720 });
    // A library proxy that refuses the upgrade: every WebSocket to the server is closed at once.
    let blocked = true;
    let refused = 0;
    let passed = 0;
    await context.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (blocked) {
        refused++;
        ws.close();
      } else {
        passed++;
        ws.connectToServer();
      }
    });
    const display = await context.newPage();
    const polls: number[] = [];
    display.on('request', (r) => {
      if (r.url().endsWith(`/queue/${branchId}/state.json`)) polls.push(Date.now());
    });
    await display.goto(`${server.url}/queue/${branchId}`);
    while (refused === 0) await display.waitForTimeout(50);

    const user = server.deps.auth.currentUser(volunteerId)!;
    const actor = { userId: user.id, label: user.email, ip: null, user };
    const firstCallIs = (text: string, timeout: number): Promise<unknown> =>
      display.waitForFunction((t) => document.querySelector('#calls .call')?.textContent?.replace(/\s+/g, ' ').trim() === t, text, { timeout });
    const walkin = server.deps.arrival.takeNumber(branchId, '');
    expect(server.deps.queue.callWalkin(actor, walkin.id, 2).ok).toBe(true);
    const calledAt = Date.now();
    await firstCallIs(`Nummer ${walkin.number} Balie 2`, 5000);
    expect(Date.now() - calledAt).toBeLessThan(5000);
    // Updates get through, so the screen does not claim to be offline.
    expect(await display.isHidden('#offline')).toBe(true);
    expect(polls.length).toBeGreaterThan(0);

    // The proxy lets WebSockets through again: the display goes back to live updates and stops polling.
    blocked = false;
    while (passed === 0) await display.waitForTimeout(100);
    await display.waitForTimeout(POLL_SETTLE_MS);
    const pollsWhenLive = polls.length;
    const next = server.deps.arrival.takeNumber(branchId, '');
    server.deps.queue.callWalkin(actor, next.id, 1);
    await firstCallIs(`Nummer ${next.number} Balie 1`, 1000);
    await display.waitForTimeout(POLL_SETTLE_MS);
    expect(polls.length).toBe(pollsWhenLive);
    await context.close();
  }, 60_000);

  test('a browser without WebSocket at all polls the display state', async () => {
    const context = await newContext(browser, { width: 1280, height: 720 });
    await context.addInitScript(() => {
      (window as unknown as { WebSocket?: unknown }).WebSocket = undefined;
    });
    const display = await context.newPage();
    await display.goto(`${server.url}/queue/${branchId}`);
    await display.waitForTimeout(300);
    const user = server.deps.auth.currentUser(volunteerId)!;
    const walkin = server.deps.arrival.takeNumber(branchId, '');
    expect(server.deps.queue.callWalkin({ userId: user.id, label: user.email, ip: null, user }, walkin.id, 2).ok).toBe(true);
    await display.waitForFunction((t) => document.querySelector('#calls .call')?.textContent?.replace(/\s+/g, ' ').trim() === t, `Nummer ${walkin.number} Balie 2`, { timeout: 5000 });
    expect(await display.isHidden('#offline')).toBe(true);
    await context.close();
  }, 30_000);

  test('through a proxy that refuses the WebSocket upgrade, the desk and the display still update live', async () => {
    const proxy = await startUpgradeRefusingProxy(server.url);
    try {
      const context = await newContext(browser);
      const page = await context.newPage();
      await signInWithBrowser(page, proxy.url, 'vera@bieb.test');
      await page.waitForFunction(() => typeof (window as unknown as { io?: unknown }).io === 'function');
      const display = await context.newPage();
      await display.goto(`${proxy.url}/queue/${branchId}`);
      while (proxy.refusedUpgrades() < 2) await page.waitForTimeout(50);
      await page.waitForTimeout(1000);
      await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'no reload'));

      const walkin = server.deps.arrival.takeNumber(branchId, '');
      await page.locator('#queue-panel th[scope=row]', { hasText: `Nummer ${walkin.number}` }).waitFor({ timeout: 2000 });
      expect(await noReload(page)).toBe(true);
      const row = page.locator('#queue-panel tr', { hasText: `Nummer ${walkin.number}` });
      await row.locator('select[name=desk]').selectOption('2');
      const calledAt = Date.now();
      await row.getByRole('button', { name: 'Oproepen' }).click();
      await display.waitForFunction((t) => document.querySelector('#calls .call')?.textContent?.replace(/\s+/g, ' ').trim() === t, `Nummer ${walkin.number} Balie 2`, { timeout: 5000 });
      expect(Date.now() - calledAt).toBeLessThan(5000);
      expect(await display.isHidden('#offline')).toBe(true);
      await page.locator('#queue-panel tr', { hasText: `Nummer ${walkin.number}` }).getByText('Opgeroepen naar balie 2').waitFor({ timeout: 2000 });
      expect(await noReload(page)).toBe(true);
      await context.close();
    } finally {
      await proxy.close();
    }
  }, 60_000);
});
