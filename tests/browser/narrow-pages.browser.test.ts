import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { createTestApp } from '../helpers/test-app';
import { axeViolations, launchBrowser, newContext, screenshot, signInWithBrowser } from '../helpers/browser';
import { FakeClock } from '../../server/lib/clock';
import { may, type CurrentUser, type Role } from '../../server/policy/policy';
import { ROUTE_MATRIX, type Fixture, type RouteCase } from '../security/route-matrix';
import { buildMatrixFixture, MATRIX_EMAILS } from '../security/branch-records';

/**
 * Every GET page of the route list (tests/security/route-matrix.ts, which the permission matrix keeps
 * complete), opened by the role that uses it at 320 px (a phone, and 400 % zoom of 1280 px):
 * - nothing scrolls sideways: the document is no wider than the viewport (a wide table scrolls inside its own
 *   focusable region, which clips it);
 * - every link, button and field in the page's main part can be brought into view, inside its table region
 *   where it has one (the region is scrolled to it, as the keyboard does);
 * - axe-core finds nothing at 320 px and at 1280 px (scrollable-region-focusable included).
 * One browser; pages are opened by PARALLEL workers at once (NARROW_WORKERS, default 3: most of a page's time
 * is waiting for Chromium, and the machine has two cores), each with its own context per role, signed in once.
 * Each page still has its own test, which waits for that page's result and asserts on it: a report names
 * every page that fails, whatever order the workers finished in.
 */
jest.setTimeout(600_000);

type Who = Role | 'anonymous';
const NARROW = 320;
const WIDE = 1280;

/** Downloads, JSON, calendar files and redirects are not pages to look at. */
const NOT_PAGES = /\.(csv|xlsx|ics|json)(\?|$)|^\/healthz|^\/language\/|\/messages\?/;

/** The role that uses a page: the first (from the desk outward) whose capability covers branch A. */
function userFor(c: RouteCase, users: Record<Role, CurrentUser>, fixture: Fixture): Who {
  if (c.access === 'public') return 'anonymous';
  if (c.access === 'signed-in') return 'volunteer';
  const order: Role[] = ['volunteer', 'coordinator', 'expert', 'admin'];
  const found = order.find((r) => may(users[r], c.access as Parameters<typeof may>[1], c.scoped ? fixture.A.branch : undefined));
  if (!found) throw new Error(`no role may ${c.access}`);
  return found;
}

interface PageCase {
  name: string;
  who: Who;
  url: string;
}

/** What a worker found on a page; the page's test asserts on it. `null`: no page here (see the test). */
type Outcome = null | { layout: Layout; narrowViolations: string[]; wideViolations: string[] };

const WORKERS = Math.max(1, Number(process.env.NARROW_WORKERS) || 3);

interface Layout {
  scrollWidth: number;
  unreachable: string[];
}

/** Document width, and every visible control of <main> that cannot be scrolled into the viewport (or its region). */
function measure(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const viewport = document.documentElement.clientWidth;
    const unreachable: string[] = [];
    const controls = document.querySelectorAll<HTMLElement>('main a[href], main button, main input:not([type=hidden]), main select, main textarea, main summary');
    for (const el of Array.from(controls)) {
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden' || el.closest('[hidden], .visually-hidden, .hp')) continue;
      if (el.getClientRects().length === 0) continue;
      el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      // Brought into view by scrolling a box that a mouse or touch user cannot scroll (overflow hidden or clip)?
      for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
        if (box.scrollLeft !== 0 && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) {
          unreachable.push(`${el.tagName.toLowerCase()} "${(el.textContent || '').trim().slice(0, 40)}" is hidden by a box that does not scroll`);
        }
      }
      const r = el.getBoundingClientRect();
      const region = el.closest('.table-scroll') as HTMLElement | null;
      const box = region ? region.getBoundingClientRect() : { left: 0, right: viewport };
      const left = Math.max(0, box.left);
      const right = Math.min(viewport, box.right);
      if (r.left < left - 1 || r.right > right + 1) {
        const text = (el.textContent || el.getAttribute('name') || el.id || el.tagName).trim().replace(/\s+/g, ' ').slice(0, 40);
        unreachable.push(`${el.tagName.toLowerCase()} "${text}" at ${Math.round(r.left)}–${Math.round(r.right)} of ${Math.round(left)}–${Math.round(right)}`);
      }
    }
    window.scrollTo(0, 0);
    return { scrollWidth: document.documentElement.scrollWidth, unreachable };
  });
}

