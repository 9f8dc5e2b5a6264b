import { measure, publicPages, subresources, PUBLIC_BUDGET, type Measured, type PageSpec } from '../../scripts/bench/page-weight';
import { Session } from '../../scripts/bench/bench-lib';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { createBranch, createUser } from '../helpers/test-app';

/**
 * The byte budget of SPEC §6 as a regression test (bytes, not timings, so it is stable): every public page and
 * everything it loads (HTML, CSS, JS, icons), compressed, within 14 KB. The pages and the way a citizen reaches
 * them (book, manage, check in with the code, take a number, the survey) are the list `npm run bench:weight`
 * measures (scripts/bench/page-weight.ts), so a page added there is covered here too.
 */
const pages = publicPages();
const emptyDbPages = pages.filter((p) => p.emptyDb);
const seededPages = pages.filter((p) => !p.emptyDb);

describe('public page weight (SPEC §6)', () => {
  let live: LiveServer;
  let citizen: Session;
  beforeAll(async () => {
    live = await startLiveServer();
    citizen = new Session(live.url);
  });
  afterAll(() => live.close());

  async function weigh(session: Session, spec: PageSpec): Promise<Measured> {
    const result = await measure(session, spec);
    if ('note' in result) throw new Error(`${spec.path}: ${result.note}`);
    expect(result.encoding).toBe('br');
    expect(result.css).toBeGreaterThan(0);
    return result;
  }
  const total = (m: Measured): number => m.html + m.css + m.js + m.other;

  test('the list covers every public page of SPEC §5', () => {
    const covered = pages.map((p) => p.path.split(' ')[0]);
    for (const path of ['/', '/login', '/setup', '/book', '/book/topic', '/book/time', '/book/details', '/book/check', '/appointments/:token', '/check-in', '/check-in/result', '/check-in/ticket/:token', '/queue/:id', '/survey', '/survey/thanks', '/privacy', '/toegankelijkheid']) {
      expect([path, covered.includes(path)]).toEqual([path, true]);
    }
  });

  describe('on an empty database', () => {
    test.each(emptyDbPages.map((p) => [p.path, p] as const))('%s is within 14 KB with its CSS and JS', async (_path, spec) => {
      const m = await weigh(new Session(live.url), spec);
      expect(total(m)).toBeLessThanOrEqual(PUBLIC_BUDGET);
    });
  });

  describe('with three branches and an admin', () => {
    beforeAll(async () => {
      for (const name of ['Centrale Bibliotheek', 'Bibliotheek Noord', 'Bibliotheek Zuid']) createBranch(live.deps, { name });
      await createUser(live.deps, 'admin', [], 'admin@bieb.nl');
    });

    // In order: each step builds on the one before it in the citizen's session.
    test.each(seededPages.map((p) => [p.path, p] as const))('%s is within 14 KB with its CSS and JS', async (_path, spec) => {
      const m = await weigh(spec.reach ? citizen : new Session(live.url), spec);
      expect(total(m)).toBeLessThanOrEqual(PUBLIC_BUDGET);
    });
  });

  // Issue 13: the same pages in Arabic (two bytes a letter in UTF-8, the read-aloud script included) after the
  // branches above exist; the whole citizen flow again in its own session with the language chosen.
  describe('in Arabic', () => {
    const arabicPages = publicPages().filter((p) => !p.emptyDb);
    let arabic: Session;
    const arabicSession = async (): Promise<Session> => {
      const session = new Session(live.url);
      await session.fetch('/language/ar');
      return session;
    };
    beforeAll(async () => {
      arabic = await arabicSession();
    });
    test.each(arabicPages.map((p) => [p.path, p] as const))('%s in Arabic is within 14 KB with its CSS and JS', async (_path, spec) => {
      const m = await weigh(spec.reach ? arabic : await arabicSession(), spec);
      expect(total(m)).toBeLessThanOrEqual(PUBLIC_BUDGET);
    });
  });

  test('the parser finds stylesheets, scripts, icons and images', () => {
    const html = '<link rel="stylesheet" href="/static/a.css"><link rel="icon" href="/static/f.svg"><script src="/static/x.js" defer></script><img src="/static/i.png" alt=""><link rel="canonical" href="/">';
    expect(subresources(html)).toEqual(['/static/a.css', '/static/f.svg', '/static/x.js', '/static/i.png']);
  });
});
