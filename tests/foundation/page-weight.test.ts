import zlib from 'node:zlib';
import { subresources } from '../../scripts/bench/page-weight';
import { request } from '../../scripts/bench/bench-lib';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { createBranch, createUser } from '../helpers/test-app';

/**
 * The byte budget of SPEC §6 as a regression test (bytes, not timings, so it is stable): a public page and
 * everything it loads, compressed, within 14 KB. `npm run bench:weight` prints the full table for all pages.
 */
const PUBLIC_BUDGET = 14 * 1024;

async function transferred(base: string, path: string): Promise<{ total: number; files: string[] }> {
  const headers = { 'accept-encoding': 'br, gzip' };
  const page = await request(base + path, { headers });
  expect(page.status).toBe(200);
  expect(page.headers['content-encoding']).toBe('br');
  const html = zlib.brotliDecompressSync(page.body).toString('utf8');
  let total = page.body.length;
  const files = subresources(html);
  for (const url of files) {
    const res = await request(base + url, { headers });
    expect([url, res.status]).toEqual([url, 200]);
    total += res.body.length;
  }
  return { total, files };
}

describe('public page weight (SPEC §6)', () => {
  let live: LiveServer;
  beforeAll(async () => {
    live = await startLiveServer();
  });
  afterAll(() => live.close());

  test('/setup on an empty database is within 14 KB with its CSS and JS', async () => {
    const { total, files } = await transferred(live.url, '/setup');
    expect(files.some((f) => f.endsWith('.css'))).toBe(true);
    expect(total).toBeLessThanOrEqual(PUBLIC_BUDGET);
  });

  test('/ with three branches and /login are within 14 KB', async () => {
    for (const name of ['Centrale Bibliotheek', 'Bibliotheek Noord', 'Bibliotheek Zuid']) createBranch(live.deps, { name });
    await createUser(live.deps, 'admin', [], 'admin@bieb.nl');
    for (const path of ['/', '/login']) {
      const { total } = await transferred(live.url, path);
      expect([path, total <= PUBLIC_BUDGET]).toEqual([path, true]);
    }
  });

  test('the parser finds stylesheets, scripts, icons and images', () => {
    const html = '<link rel="stylesheet" href="/static/a.css"><link rel="icon" href="/static/f.svg"><script src="/static/x.js" defer></script><img src="/static/i.png" alt=""><link rel="canonical" href="/">';
    expect(subresources(html)).toEqual(['/static/a.css', '/static/f.svg', '/static/x.js', '/static/i.png']);
  });
});
