/**
 * npm run bench:weight — SPEC §6 page weight: every byte a first view transfers (HTML and every stylesheet,
 * script, image and icon it loads), compressed as a browser would get it (Accept-Encoding: br, gzip).
 * Public pages: 14 KB (the first TCP round trip); staff pages: 30 KB, not counting the /socket.io/ client.
 * Prints one table row per page and exits 1 if any page is over its budget.
 *
 * Add pages to PUBLIC_PAGES / STAFF_PAGES; pages that answer 404 (a feature not built yet) are skipped with a note.
 */
import { DEMO_PASSWORD } from '../../server/features/demo/demo.seed';
import { KIOSK_COOKIE } from '../../server/http/kiosk';
import { freePort, kb, printTable, productionEnv, seededDatabase, Session, startCompiledServer, tempDataDir, type RawResponse } from './bench-lib';
import path from 'node:path';
import zlib from 'node:zlib';

export const PUBLIC_BUDGET = 14 * 1024;
const STAFF_BUDGET = 30 * 1024;
const ACCEPT_ENCODING = 'br, gzip';

export interface PageSpec {
  /** The page, or how to reach it (a step of a flow that needs earlier steps to have happened). */
  path: string;
  /** Does the earlier steps (in the citizen's session) and returns the URL to measure. */
  reach?: (session: Session) => Promise<string>;
  /** Demo account to sign in as; none for public pages. */
  as?: string;
  /** Run against an empty database (first-run /setup). */
  emptyDb?: boolean;
  /** Markup the page must contain, so a look-alike page (an error, a redirect target) is not measured instead. */
  contains?: string;
}

/**
 * Every public page, in the order a citizen reaches them: pages with `reach` share one citizen session and
 * build on the steps before them (book, then manage, then check in with the code). Shared with
 * tests/foundation/page-weight.test.ts; a new list on each call, because the steps keep state.
 */
export function publicPages(): PageSpec[] {
  return [
    { path: '/setup', emptyDb: true, contains: 'name="password"' },
    { path: '/', contains: 'href="/book"' },
    { path: '/login', contains: 'name="password"' },
    { path: '/check-in (not a kiosk)', reach: async () => '/check-in', contains: 'href="/check-in/setup"' },
    { path: '/survey (choose branch)', reach: async () => '/survey', contains: 'action="/survey"' },
    { path: '/privacy', contains: 'href="/toegankelijkheid"' },
    { path: '/toegankelijkheid', contains: 'WCAG 2.1' },
    ...citizenFlow(),
  ];
}

const STAFF_PAGES: PageSpec[] = [
  { path: '/desk', as: 'volunteer@demo.test' },
  { path: '/desk', as: 'coordinator@demo.test' },
  { path: '/intake', as: 'volunteer@demo.test' },
  { path: '/appointments', as: 'volunteer@demo.test' },
  { path: '/devices', as: 'volunteer@demo.test' },
  { path: '/loans', as: 'volunteer@demo.test' },
  { path: '/escalations', as: 'volunteer@demo.test' },
  { path: '/account/password', as: 'volunteer@demo.test' },
  { path: '/escalations', as: 'expert@demo.test' },
  { path: '/stats', as: 'coordinator@demo.test' },
  { path: '/admin', as: 'admin@demo.test' },
  { path: '/admin/users', as: 'admin@demo.test' },
  { path: '/admin/branches', as: 'admin@demo.test' },
  { path: '/admin/audit', as: 'admin@demo.test' },
  { path: '/admin/outbox', as: 'admin@demo.test' },
  { path: '/admin/retention', as: 'admin@demo.test' },
  { path: '/admin/subjects', as: 'coordinator@demo.test' },
  { path: '/admin/categories', as: 'admin@demo.test' },
  { path: '/admin/partners', as: 'admin@demo.test' },
];

/** URLs of everything a browser loads for this HTML on first view: stylesheets, scripts, images, icons. */
export function subresources(html: string): string[] {
  const urls = new Set<string>();
  for (const m of html.matchAll(/<link\b[^>]*>/gi)) {
    const tag = m[0];
    if (/\brel="(?:stylesheet|icon|shortcut icon|preload|modulepreload)"/i.test(tag)) {
      const href = /\bhref="([^"]+)"/i.exec(tag)?.[1];
      if (href) urls.add(href);
    }
  }
  for (const m of html.matchAll(/<(?:script|img|source)\b[^>]*\bsrc="([^"]+)"/gi)) urls.add(m[1]);
  return [...urls].map((u) => u.replace(/&amp;/g, '&'));
}

export interface Measured {
  page: string;
  /** Content-Encoding of the HTML ('br' when the server compresses as it should). */
  encoding: string;
  as: string;
  status: number;
  html: number;
  css: number;
  js: number;
  other: number;
  socketIo: number;
  headers: number;
  files: number;
}

const kindOf = (url: string, res: RawResponse): 'css' | 'js' | 'other' => {
  const type = String(res.headers['content-type'] ?? '');
  if (type.includes('css') || url.endsWith('.css')) return 'css';
  if (type.includes('javascript') || url.endsWith('.js')) return 'js';
  return 'other';
};

