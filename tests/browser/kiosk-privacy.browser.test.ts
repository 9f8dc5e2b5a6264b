import { Writable } from 'node:stream';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { becomeKiosk } from '../helpers/arrival';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { createBranch, createUser } from '../helpers/test-app';
import { addEscalation } from '../helpers/chat';
import { launchBrowser, newContext, signInWithBrowser } from '../helpers/browser';
import { createLogger } from '../../server/lib/logger';
import { FakeClock } from '../../server/lib/clock';
import { SYSTEM_ACTOR } from '../../server/lib/actor';

jest.setTimeout(180_000);

/**
 * Kiosk privacy (issue #12, item 5) in a real Chromium with JavaScript on: the public flows (booking with a
 * name, e-mail and phone; its manage link; check-in with the code; a walk-in number; the survey) and the staff
 * flows (sign-in, desk, intake with a note, the appointments list and a booking's details, a loan to a
 * borrower, a chat message), each typing its own distinct personal values. Afterwards none of those values
 * may be in the browser's storage (cookies, localStorage, sessionStorage, IndexedDB) of any origin, in any URL
 * the browser requested, or in the server's request log; and every response that carried one was no-store.
 */
const BOOKING = { name: 'Quirijntje Zandvoortmans', email: 'q.zandvoortmans@voorbeeld.nl', phone: '0687654329' };
const BORROWER = { name: 'Ottoline Brederodestein', phone: '0623456781' };
const STAFF = { email: 'wilhelmina.vrijwillig@bieb.test', password: 'Tulpenbol-Geheim-77' };
const NOTE = 'Kwartelkoningbrief over de aanslag';
const CHAT = 'Mevrouw Pimpernel wacht op antwoord';
/** Short, so the idle-reset test need not wait a minute; a config knob (KIOSK_IDLE_SECONDS), default 60. */
const IDLE_SECONDS = 5;

/** The value and the ways a browser or server could spell it in a URL or a log line. */
function spellings(value: string): string[] {
  return [value, encodeURIComponent(value), encodeURIComponent(value).replace(/%20/g, '+'), value.replace(/ /g, '+')].map((s) => s.toLowerCase());
}

function findValues(text: string, values: string[]): string[] {
  let decoded = text;
  try {
    decoded = decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    /* a malformed escape: the raw text is still checked */
  }
  const hay = `${text}\n${decoded}`.toLowerCase();
  return values.filter((v) => spellings(v).some((s) => hay.includes(s)));
}

