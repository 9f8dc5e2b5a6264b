import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import type { AxeResults } from 'axe-core';
import { ROOT_DIR } from '../../server/paths';
import { nextSecondFactorCode, secondFactorContext } from './second-factor';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(ROOT_DIR, 'test-output', 'screenshots');

/** Debian's Chromium, headless, with the flags this closed network needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
}

export interface ContextOptions {
  javaScriptEnabled?: boolean;
  width?: number;
  height?: number;
}

/** Contexts created with JavaScript off: axe-core cannot run inside them (it is a script). */
const scriptless = new WeakSet<BrowserContext>();

export async function newContext(browser: Browser, options: ContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    locale: 'nl-NL',
    timezoneId: 'Europe/Amsterdam',
  });
  if (options.javaScriptEnabled === false) scriptless.add(context);
  return context;
}

/** The axe-core that AxeBuilder itself uses (a dependency of @axe-core/playwright, not of ours). */
const axe = createRequire(require.resolve('@axe-core/playwright'))('axe-core') as { source: string; version: string };

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/**
 * axe-core on the whole document with AXE_TAGS, as `new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()`.
 * For a page without frames (all of ours), the same `axe.run(document, { runOnly })` runs in the page itself,
 * with axe injected once per document: AxeBuilder injects its ~0.5 MB source on every call, and then again
 * in a blank page that it opens to merge the results. With frames, AxeBuilder does it (it checks them too).
 */
async function analyze(page: Page): Promise<AxeResults> {
  if (page.frames().length > 1) return new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const options = { runOnly: { type: 'tag' as const, values: AXE_TAGS } };
  if (!(await page.evaluate(`typeof window.axe?.run === 'function' && window.axe.version === ${JSON.stringify(axe.version)}`))) {
    await page.evaluate(axe.source);
    await page.evaluate(`axe.configure({ allowedOrigins: ['<same_origin>'], branding: { application: 'playwright' } })`);
  }
  return page.evaluate((o) => (window as unknown as { axe: { run: (c: Document, o: unknown) => Promise<AxeResults> } }).axe.run(document, o), options);
}

/**
 * Runs axe-core (WCAG 2.1 A/AA rules) and returns readable violations; expect it to equal [].
 * For a page in a JavaScript-off context, axe checks an exact copy of the page as it is now (same HTML,
 * same URL, same stylesheets, same viewport) in a scripted twin context: this also covers pages that are
 * the result of a POST, which cannot simply be loaded again.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  let target = page;
  let twin: BrowserContext | null = null;
  if (scriptless.has(page.context())) {
    const browser = page.context().browser();
    if (!browser) throw new Error('page has no browser');
    const html = await page.content();
    const url = page.url();
    const viewport = page.viewportSize() ?? { width: 1280, height: 900 };
    twin = await browser.newContext({ viewport, locale: 'nl-NL', timezoneId: 'Europe/Amsterdam', javaScriptEnabled: true });
    await twin.addCookies(await page.context().cookies());
    target = await twin.newPage();
    // The copy must not start live scripts of its own; it only needs the markup and the stylesheet.
    await target.route('**/*.js', (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: '' }));
    await target.route((u) => u.href === url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await target.goto(url);
  }
  try {
    const results = await analyze(target);
    return results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  } finally {
    if (twin) await twin.close();
  }
}

/**
 * Screenshot (to look at), then axe-core on exactly what is on screen: no violations expected. With
 * `fitsWidth`, also nothing wider than the viewport (wide tables scroll inside their own region).
 */
export async function expectAccessible(page: Page, name: string, options: { fitsWidth?: boolean } = {}): Promise<void> {
  await screenshot(page, name);
  if (options.fitsWidth) {
    const width = page.viewportSize()?.width;
    expect([name, await page.evaluate(() => document.documentElement.scrollWidth)]).toEqual([name, width]);
  }
  expect([name, await axeViolations(page)]).toEqual([name, []]);
}

/** Full-page screenshot into test-output/screenshots/<name>.png (git-ignored), to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Signs in through the real form. */
export async function signInWithBrowser(page: Page, baseUrl: string, email: string, password = 'demo-demo-demo'): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  if (new URL(page.url()).pathname === '/login/second-factor') {
    await page.fill('#code', await nextSecondFactorCode(secondFactorContext(baseUrl), email));
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  }
}