/**
 * Every step of the public booking flow, reached the way a citizen reaches it: choose a branch, a topic and
 * the first free time, fill in the details, see the check page, confirm, and land on the confirmation; then
 * the manage pages, the kiosk (check in with the booking code, take a walk-in number), the waiting-room
 * screen and the survey.
 */
function citizenFlow(): PageSpec[] {
  const state: { branch?: string; start?: string; token?: string; code?: string } = {};
  const text = async (s: Session, url: string): Promise<string> => {
    const res = await s.fetch(url);
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    return decode(res);
  };
  const form = (fields: Record<string, string>): { method: string; headers: Record<string, string>; body: string } => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  const csrfOf = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  /** POSTs a form and returns where it redirects to (303 See Other after a successful POST). */
  const post = async (s: Session, url: string, fields: Record<string, string>): Promise<string> => {
    const res = await s.fetch(url, form(fields));
    if (res.status !== 303) throw new Error(`POST ${url} answered ${res.status}`);
    return String(res.headers.location ?? '');
  };
  const slotQuery = (): string => `branch=${state.branch}&topic=digid&start=${encodeURIComponent(state.start ?? '')}`;
  return [
    {
      path: '/book',
      reach: async (s) => {
        state.branch = /name="branch" value="(\d+)"/.exec(await text(s, '/book'))?.[1];
        return '/book';
      },
      contains: 'name="branch"',
    },
    { path: '/book/topic', reach: async () => `/book/topic?branch=${state.branch}`, contains: 'name="topic"' },
    { path: '/book/time', reach: async () => `/book/time?branch=${state.branch}&topic=digid`, contains: 'name="start"' },
    {
      path: '/book/details',
      reach: async (s) => {
        state.start = /name="start" value="([^"]+)"/.exec(await text(s, `/book/time?branch=${state.branch}&topic=digid`))?.[1];
        return `/book/details?${slotQuery()}`;
      },
      contains: 'name="email"',
    },
    {
      path: '/book/check',
      reach: async (s) => {
        const csrf = csrfOf(await text(s, `/book/details?${slotQuery()}`));
        await post(s, `/book/details?${slotQuery()}`, { _csrf: csrf, name: 'Fatima El Amrani', email: 'fatima@example.nl', phone: '', language: 'nl' });
        return '/book/check';
      },
      contains: 'name="consent"',
    },
    {
      path: '/appointments/:token (confirmation)',
      reach: async (s) => {
        const check = await text(s, '/book/check');
        const key = /name="key" value="([^"]+)"/.exec(check)?.[1] ?? '';
        const location = await post(s, '/book', { _csrf: csrfOf(check), key, consent: 'on', website: '' });
        if (!location.startsWith('/appointments/')) throw new Error(`confirm redirected to ${location}`);
        state.token = location.split('?')[0];
        return location;
      },
      contains: 'class="qr"',
    },
    {
      path: '/appointments/:token (manage)',
      reach: async (s) => {
        const token = state.token ?? '/appointments/missing';
        state.code = /<p class="code">([^<]+)<\/p>/.exec(await text(s, token))?.[1];
        return token;
      },
      contains: 'class="qr"',
    },
    { path: '/appointments/:token/reschedule', reach: async () => `${state.token}/reschedule`, contains: 'name="start"' },
    { path: '/appointments/:token/cancel', reach: async () => `${state.token}/cancel`, contains: '/cancel"' },
    {
      path: '/check-in (kiosk)',
      reach: async (s) => {
        // The cookie a volunteer's set-up (POST /check-in/setup, staff only) leaves on the kiosk.
        s.setCookie(KIOSK_COOKIE, String(state.branch));
        return '/check-in';
      },
      contains: 'name="code"',
    },
    {
      // Booking on the kiosk: the same page plus the idle reset (countdown and kiosk.js).
      path: '/book/details (kiosk)',
      reach: async (s) => {
        const starts = [...(await text(s, `/book/time?branch=${state.branch}&topic=digid`)).matchAll(/name="start" value="([^"]+)"/g)].map((m) => m[1]);
        const free = starts.find((start) => start !== state.start) ?? '';
        return `/book/details?branch=${state.branch}&topic=digid&start=${encodeURIComponent(free)}`;
      },
      contains: 'data-reset-after',
    },
    {
      path: '/check-in/result',
      reach: async (s) => post(s, '/check-in', { _csrf: csrfOf(await text(s, '/check-in')), code: state.code ?? '' }),
      contains: 'kiosk-answer',
    },
    {
      path: '/check-in/ticket/:token',
      reach: async (s) => post(s, '/check-in/walk-in', { _csrf: csrfOf(await text(s, '/check-in')), topic: '' }),
      contains: 'ticket-number',
    },
    { path: '/queue/:id', reach: async () => `/queue/${state.branch}`, contains: '<h1' },
    { path: '/survey', reach: async () => `/survey?branch=${state.branch}`, contains: 'name="satisfaction"' },
    { path: '/survey/thanks', reach: async () => `/survey/thanks?branch=${state.branch}`, contains: '<h1' },
  ];
}

