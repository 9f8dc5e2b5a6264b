import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { createBranch } from '../helpers/test-app';
import { expectAccessible, launchBrowser, newContext, screenshot } from '../helpers/browser';
import { FakeClock } from '../../server/lib/clock';
import { LANGUAGES } from '../../server/lib/i18n';

/**
 * Six languages (issue 13): for each, the whole booking flow in Chromium at 320 px with JavaScript off, axe
 * clean on every step, lang and dir on the page. Arabic is right to left; its screenshots are in
 * test-output/screenshots/lang-ar-*.png. Then "Lees voor": the button appears only where the browser has a
 * voice for the page's language (speechSynthesis stubbed before any page script runs).
 */
describe('six languages in Chromium', () => {
  let server: LiveServer;
  let browser: Browser;
  let branchId: number;
  const clock = new FakeClock('2026-03-02T07:00:00Z'); // a Monday morning

  beforeAll(async () => {
    server = await startLiveServer({ clock });
    branchId = createBranch(server.deps, { name: 'Centrale Bibliotheek', desks: 2 });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function submit(page: Page): Promise<void> {
    await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
  }

  async function expectLanguage(page: Page, code: string, dir: string): Promise<void> {
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([code, dir]);
  }

  test.each(LANGUAGES.map((l) => [l.code, l.dir, l.name]))(
    '%s: the whole booking flow at 320 px without JavaScript, axe clean on every step',
    async (code, dir, name) => {
      expect(server.deps.translations.has(code)).toBe(true);
      const context = await newContext(browser, { javaScriptEnabled: false, width: 320, height: 640 });
      const page = await context.newPage();
      page.setDefaultTimeout(8000);
      const label = `lang-${code}`;
      await page.goto(server.url + '/');
      if (code !== 'nl') await Promise.all([page.waitForNavigation(), page.click(`.lang-switch a[hreflang="${code}"]`)]);
      expect(await page.textContent('.lang-switch [aria-current]')).toBe(name);
      await expectLanguage(page, code, dir);
      await expectAccessible(page, `${label}-0-home`, { fitsWidth: true });
      await Promise.all([page.waitForNavigation(), page.click('main a[href="/book"]')]);
      await expectAccessible(page, `${label}-1-branch`, { fitsWidth: true });
      await page.check(`input[name=branch][value="${branchId}"]`);
      await submit(page);
      await expectAccessible(page, `${label}-2-topic`, { fitsWidth: true });
      await page.check('input[name=topic][value=digid]');
      await submit(page);
      await expectAccessible(page, `${label}-3-time`, { fitsWidth: true });
      await page.check('input[name=start]');
      await submit(page);
      await expectLanguage(page, code, dir);
      await expectAccessible(page, `${label}-4-details`, { fitsWidth: true });
      // One language question (issue #15 item 7): Dutch help, or another language and then which; the
      // e-mail and calendar file follow the page language (checked on the stored booking below).
      expect(await page.isChecked('#help_language')).toBe(true);
      await page.fill('#name', 'سارة Şükrü Łucja Олена');
      await page.fill('#email', `${code}@example.nl`);
      await submit(page);
      await submit(page); // consent forgotten: the error summary, in the language, accessible
      expect(await page.locator('.error-summary').count()).toBe(1);
      await expectAccessible(page, `${label}-5-check-error`, { fitsWidth: true });
      await page.check('#consent');
      await submit(page);
      await expectLanguage(page, code, dir);
      expect(await page.locator('main .code').count()).toBe(1);
      await expectAccessible(page, `${label}-6-confirmation`, { fitsWidth: true });
      expect(server.deps.db.prepare('SELECT language FROM appointments WHERE email = ?').pluck().get(`${code}@example.nl`)).toBe(code);
      // The confirmation e-mail (no SMTP here: the outbox writes .eml files), rendered to look at.
      await server.deps.outboxSender.runOnce();
      const eml = fs.readdirSync(server.deps.config.outboxDir).map((f) => path.join(server.deps.config.outboxDir, f));
      const mails = await Promise.all(eml.map(async (f) => simpleParser(fs.readFileSync(f))));
      const mail = mails.find((m) => (Array.isArray(m.to) ? m.to[0] : m.to)?.text === `${code}@example.nl`);
      expect(mail?.html).toContain(`<html lang="${code}" dir="${dir}"`);
      const mailPage = await context.newPage();
      await mailPage.setContent(String(mail!.html));
      await screenshot(mailPage, `${label}-7-email`);
      await context.close();
    },
    120_000,
  );

  test('Arabic mirrors: the header tools sit on the left, text starts on the right', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false, width: 320, height: 640 });
    const page = await context.newPage();
    await page.goto(`${server.url}/language/ar?back=%2Fbook`);
    await expectLanguage(page, 'ar', 'rtl');
    const heading = await page.locator('main h1').boundingBox();
    const legend = await page.locator('main .choice input').first().boundingBox();
    // The radio button is at the start of its line: on the right in right-to-left.
    expect(legend!.x).toBeGreaterThan(160);
    expect(heading!.x + heading!.width).toBeGreaterThan(290);
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('main h1')!).direction)).toBe('rtl');
    await context.close();
  }, 60_000);

  describe('read aloud', () => {
    /** Replaces the browser's speech synthesis before any page script runs: these voices, and a way to add more later. */
    async function pageWithVoices(voiceLangs: string[], lang: string): Promise<Page> {
      const context = await newContext(browser, { width: 320, height: 640 });
      await context.addInitScript((initial: string[]) => {
        let voices = initial;
        const listeners: (() => void)[] = [];
        const w = window as unknown as Record<string, unknown>;
        const synth = {
          speaking: false,
          getVoices: () => voices.map((l) => ({ lang: l, name: `voice ${l}` })),
          speak: (u: { text: string; lang: string }) => {
            const before = w.spoken as { text: string } | undefined;
            w.spoken = { text: `${before ? before.text + '\n' : ''}${u.text}`, lang: u.lang };
          },
          cancel: () => undefined,
          addEventListener: (type: string, f: () => void) => type === 'voiceschanged' && listeners.push(f),
        };
        Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
        w.SpeechSynthesisUtterance = function (this: Record<string, string>, text: string) {
          this.text = text;
        };
        w.addVoices = (more: string[]) => {
          voices = voices.concat(more);
          listeners.forEach((f) => f());
        };
      }, voiceLangs);
      const page = await context.newPage();
      await page.goto(`${server.url}/language/${lang}?back=%2F`);
      await page.waitForLoadState('load');
      return page;
    }

    test('a Dutch voice on a Dutch page: the button is there, reads the main content in Dutch, axe clean', async () => {
      const page = await pageWithVoices(['en-GB', 'nl-NL'], 'nl');
      const button = page.locator('button.read-aloud');
      await button.waitFor();
      expect(await button.textContent()).toBe('Lees voor');
      await button.click();
      const spoken = (await page.evaluate(() => (window as unknown as { spoken: { text: string; lang: string } }).spoken))!;
      expect(spoken.lang).toBe('nl-NL');
      expect(spoken.text).toContain(await page.textContent('main h1'));
      expect(spoken.text).toContain(await page.textContent('main .action-title >> nth=0'));
      expect(spoken.text).not.toContain('Lees voor');
      expect(await button.getAttribute('aria-pressed')).toBe('true');
      await expectAccessible(page, 'read-aloud-nl', { fitsWidth: true });
      await page.context().close();
    }, 60_000);

    test('no Arabic voice on an Arabic page: no button; one arriving later (voiceschanged) adds it', async () => {
      const page = await pageWithVoices(['nl-NL', 'en-GB'], 'ar');
      await page.waitForTimeout(300);
      expect(await page.locator('button.read-aloud').count()).toBe(0);
      await page.evaluate(() => (window as unknown as { addVoices: (l: string[]) => void }).addVoices(['ar-SA']));
      const button = page.locator('button.read-aloud');
      await button.waitFor();
      expect(await button.textContent()).toBe('اقرأ الصفحة بصوت عالٍ');
      await button.click();
      expect(await page.evaluate(() => (window as unknown as { spoken: { lang: string } }).spoken.lang)).toBe('ar-SA');
      await page.context().close();
    }, 60_000);

    test('no voices at all: no button', async () => {
      const page = await pageWithVoices([], 'nl');
      await page.waitForTimeout(300);
      expect(await page.locator('button.read-aloud').count()).toBe(0);
      await page.context().close();
    }, 60_000);
  });
});
