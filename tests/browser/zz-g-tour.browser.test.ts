// THROW-AWAY review tour (engineer G). Delete before finishing.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { subresources } from '../../scripts/bench/page-weight';
import { request } from '../../scripts/bench/bench-lib';
import type { Browser, Page } from 'playwright-core';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { axeViolations, launchBrowser, newContext, screenshot, signInWithBrowser } from '../helpers/browser';
import { FakeClock } from '../../server/lib/clock';
import { seedDemo } from '../../server/features/demo/demo.seed';
import { seedIntakeDemo } from '../../server/features/intake/intake.seed';
import { seedAppointmentsDemo } from '../../server/features/appointments/appointments.seed';

const ONLY = process.env.G_ONLY ?? '';
const report: Record<string, unknown> = {};

describe('G tour', () => {
  let server: LiveServer;
  let browser: Browser;
  const clock = new FakeClock('2026-11-16T08:00:00Z');

  beforeAll(async () => {
    server = await startLiveServer({ clock });
    const ctx = await seedDemo(server.deps, () => {});
    seedIntakeDemo(server.deps, ctx, () => {});
    seedAppointmentsDemo(server.deps, ctx, () => {});
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    fs.writeFileSync('/tmp/g-tour-report.json', JSON.stringify(report, null, 1));
    await browser?.close();
    await server?.close();
  });

  async function look(page: Page, name: string, axe = true): Promise<void> {
    await screenshot(page, 'g-' + name);
    const h = await page.evaluate(() => document.documentElement.scrollHeight);
    const w = page.viewportSize()?.width ?? 1280;
    if (h > 1600 && w < 400) {
      for (let y = 0, i = 0; y < h; y += 1100, i++) {
        await page.screenshot({ path: `test-output/screenshots/g-${name}-part${i}.png`, fullPage: true, clip: { x: 0, y, width: w, height: Math.min(1100, h - y) } });
      }
    }
    const info = await page.evaluate(() => {
      const small: string[] = [];
      for (const el of Array.from(document.querySelectorAll('a, button, input, select, textarea, summary, label'))) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        const tag = el.tagName.toLowerCase();
        const type = (el as HTMLInputElement).type;
        if (tag === 'input' && (type === 'hidden' || type === 'radio' || type === 'checkbox')) continue;
        if (tag === 'label' && !el.querySelector('input[type=radio],input[type=checkbox]') && !document.getElementById((el as HTMLLabelElement).htmlFor)?.matches('input[type=radio],input[type=checkbox]')) continue;
        // Links inside running text are exempt (WCAG 2.5.5 inline exception).
        if (tag === 'a' && el.closest('p, li.inline, td') && !el.closest('nav')) continue;
        if (r.height < 44 || r.width < 44) small.push(`${tag}${el.id ? '#' + el.id : ''}.${(el.className || '').toString().replace(/ /g, '.')} "${(el.textContent || '').trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
      }
      const heads = Array.from(document.querySelectorAll('h1,h2,h3')).map((h) => h.tagName + ':' + (h.textContent || '').trim().slice(0, 50));
      return { scrollWidth: document.documentElement.scrollWidth, small, heads };
    });
    const violations = axe ? await axeViolations(page) : ['(skipped)'];
    report[name] = { url: page.url(), ...info, violations };
  }

  async function weigh(path: string, cookie = ''): Promise<number> {
    const headers: Record<string, string> = { 'accept-encoding': 'br, gzip', cookie };
    const page = await request(server.url + path, { headers });
    const html = page.headers['content-encoding'] === 'br' ? zlib.brotliDecompressSync(page.body).toString('utf8') : page.body.toString('utf8');
    let total = page.body.length;
    for (const url of subresources(html)) total += (await request(server.url + url, { headers })).body.length;
    report['weight ' + path.slice(0, 60)] = { total, status: page.status };
    return total;
  }

  async function submit(page: Page): Promise<void> {
    await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
  }

  for (const js of [false, true]) {
    for (const width of [320, 1280]) {
      const tag = `${width}-${js ? 'js' : 'nojs'}`;
      test(`citizen ${tag}`, async () => {
        if (ONLY && !tag.includes(ONLY)) return;
        const context = await newContext(browser, { javaScriptEnabled: js, width, height: 700 });
        const page = await context.newPage();
        page.setDefaultTimeout(8000);
        await page.goto(server.url + '/');
        await look(page, `${tag}-home`);
        await Promise.all([page.waitForNavigation(), page.click('main a[href="/book"]')]);
        await look(page, `${tag}-book1-branch`);
        // Error state of step 1.
        await submit(page);
        await look(page, `${tag}-book1-branch-error`);
        await page.check('input[name=branch]');
        await submit(page);
        await look(page, `${tag}-book2-topic`);
        await page.check('input[name=topic][value=digid]');
        await submit(page);
        await look(page, `${tag}-book3-time`);
        await page.check('input[name=start]');
        await submit(page);
        await look(page, `${tag}-book4-details`);
        await submit(page);
        await look(page, `${tag}-book4-details-error`);
        await page.fill('#name', 'Fatima El Idrissi');
        await page.fill('#email', `fatima-${tag}@example.nl`);
        await submit(page);
        await look(page, `${tag}-book5-check`);
        await submit(page);
        await look(page, `${tag}-book5-check-error`);
        await page.check('#consent');
        await submit(page);
        await look(page, `${tag}-book6-confirmation`);
        const manage = page.url().replace('?booked=1', '');
        if (tag === '320-nojs') {
          const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
          for (const path of ['/', '/book', '/book/topic?branch=1', '/book/time?branch=1&topic=digid', '/book/check', manage.replace(server.url, ''), '/survey?branch=1', '/login', '/nergens']) await weigh(path, cookie);
        }
        await page.emulateMedia({ media: 'print' });
        await screenshot(page, `g-${tag}-book7-print`);
        await page.emulateMedia({ media: 'screen' });
        await page.goto(manage);
        await look(page, `${tag}-manage`);
        await Promise.all([page.waitForNavigation(), page.click('a[href$="/reschedule"]')]);
        await look(page, `${tag}-reschedule`);
        await page.check('input[name=start] >> nth=3');
        await submit(page);
        await look(page, `${tag}-rescheduled`);
        await page.goto(manage + '/cancel');
        await look(page, `${tag}-cancel`);
        await submit(page);
        await look(page, `${tag}-cancelled`);
        await page.goto(manage);
        await look(page, `${tag}-manage-after-cancel`);
        await page.goto(server.url + '/survey');
        await look(page, `${tag}-survey-choose`);
        await page.goto(server.url + '/survey?branch=1');
        await look(page, `${tag}-survey`);
        await submit(page);
        await look(page, `${tag}-survey-error`);
        await page.goto(server.url + '/login');
        await look(page, `${tag}-login`);
        await page.goto(server.url + '/nergens');
        await look(page, `${tag}-404`);
        await page.goto(server.url + '/book/check');
        await look(page, `${tag}-book-expired`);
        await context.close();
      }, 180_000);

      test(`volunteer ${tag}`, async () => {
        if (ONLY && !tag.includes(ONLY)) return;
        const context = await newContext(browser, { javaScriptEnabled: js, width, height: 700 });
        const page = await context.newPage();
        page.setDefaultTimeout(8000);
        await signInWithBrowser(page, server.url, 'volunteer@demo.test');
        for (const [name, path] of [['desk', '/desk'], ['intake', '/intake'], ['intake-new', '/intake/new'], ['appointments', '/appointments'], ['intake-week', '/intake?branch=1&period=week'], ['appt-new', '/appointments/new?branch=1'], ['appt-detail', '/appointments/1'], ['intake-tiles', '/intake/tiles?branch=1']]) {
          await page.goto(server.url + path);
          if (name === 'desk') {
            await Promise.all([page.waitForNavigation(), page.click('.tally-grid button >> nth=0')]);
            await Promise.all([page.waitForNavigation(), page.click('.tally-grid button >> nth=4')]);
          }
          await look(page, `${tag}-vol-${name}`, !js || true);
        }
        await context.close();
      }, 180_000);
    }
  }

  test('rtl and focus', async () => {
    if (ONLY && ONLY !== 'rtl') return;
    const context = await newContext(browser, { width: 320, height: 700 });
    const page = await context.newPage();
    for (const [name, path] of [['home', '/'], ['topic', '/book/topic?branch=1'], ['time', '/book/time?branch=1&topic=digid'], ['details', '/book/details?branch=1&topic=digid&start=x']]) {
      await page.goto(server.url + path);
      await page.evaluate(() => { document.documentElement.dir = 'rtl'; });
      await screenshot(page, `g-rtl-${name}`);
    }
    await page.goto(server.url + '/language/en?back=/');
    await page.evaluate(() => { document.documentElement.dir = 'ltr'; });
    await look(page, 'en-home');
    await page.goto(server.url + '/book/details?branch=1&topic=digid&start=2026-11-16T10:00:00.000Z');
    await look(page, 'en-details');
    await page.goto(server.url + '/login');
    await look(page, 'en-login');
    await page.goto(server.url + '/language/nl?back=/');
    await page.goto(server.url + '/book/topic?branch=1');
    for (let i = 0; i < 5; i++) await page.keyboard.press('Tab');
    await page.screenshot({ path: 'test-output/screenshots/g-focus-1.png' });
    for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
    await page.screenshot({ path: 'test-output/screenshots/g-focus-2.png' });
    await context.close();
  }, 60_000);

  test('emails', async () => {

    // Reminder for tomorrow's bookings.
    clock.set('2026-11-16T07:00:00Z');
    server.deps.appointments.book({ userId: null, label: 'public', ip: null }, {
      branchId: 1, topicKey: 'device', startsAt: '2026-11-18T09:00:00.000Z', name: 'Jan Reminder', email: 'jan@example.nl', phone: null, needs: {}, language: 'nl', channel: 'online', idempotencyKey: null, capacityOverride: false,
    });
    clock.set('2026-11-17T10:00:00Z');
    server.deps.appointments.sendDueReminders();
    const mails = server.deps.outbox.list(50, 0);
    const context = await newContext(browser, { width: 320 });
    const wide = await newContext(browser, { width: 1280 });
    const seen = new Set<string>();
    for (const m of mails) {
      if (seen.has(m.kind)) continue;
      seen.add(m.kind);
      for (const [ctx, w] of [[context, 320], [wide, 1280]] as const) {
        const page = await ctx.newPage();
        await page.setContent(m.html);
        await screenshot(page, `g-mail-${m.kind}-${w}`);
        const sw = await page.evaluate(() => document.documentElement.scrollWidth);
        report[`mail-${m.kind}-${w}`] = { subject: m.subject, scrollWidth: sw };
        await page.close();
      }
      fs.writeFileSync(`/tmp/g-mail-${m.kind}.txt`, `Subject: ${m.subject}\n\n${m.text}`);
    }
    await context.close();
    await wide.close();
  }, 120_000);
});