/** Fetches one page the way a first view does and counts what it transfers; a 404 or a redirect is a note. */
export async function measure(session: Session, spec: PageSpec): Promise<Measured | { page: string; note: string }> {
  const target = spec.reach ? await spec.reach(session) : spec.path;
  const page = await session.fetch(target, { headers: { 'accept-encoding': ACCEPT_ENCODING } });
  const label = spec.path;
  if (page.status === 404) return { page: label, note: 'skipped: 404 (not built yet)' };
  if (page.status >= 300 && page.status < 400) return { page: label, note: `skipped: redirects (${page.status}) to ${String(page.headers.location)}` };
  if (page.status !== 200) throw new Error(`${spec.path}${spec.as ? ` as ${spec.as}` : ''} answered ${page.status}`);
  const encoding = String(page.headers['content-encoding'] ?? 'none');
  const m: Measured = { page: label, encoding, as: spec.as?.split('@')[0] ?? 'public', status: page.status, html: page.body.length, css: 0, js: 0, other: 0, socketIo: 0, headers: page.headerBytes, files: 1 };
  const html = decode(page);
  if (spec.contains && !html.includes(spec.contains)) throw new Error(`${target} does not contain ${spec.contains}: not the page meant`);
  for (const url of subresources(html)) {
    const res = await session.fetch(url, { headers: { 'accept-encoding': ACCEPT_ENCODING } });
    if (res.status !== 200) throw new Error(`${spec.path} loads ${url}, which answered ${res.status}`);
    m.files++;
    m.headers += res.headerBytes;
    if (url.startsWith('/socket.io/')) {
      m.socketIo += res.body.length;
      continue;
    }
    m[kindOf(url, res)] += res.body.length;
  }
  return m;
}

function decode(res: RawResponse): string {
  const enc = res.headers['content-encoding'];
  if (enc === 'br') return zlib.brotliDecompressSync(res.body).toString('utf8');
  if (enc === 'gzip') return zlib.gunzipSync(res.body).toString('utf8');
  return res.body.toString('utf8');
}

async function main(): Promise<void> {
  const seeded = await seededDatabase();
  const emptyDb = path.join(tempDataDir(), 'empty.sqlite');
  const servers = {
    seeded: await startCompiledServer(productionEnv(seeded, await freePort())),
    empty: await startCompiledServer(productionEnv(emptyDb, await freePort())),
  };
  const rows: string[][] = [];
  const notes: string[] = [];
  let over = 0;
  try {
    const sessions = new Map<string, Session>();
    let citizen: Session | undefined;
    const sessionFor = async (spec: PageSpec): Promise<Session> => {
      const server = spec.emptyDb ? servers.empty : servers.seeded;
      if (!spec.as) {
        if (!spec.reach) return new Session(server.url);
        citizen ??= new Session(server.url);
        return citizen;
      }
      let s = sessions.get(spec.as);
      if (!s) {
        s = new Session(server.url);
        await s.signIn(spec.as, DEMO_PASSWORD);
        sessions.set(spec.as, s);
      }
      return s;
    };
    for (const [kind, pages, budget] of [
      ['public', publicPages(), PUBLIC_BUDGET],
      ['staff', STAFF_PAGES, STAFF_BUDGET],
    ] as const) {
      for (const spec of pages) {
        let result: Awaited<ReturnType<typeof measure>>;
        try {
          result = await measure(await sessionFor(spec), spec);
        } catch (err) {
          over++;
          notes.push(`${kind} ${spec.path}: ERROR ${(err as Error).message}`);
          continue;
        }
        if ('note' in result) {
          notes.push(`${kind} ${result.page}${spec.as ? ` (${spec.as})` : ''}: ${result.note}`);
          continue;
        }
        const total = result.html + result.css + result.js + result.other;
        const ok = total <= budget;
        if (!ok) over++;
        rows.push([
          `${result.page}${spec.emptyDb ? ' (empty db)' : ''}`,
          result.as,
          kb(result.html),
          kb(result.css),
          kb(result.js),
          kb(result.other),
          String(result.files),
          kb(total),
          kb(budget),
          ok ? 'ok' : 'OVER',
          kb(total + result.headers),
          result.socketIo ? kb(result.socketIo) : '-',
        ]);
      }
    }
  } finally {
    await servers.seeded.stop();
    await servers.empty.stop();
  }
  console.log(`Page weight, first view, compressed (Accept-Encoding: ${ACCEPT_ENCODING}); budgets from SPEC §6.`);
  console.log('"total" = HTML + CSS + JS + images/icons bodies as transferred; "+headers" adds the HTTP response headers.\n');
  printTable(['page', 'as', 'html', 'css', 'js', 'img/icon', 'files', 'total', 'budget', '', '+headers', 'socket.io'], rows);
  if (notes.length) console.log(`\n${notes.join('\n')}`);
  console.log(over === 0 ? '\nAll measured pages are within budget.' : `\n${over} page(s) over budget or failing.`);
  process.exitCode = over === 0 ? 0 : 1;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
