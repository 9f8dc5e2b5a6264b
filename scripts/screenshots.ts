/**
 * npm run screenshots — the README's screenshots, taken from the compiled server in production mode on a
 * throw-away database with the demo data: the kiosk (/check-in), the desk, one admin table (/admin/users) and the
 * audit log, each at 1280 px and at 320 px wide, into docs/screenshots/<page>-desktop.png / -phone.png.
 * Look at each one before committing it. Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../server/features/demo/demo.seed';
import { openDatabase } from '../server/db/open';
import { KIOSK_COOKIE } from '../server/http/kiosk';
import { ROOT_DIR } from '../server/paths';
import { freePort, nextDemoCode, productionEnv, seededDatabase, startCompiledServer } from './bench/bench-lib';

const OUT_DIR = path.join(ROOT_DIR, 'docs', 'screenshots');
const WIDTHS = [
  { suffix: 'desktop', width: 1280, height: 800 },
  { suffix: 'phone', width: 320, height: 720 },
] as const;

interface Shot {
  name: string;
  path: string;
  /** Demo account to sign in as; 'kiosk' is a browser set up as the first branch's kiosk. */
  as: string | 'kiosk';
  /** On the phone, scroll this into view first (the part of a long page the picture is about). */
  phoneScrollTo?: string;
}

const SHOTS: Shot[] = [
  { name: 'kiosk', path: '/check-in', as: 'kiosk' },
  { name: 'desk', path: '/desk', as: 'volunteer@demo.test' },
  { name: 'admin-users', path: '/admin/users', as: 'admin@demo.test' },
  { name: 'audit', path: '/admin/audit', as: 'admin@demo.test', phoneScrollTo: '.table-scroll' },
];

async function signIn(page: Page, url: string, email: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.fill('#email', email);
  await page.fill('#password', DEMO_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
  // The demo admin and coordinator have a second factor (SPEC §5): answer with a code of the demo secret.
  if (new URL(page.url()).pathname === '/login/second-factor') {
    await page.fill('#code', await nextDemoCode(email));
    await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
  }
}

/**
 * A kiosk is set up once per browser by a signed-in volunteer at /check-in/setup (issue #15 item 2); setting it
 * up signs them out, so the screenshot shows what a visitor sees.
 */
async function setUpKiosk(context: BrowserContext, url: string, branchId: number): Promise<void> {
  const page = await context.newPage();
  await signIn(page, url, 'volunteer@demo.test');
  await page.goto(`${url}/check-in/setup?branch=${branchId}`);
  await Promise.all([page.waitForNavigation(), page.click('main form[action="/check-in/setup"] button[type=submit]')]);
  const kiosk = (await context.cookies()).filter((c) => c.name === KIOSK_COOKIE);
  if (kiosk.length === 0) throw new Error('setting up the kiosk did not set its cookie');
  await context.clearCookies();
  await context.addCookies(kiosk);
  await page.close();
}

async function main(): Promise<void> {
  const databasePath = await seededDatabase();
  const db = openDatabase(databasePath);
  const branchId = db.prepare('SELECT id FROM branches WHERE retired_at IS NULL ORDER BY id LIMIT 1').pluck().get() as number;
  db.close();
  const server = await startCompiledServer(productionEnv(databasePath, await freePort()));
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    fs.mkdirSync(OUT_DIR, { recursive: true });
    for (const shot of SHOTS) {
      const context = await browser.newContext({ locale: 'nl-NL', timezoneId: 'Europe/Amsterdam' });
      if (shot.as === 'kiosk') await setUpKiosk(context, server.url, branchId);
      const page = await context.newPage();
      if (shot.as !== 'kiosk') await signIn(page, server.url, shot.as);
      for (const { suffix, width, height } of WIDTHS) {
        await page.setViewportSize({ width, height });
        const res = await page.goto(`${server.url}${shot.path}`);
        if (res?.status() !== 200) throw new Error(`${shot.path} answered ${res?.status()}`);
        if (suffix === 'phone' && shot.phoneScrollTo) await page.evaluate((sel) => document.querySelector(sel)?.scrollIntoView(), shot.phoneScrollTo);
        const file = path.join(OUT_DIR, `${shot.name}-${suffix}.png`);
        await page.screenshot({ path: file });
        console.log(`${path.relative(ROOT_DIR, file)}  (${shot.path} as ${shot.as}, ${width} px)`);
      }
      await context.close();
    }
  } finally {
    await browser?.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