describe('kiosk privacy in Chromium: no personal value in storage, URLs or logs', () => {
  let server: LiveServer;
  let browser: Browser;
  let branchId: number;
  let expertId: number;
  const clock = new FakeClock('2026-03-02T08:00:00Z'); // a Monday morning
  const logLines: string[] = [];
  const requested: string[] = [];
  const carriers: { url: string; cacheControl: string; found: string[] }[] = [];
  const contexts: BrowserContext[] = [];
  /** Filled as the walk goes: the booking code is personal enough (it checks someone in). */
  const values: string[] = [BOOKING.name, BOOKING.email, BOOKING.phone, BORROWER.name, BORROWER.phone, STAFF.email, STAFF.password, NOTE, CHAT];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    server = await startLiveServer({
      clock,
      logger: createLogger('info', sink),
      env: { STAFF_IDLE_MINUTES: '100000', SESSION_ABSOLUTE_HOURS: '100000', KIOSK_IDLE_SECONDS: String(IDLE_SECONDS) },
    });
    branchId = createBranch(server.deps, { name: 'Centrale Bibliotheek', desks: 2 });
    await createUser(server.deps, 'volunteer', [branchId], STAFF.email, STAFF.password);
    expertId = await createUser(server.deps, 'expert', [], 'erik@digihulplijn.test');
    server.deps.devices.add(SYSTEM_ACTOR, branchId, { type: 'tablet', assetTag: 'TAB-007', serial: 'S7', makeModel: 'Galaxy Tab', kit: [], notes: '' });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  });

  /** A context whose every request URL and every page response carrying a personal value is recorded. */
  async function watchedContext(options: { javaScriptEnabled?: boolean; width?: number } = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await newContext(browser, options);
    contexts.push(context);
    context.on('request', (req) => {
      requested.push(req.url());
      const referer = req.headers().referer;
      if (referer) requested.push(referer);
    });
    context.on('response', (res: Response) => void recordCarrier(res));
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    return { context, page };
  }

  const pending: Promise<void>[] = [];
  function recordCarrier(res: Response): void {
    const type = res.request().resourceType();
    if (type !== 'document' && type !== 'xhr' && type !== 'fetch') return;
    pending.push(
      (async () => {
        let body: string;
        try {
          body = await res.text();
        } catch {
          return; // a redirect has no body
        }
        const found = findValues(body, values);
        if (found.length > 0) carriers.push({ url: res.url(), cacheControl: (await res.allHeaders())['cache-control'] ?? '', found });
      })(),
    );
  }

  async function submit(page: Page, selector = 'main button[type=submit]'): Promise<void> {
    await Promise.all([page.waitForNavigation(), page.click(selector)]);
  }

  /** Cookies (names and values) and localStorage of every origin, sessionStorage and IndexedDB of every open page. */
  async function browserStorage(context: BrowserContext): Promise<{ text: string; localKeys: string[]; origins: string[]; databases: string[] }> {
    const state = await context.storageState();
    const parts: string[] = [JSON.stringify(state.cookies)];
    const localKeys: string[] = [];
    for (const origin of state.origins) {
      parts.push(JSON.stringify(origin.localStorage));
      localKeys.push(...origin.localStorage.map((e) => e.name));
    }
    const databases: string[] = [];
    for (const page of context.pages()) {
      if (page.url().startsWith('about:')) continue;
      parts.push(await page.evaluate(() => JSON.stringify(Object.entries(sessionStorage))));
      databases.push(...(await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''))));
    }
    return { text: parts.join('\n'), localKeys, origins: state.origins.map((o) => o.origin), databases };
  }

  test('the public and staff flows leave no personal value behind', async () => {
    // --- A citizen books at home: name, e-mail, phone.
    const { context: home, page } = await watchedContext();
    await page.goto(`${server.url}/`);
    await submit(page, 'a[href="/book"]');
    await page.check(`input[name=branch][value="${branchId}"]`);
    await submit(page);
    await page.check('input[name=topic][value=digid]');
    await submit(page);
    const startsAt = await page.locator('input[name=start]').first().getAttribute('value');
    await page.check(`input[name=start][value="${startsAt}"]`);
    await submit(page);
    await page.fill('#name', BOOKING.name);
    await page.fill('#email', BOOKING.email);
    await page.fill('#phone', BOOKING.phone);
    await submit(page);
    expect(await page.textContent('main')).toContain(BOOKING.name);
    await page.check('#consent');
    await submit(page);
    expect(await page.textContent('main')).toContain('Uw afspraak is gemaakt.');
    const code = server.deps.db.prepare('SELECT code FROM appointments WHERE email = ?').pluck().get(BOOKING.email) as string;
    expect(code).toMatch(/^\w{4,}$/);
    values.push(code);
    // ... and manages it through its link (the link itself is a secret by design, not a typed value).
    const manageUrl = page.url().replace(/\?.*$/, '');
    await page.goto(manageUrl);
    expect(await page.textContent('main')).toContain(BOOKING.email);
    await submit(page, 'a[href$="/reschedule"]');
    await page.goto(`${manageUrl}/cancel`);

    // --- The appointment day: the kiosk checks in with the code, hands out a walk-in number, runs the survey.
    clock.set(new Date(Date.parse(startsAt!) - 10 * 60_000).toISOString());
    const { context: kiosk, page: k } = await watchedContext({ width: 800 });
    await becomeKiosk(k, server.url, branchId);
    await k.goto(`${server.url}/check-in`);
    await k.fill('#code', code);
    await submit(k, 'form.kiosk-code button[type=submit]');
    expect(new URL(k.url()).pathname).toBe('/check-in/result');
    await k.goto(`${server.url}/check-in`);
    await submit(k, 'button[value=device]');
    expect(new URL(k.url()).pathname).toMatch(/^\/check-in\/ticket\//);
    await k.goto(`${server.url}/survey?branch=${branchId}`);
    await k.click('label[for=satisfaction-5]');
    await k.click('label[for=self_reliance-4]');
    await k.click('label[for=trust]');
    await submit(k, 'button[type=submit]');
    expect(await k.textContent('h1')).toContain('Dank u wel');

    // --- A volunteer: sign-in, desk (desk number), intake with a note, the day's bookings, a loan, a chat line.
    const { context: staff, page: s } = await watchedContext();
    await signInWithBrowser(s, server.url, STAFF.email, STAFF.password);
    expect(new URL(s.url()).pathname).toBe('/desk');
    const deskSelect = s.locator('#queue-panel select[name=desk]').first();
    if ((await deskSelect.count()) > 0) await deskSelect.selectOption('2');
    await s.goto(`${server.url}/intake/new?branch=${branchId}`);
    await s.selectOption('#organisation', { label: 'Belastingdienst' });
    await s.selectOption('#topic', { label: 'Belastingaangifte' });
    await s.fill('#note', NOTE);
    await submit(s, 'button[name=then][value=done]');
    expect(new URL(s.url()).pathname).toBe('/intake');
    expect(await s.textContent('main')).toContain(NOTE);
    await s.goto(`${server.url}/appointments?branch=${branchId}`);
    expect(await s.textContent('main')).toContain(BOOKING.name);
    await Promise.all([s.waitForNavigation(), s.locator('main table tr', { hasText: BOOKING.name }).locator('a').first().click()]);
    expect(await s.textContent('main')).toContain(BOOKING.email);
    await s.goto(`${server.url}/loans/new?branch=${branchId}`);
    await s.fill('#tag', 'TAB-007');
    await submit(s, 'button:has-text("Apparaat zoeken")');
    await s.fill('#name', BORROWER.name);
    await s.fill('#contact', BORROWER.phone);
    await s.check('#agreement');
    await submit(s, 'button:has-text("Uitlenen")');
    expect(new URL(s.url()).pathname).toMatch(/^\/loans\/\d+$/);
    expect(await s.textContent('main')).toContain(BORROWER.name);
    const escalation = addEscalation(server.deps, { branchId, expertId });
    await s.goto(`${server.url}/escalations/${escalation}`);
    await s.waitForSelector('#chat[data-joined="1"]');
    await s.fill('#body', CHAT);
    await s.press('#body', 'Enter');
    // The line shows at once as "pending"; wait for the server's acknowledgement (the stored message replaces it).
    await s.waitForSelector(`#chat-log .chat-line:not(.chat-pending) .chat-body:text-is("${CHAT}")`);

    await Promise.all(pending);
    // The walk really happened and was really logged and watched.
    expect(server.deps.db.prepare('SELECT count(*) FROM loans').pluck().get()).toBe(1);
    expect(server.deps.db.prepare('SELECT count(*) FROM chat_messages WHERE body = ?').pluck().get(CHAT)).toBe(1);
    expect(logLines.some((l) => l.includes('"/book/check"'))).toBe(true);
    expect(logLines.some((l) => l.includes('"/intake/new"'))).toBe(true);
    expect(requested.length).toBeGreaterThan(30);
    expect(carriers.length).toBeGreaterThanOrEqual(6);

    // 1. Browser storage of every context and origin.
    for (const [name, context] of [['home', home], ['kiosk', kiosk], ['staff', staff]] as const) {
      const storage = await browserStorage(context);
      expect({ name, found: findValues(storage.text, values) }).toEqual({ name, found: [] });
      // localStorage holds a desk number at most (and the expert console's sound switch).
      expect({ name, keys: storage.localKeys.filter((key) => !['dichterbij.desk', 'dichterbij.escalation-sound'].includes(key)) }).toEqual({ name, keys: [] });
      expect({ name, databases: storage.databases }).toEqual({ name, databases: [] });
      for (const origin of storage.origins) expect(origin).toBe(server.url);
    }
    // 2. Every URL the browser asked for (and every Referer it sent).
    expect(requested.map((url) => ({ url, found: findValues(url, values) })).filter((r) => r.found.length > 0)).toEqual([]);
    // 3. The request log.
    expect(logLines.map((line) => ({ line, found: findValues(line, values) })).filter((r) => r.found.length > 0)).toEqual([]);
    // 4. Every page or answer that showed one of them: not kept in any cache.
    expect(carriers.filter((c) => !/no-store/.test(c.cacheControl))).toEqual([]);
  });

  test(`a booking on a kiosk goes back to the start after ${IDLE_SECONDS} s without input, and what was typed is gone`, async () => {
    clock.set('2026-03-03T08:00:00Z');
    const { context, page } = await watchedContext({ width: 800 });
    await becomeKiosk(page, server.url, branchId);
    await page.goto(`${server.url}/check-in`); // this browser is the branch's kiosk now
    await page.goto(`${server.url}/book/time?branch=${branchId}&topic=digid`);
    const startsAt = await page.locator('input[name=start]').first().getAttribute('value');
    await page.goto(`${server.url}/book/details?branch=${branchId}&topic=digid&start=${encodeURIComponent(startsAt!)}`);
    // A visible countdown with a way to ask for more time; no <meta refresh> that could wipe typing without JavaScript.
    expect(await page.isVisible('[data-reset-after]')).toBe(true);
    expect(await page.isVisible('[data-more-time]')).toBe(true);
    expect(await page.content()).not.toMatch(/http-equiv="refresh"/i);

    // Half-typed, then the person walks away.
    const halfTyped = 'Halvegetypte Naam Vossenberg';
    await page.fill('#name', halfTyped);
    await page.waitForURL(`${server.url}/check-in`, { timeout: (IDLE_SECONDS + 5) * 1000 });
    expect(await page.textContent('body')).not.toContain(halfTyped);
    // The reset replaced the page in the history: Back does not bring the typing back.
    await page.goBack();
    const inputs = await page.locator('input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    expect(inputs).not.toContain(halfTyped);
    expect(await page.textContent('body')).not.toContain(halfTyped);

    // Details sent, the check step on screen, nobody confirms: a screen reader hears the warning once, then the reset.
    const walkedAway = 'Weggelopen Persoon Ruijsdael';
    await page.goto(`${server.url}/book/details?branch=${branchId}&topic=digid&start=${encodeURIComponent(startsAt!)}`);
    await page.fill('#name', walkedAway);
    await page.fill('#phone', '0611223344');
    await submit(page);
    expect(new URL(page.url()).pathname).toBe('/book/check');
    expect(await page.textContent('main')).toContain(walkedAway);
    await page.waitForFunction(() => (document.querySelector('[data-reset-status]')?.textContent ?? '') !== '', undefined, { timeout: IDLE_SECONDS * 1000 });
    await page.waitForURL(`${server.url}/check-in`, { timeout: (IDLE_SECONDS + 5) * 1000 });
    expect(await page.textContent('body')).not.toContain(walkedAway);
    // Back: the check step is replaced by the start page; the details form before it comes back empty.
    await page.goBack();
    expect(new URL(page.url()).pathname).toBe('/book/details');
    expect(await page.locator('input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).not.toContain(walkedAway);
    expect(await page.textContent('body')).not.toContain(walkedAway);
    // The kiosk's start page forgot the unfinished booking: the next person cannot open it.
    await page.goto(`${server.url}/book/check`);
    expect(await page.textContent('body')).not.toContain(walkedAway);
    await context.close();

    // At home (no kiosk cookie) nothing counts down.
    const { context: homeContext, page: home } = await watchedContext();
    await home.goto(`${server.url}/book/details?branch=${branchId}&topic=digid&start=${encodeURIComponent(startsAt!)}`);
    expect(await home.locator('[data-reset-after]').count()).toBe(0);
    await homeContext.close();
  });
});