describe('every page at 320 px and 1280 px', () => {
  let server: LiveServer;
  let browser: Browser;
  let fixture: Fixture;
  /** Per worker, one context (and page) per role: a worker's pages of one role share its session, as before. */
  const workers: Map<Who, { context: BrowserContext; page: Page }>[] = [];
  const cases: PageCase[] = [];
  const outcomes = new Map<string, Promise<Outcome>>();
  let done: Promise<unknown> = Promise.resolve();

  beforeAll(async () => {
    const t = createTestApp();
    fixture = await buildMatrixFixture(t);
    const users = {} as Record<Role, CurrentUser>;
    for (const role of Object.keys(MATRIX_EMAILS) as Role[]) {
      const id = t.db.prepare('SELECT id FROM users WHERE email = ?').pluck().get(MATRIX_EMAILS[role]) as number;
      users[role] = { ...t.deps.users.get(id), mustChangePassword: false };
    }
    t.db.pragma('wal_checkpoint(TRUNCATE)');
    const dir = t.dir;
    await t.close();
    server = await startLiveServer({ dir, clock: new FakeClock('2026-03-02T09:00:00Z') });
    for (const [key, list] of Object.entries(ROUTE_MATRIX)) {
      if (!key.startsWith('GET ')) continue;
      list.forEach((c, i) => {
        const url = c.url(fixture, 'own');
        if (NOT_PAGES.test(url) || (c.allowedStatus && c.allowedStatus !== 200)) return;
        cases.push({ name: `${key}${list.length > 1 ? ` #${i + 1}` : ''}`, who: userFor(c, users, fixture), url });
      });
    }
    browser = await launchBrowser();
    // The workers start now and take the pages in list order; the tests below wait for their page's outcome.
    const settle = new Map<string, { resolve: (o: Outcome) => void; reject: (e: unknown) => void }>();
    for (const c of cases) {
      outcomes.set(c.name, new Promise<Outcome>((resolve, reject) => settle.set(c.name, { resolve, reject })));
      outcomes.get(c.name)!.catch(() => undefined); // reported by the page's own test
    }
    let next = 0;
    const work = async (w: number): Promise<void> => {
      while (next < cases.length) {
        const c = cases[next++];
        const { resolve, reject } = settle.get(c.name)!;
        await visit(w, c).then(resolve, reject);
      }
    };
    done = Promise.all(Array.from({ length: Math.min(WORKERS, cases.length) }, (_, w) => work(w)));
  }, 120_000);

  afterAll(async () => {
    await done;
    for (const contexts of workers) for (const { context } of contexts.values()) await context.close();
    await browser?.close();
    await server?.close();
  });

  async function pageAs(w: number, who: Who): Promise<Page> {
    const contexts = (workers[w] ??= new Map());
    let entry = contexts.get(who);
    if (!entry) {
      const context = await newContext(browser, { width: NARROW, height: 800 });
      const page = await context.newPage();
      if (who !== 'anonymous') await signInWithBrowser(page, server.url, MATRIX_EMAILS[who]);
      entry = { context, page };
      contexts.set(who, entry);
    }
    return entry.page;
  }

  /** Opens one page at 320 px, then 1280 px, and measures it; the picture is taken here, before the width changes. */
  async function visit(w: number, c: PageCase): Promise<Outcome> {
    const page = await pageAs(w, c.who);
    await page.setViewportSize({ width: NARROW, height: 800 });
    const res = await page.goto(`${server.url}${c.url}`);
    // A public link with a made-up token (cancel, reschedule, ticket) or /setup once accounts exist: no page
    // here; the permission matrix checks those answers.
    if (res?.status() !== 200 || !(res.headers()['content-type'] ?? '').startsWith('text/html')) return null;
    const file = `narrow-${c.name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}`;
    const layout = await measure(page);
    const narrowViolations = await axeViolations(page);
    // A full-page picture of every page costs a minute of CI: it is taken for the pages that fail, to look at.
    if (layout.scrollWidth !== NARROW || layout.unreachable.length > 0 || narrowViolations.length > 0 || process.env.NARROW_SCREENSHOTS) {
      await screenshot(page, `${file}-320`);
    }
    await page.setViewportSize({ width: WIDE, height: 900 });
    const wideViolations = await axeViolations(page);
    return { layout, narrowViolations, wideViolations };
  }

  test('the route list yields the pages (so an empty list cannot pass)', () => {
    expect(cases.length).toBeGreaterThan(50);
    expect(cases.map((c) => c.name)).toEqual(expect.arrayContaining(['GET /admin/users', 'GET /admin/branches', 'GET /admin/audit', 'GET /appointments/day', 'GET /queue/:branchId']));
  });

  // One test per page, so a report names every page that fails; jest needs the list before beforeAll runs.
  const names = Object.entries(ROUTE_MATRIX)
    .filter(([key]) => key.startsWith('GET '))
    .flatMap(([key, list]) => list.map((_, i) => `${key}${list.length > 1 ? ` #${i + 1}` : ''}`));

  test.each(names)('%s', async (name) => {
    const c = cases.find((x) => x.name === name);
    if (!c) return; // not a page (download, JSON, redirect)
    const outcome = await outcomes.get(name)!;
    if (!outcome) return;
    const { layout, narrowViolations, wideViolations } = outcome;
    expect([name, c.who, layout.scrollWidth]).toEqual([name, c.who, NARROW]);
    expect([name, c.who, layout.unreachable]).toEqual([name, c.who, []]);
    expect([name, c.who, NARROW, narrowViolations]).toEqual([name, c.who, NARROW, []]);
    expect([name, c.who, WIDE, wideViolations]).toEqual([name, c.who, WIDE, []]);
  });
});
