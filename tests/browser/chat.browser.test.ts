import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { createBranch, createUser } from '../helpers/test-app';
import { addEscalation } from '../helpers/chat';
import { expectAccessible, launchBrowser, newContext, screenshot, signInWithBrowser } from '../helpers/browser';

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
    close: () =>
      new Promise((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}

/**
 * The escalation chat in Chromium: a volunteer and an expert exchanging messages live (typing and read
 * markers included), a volunteer behind a proxy that refuses WebSockets (long-polling), and a volunteer
 * without JavaScript sending by form while the expert sees it arrive. axe-core on each chat page.
 */
jest.setTimeout(120_000);

describe('chat: volunteer and expert in Chromium', () => {
  let server: LiveServer;
  let browser: Browser;
  let branchId: number;
  let expertId: number;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    server = await startLiveServer();
    branchId = createBranch(server.deps, { name: 'Centrale Bibliotheek' });
    await createUser(server.deps, 'volunteer', [branchId], 'vera@bieb.test');
    expertId = await createUser(server.deps, 'expert', [], 'erik@digihulplijn.test');
    browser = await launchBrowser();
  });
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function openChat(email: string, escalation: number, options: { javaScriptEnabled?: boolean; base?: string; width?: number } = {}): Promise<Page> {
    const context = await newContext(browser, { javaScriptEnabled: options.javaScriptEnabled, width: options.width });
    contexts.push(context);
    const page = await context.newPage();
    const base = options.base ?? server.url;
    await signInWithBrowser(page, base, email);
    await page.goto(`${base}/escalations/${escalation}`);
    if (options.javaScriptEnabled !== false) await page.waitForSelector('#chat[data-joined="1"]');
    return page;
  }

  async function say(page: Page, text: string): Promise<void> {
    await page.fill('#body', text);
    await page.press('#body', 'Enter');
  }

  const line = (page: Page, text: string): ReturnType<Page['waitForSelector']> => page.waitForSelector(`#chat-log .chat-body:text-is("${text}")`);

  test('two contexts exchange messages live, with typing and read markers; both pages pass axe', async () => {
    const escalation = addEscalation(server.deps, { branchId, expertId });
    const volunteer = await openChat('vera@bieb.test', escalation);
    const expert = await openChat('erik@digihulplijn.test', escalation);

    await volunteer.fill('#body', 'Meneer krijgt');
    await expert.waitForSelector('#chat-typing:has-text("typt")');
    await say(volunteer, 'Meneer krijgt geen sms-code van DigiD <b>meer</b>');
    await line(expert, 'Meneer krijgt geen sms-code van DigiD <b>meer</b>');
    await say(expert, 'Laat hem de DigiD app opnieuw activeren.');
    await line(volunteer, 'Laat hem de DigiD app opnieuw activeren.');
    // The expert has seen the volunteer's message: the volunteer's line gets its read marker.
    await volunteer.waitForSelector('.chat-own .chat-read');
    expect(await volunteer.locator('#chat-log .chat-line').count()).toBe(2);
    expect(await expert.locator('#chat-log .chat-line').count()).toBe(2);
    // Markup typed in a message is shown as text.
    expect(await expert.locator('#chat-log b').count()).toBe(0);

    await expectAccessible(volunteer, 'chat-volunteer');
    await expectAccessible(expert, 'chat-expert');
    // And at 320 px the conversation still fits.
    const narrow = await openChat('vera@bieb.test', escalation, { width: 320 });
    await expectAccessible(narrow, 'chat-volunteer-320', { fitsWidth: true });
  });

  test('with WebSockets refused by a proxy, the chat works over long-polling', async () => {
    const escalation = addEscalation(server.deps, { branchId, expertId });
    const proxy = await startUpgradeRefusingProxy(server.url);
    try {
      const volunteer = await openChat('vera@bieb.test', escalation, { base: proxy.url });
      const expert = await openChat('erik@digihulplijn.test', escalation);
      await say(volunteer, 'Via de proxy van de bibliotheek');
      await line(expert, 'Via de proxy van de bibliotheek');
      await say(expert, 'Komt aan, ook zonder WebSocket');
      await line(volunteer, 'Komt aan, ook zonder WebSocket');
      // socket.io tried to upgrade, the proxy refused, and the connection stayed on polling.
      await volunteer.waitForFunction(() => document.getElementById('chat')?.getAttribute('data-transport') === 'polling');
      expect(proxy.refusedUpgrades()).toBeGreaterThan(0);
      expect(await volunteer.getAttribute('#chat', 'data-transport')).toBe('polling');
      await screenshot(volunteer, 'chat-volunteer-polling');
    } finally {
      await proxy.close();
    }
  });

  test('without JavaScript the volunteer sends by form and the expert sees it arrive', async () => {
    const escalation = addEscalation(server.deps, { branchId, expertId });
    const expert = await openChat('erik@digihulplijn.test', escalation);
    const volunteer = await openChat('vera@bieb.test', escalation, { javaScriptEnabled: false });
    await volunteer.fill('#body', 'Verstuurd zonder JavaScript');
    await Promise.all([volunteer.waitForNavigation(), volunteer.click('#chat-form button[type=submit]')]);
    expect(volunteer.url()).toBe(`${server.url}/escalations/${escalation}#chat`);
    await line(volunteer, 'Verstuurd zonder JavaScript');
    await line(expert, 'Verstuurd zonder JavaScript');
    // Stored once (a double submit of one render is covered in chat.routes.test.ts).
    expect(server.deps.db.prepare('SELECT count(*) FROM chat_messages WHERE escalation_id = ?').pluck().get(escalation)).toBe(1);
    await expectAccessible(volunteer, 'chat-volunteer-nojs');
  });
});
