import http from 'node:http';
import { completeSecondStep, secondFactorContext } from '../../tests/helpers/second-factor';
import zlib from 'node:zlib';
import { startLiveServer, type LiveServer } from '../../tests/helpers/live-server';
import { createBranch, createUser } from '../../tests/helpers/test-app';
import { csrfFrom, sessionCookieOf } from '../../tests/helpers/forms';
import { FakeClock } from '../lib/clock';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('micro-cache for shared anonymous pages', () => {
  let server: LiveServer;
  let clock: FakeClock;
  beforeEach(async () => {
    clock = new FakeClock('2026-03-02T09:00:00Z');
    server = await startLiveServer({ clock });
    createBranch(server.deps, { name: 'Centrale Bibliotheek' });
  });
  afterEach(() => server.close());

  test('a second anonymous visit is served from memory with the same bytes and security headers', async () => {
    const first = await get(`${server.url}/`);
    expect(first.status).toBe(200);
    const hitsBefore = server.deps.pageCache.hits;
    const second = await get(`${server.url}/`);
    expect(server.deps.pageCache.hits).toBe(hitsBefore + 1);
    expect(second.body.equals(first.body)).toBe(true);
    for (const h of ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'content-type']) {
      expect(second.headers[h]).toBe(first.headers[h]);
    }
    expect(second.headers['set-cookie']).toBeUndefined();
    const gz = await get(`${server.url}/`, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).equals(first.body)).toBe(true);
  });

  test('entries expire, and a data change shows after the time-to-live', async () => {
    await get(`${server.url}/`);
    createBranch(server.deps, { name: 'Bibliotheek Zuid' });
    expect((await get(`${server.url}/`)).body.toString()).not.toContain('Bibliotheek Zuid');
    clock.advance(5_001);
    expect((await get(`${server.url}/`)).body.toString()).toContain('Bibliotheek Zuid');
  });

  test('language choice is part of the key; any other cookie bypasses the cache', async () => {
    await get(`${server.url}/`);
    const en = await get(`${server.url}/`, { cookie: 'lang=en' });
    expect(en.body.toString()).toContain('lang="en"');
    const enAgain = await get(`${server.url}/`, { cookie: 'lang=en' });
    expect(enAgain.body.toString()).toContain('lang="en"');
    const hits = server.deps.pageCache.hits;
    await get(`${server.url}/`, { cookie: 'dichterbij.sid=s%3Aabc.def' });
    await get(`${server.url}/`, { cookie: 'lang=en; dichterbij.sid=s%3Aabc.def' });
    expect(server.deps.pageCache.hits).toBe(hits);
  });

  test('a signed-in person never gets the shared copy, and paths not listed are never cached', async () => {
    await createUser(server.deps, 'admin', [], 'boss@bieb.nl');
    await get(`${server.url}/`);
    const login = await get(`${server.url}/login`);
    const cookie = sessionCookieOf(login)!;
    const token = csrfFrom(login.body.toString());
    const signIn = await new Promise<Reply>((resolve, reject) => {
      const body = new URLSearchParams({ _csrf: token, email: 'boss@bieb.nl', password: 'demo-demo-demo' }).toString();
      const req = http.request(`${server.url}/login`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.alloc(0) }));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(signIn.status).toBe(303);
    let staffCookie = sessionCookieOf(signIn)!;
    if (signIn.headers.location === '/login/second-factor') staffCookie = await completeSecondStep(server.url, staffCookie, 'boss@bieb.nl', secondFactorContext(server.url));
    const hits = server.deps.pageCache.hits;
    const page = await get(`${server.url}/`, { cookie: staffCookie });
    expect(server.deps.pageCache.hits).toBe(hits);
    // Issue #15: staff log in and out ("Inloggen", "Uitloggen"), never "aanmelden".
    expect(page.body.toString()).toContain('Uitloggen');
    await get(`${server.url}/login`);
    expect(server.deps.pageCache.hits).toBe(hits);
  });
});
