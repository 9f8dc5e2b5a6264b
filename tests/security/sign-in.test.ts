import type TestAgent from 'supertest/lib/agent';
import { createTestApp, csrfFrom, createBranch, createUser, type TestApp } from '../helpers/test-app';
import { withoutCsrf } from '../helpers/forms';
import { SYSTEM_ACTOR } from '../../server/lib/actor';

/** Sign-in from an attacker's point of view: enumeration, lock-outs, redirects. */
describe('security: sign-in', () => {
  let t: TestApp;
  afterEach(() => t.close());

  /** One sign-in attempt from one client (TRUST_PROXY=1 lets a test play several clients). */
  async function attempt(agent: TestAgent, email: string, password: string, ip?: string, next?: string): Promise<{ status: number; text: string; location?: string; cookies: string }> {
    const page = await agent.get('/login');
    const req = agent.post('/login').type('form');
    if (ip) req.set('X-Forwarded-For', ip);
    const res = await req.send({ _csrf: csrfFrom(page.text), email, password, ...(next === undefined ? {} : { next }) });
    return { status: res.status, text: res.text, location: res.headers.location as string | undefined, cookies: String(res.headers['set-cookie'] ?? '') };
  }

  /** The page without what differs per request anyway (the CSRF token). */
  const normalise = (html: string): string => withoutCsrf(html).replace(/value="[^"]*@[^"]*"/g, 'value=""');

  test('no enumeration: unknown address, wrong password and disabled account get the same answer', async () => {
    t = createTestApp();
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'volunteer', [branch], 'real@bieb.nl');
    const off = await createUser(t.deps, 'volunteer', [branch], 'off@bieb.nl');
    t.deps.users.setDisabled(SYSTEM_ACTOR, off, true);
    const unknown = await attempt(t.agent(), 'nobody@bieb.nl', 'whatever-password');
    const wrong = await attempt(t.agent(), 'real@bieb.nl', 'whatever-password');
    const disabled = await attempt(t.agent(), 'off@bieb.nl', 'demo-demo-demo');
    expect(unknown.status).toBe(400);
    expect(wrong.status).toBe(400);
    expect(disabled.status).toBe(400);
    expect(normalise(wrong.text)).toBe(normalise(unknown.text));
    expect(normalise(disabled.text)).toBe(normalise(unknown.text));
  });

  test('no enumeration: an unknown address is throttled exactly like a real one', async () => {
    t = createTestApp();
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'volunteer', [branch], 'real@bieb.nl');
    const results: Record<string, number[]> = { real: [], unknown: [] };
    for (const [who, email] of [['real', 'real@bieb.nl'], ['unknown', 'nobody@bieb.nl']] as const) {
      const agent = t.agent();
      for (let i = 0; i < 7; i++) results[who].push((await attempt(agent, email, `wrong-${i}`)).status);
    }
    expect(results.unknown).toEqual(results.real);
    expect(results.real).toEqual([400, 400, 400, 400, 400, 429, 429]);
  });

  test('without a trusted proxy, X-Forwarded-For cannot make one client look like many', async () => {
    t = createTestApp();
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'volunteer', [branch], 'real@bieb.nl');
    const agent = t.agent();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt(agent, 'real@bieb.nl', `wrong-${i}`, `10.0.0.${i + 1}`)).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
  });

  test('an attacker on another network cannot lock the real person out', async () => {
    t = createTestApp({ env: { TRUST_PROXY: '1' } });
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'volunteer', [branch], 'real@bieb.nl');
    const attacker = t.agent();
    for (let i = 0; i < 40; i++) await attempt(attacker, 'real@bieb.nl', `guess-${i}`, '203.0.113.9');
    expect((await attempt(attacker, 'real@bieb.nl', 'demo-demo-demo', '203.0.113.9')).status).toBe(429);
    const real = await attempt(t.agent(), 'real@bieb.nl', 'demo-demo-demo', '198.51.100.20');
    expect(real.status).toBe(303);
  });

  test('many attacking clients lock the account for two minutes only', async () => {
    t = createTestApp({ env: { TRUST_PROXY: '1' } });
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'volunteer', [branch], 'real@bieb.nl');
    const attacker = t.agent();
    // Five tries from each of ten addresses: 50 failures on the account.
    for (let client = 1; client <= 10; client++) {
      for (let i = 0; i < 5; i++) await attempt(attacker, 'real@bieb.nl', `guess-${client}-${i}`, `203.0.113.${client}`);
    }
    const locked = await attempt(t.agent(), 'real@bieb.nl', 'demo-demo-demo', '198.51.100.20');
    expect(locked.status).toBe(429);
    expect(locked.text).toContain('Wacht 2 minuten');
    t.clock.advanceMinutes(2);
    t.clock.advance(1000);
    expect((await attempt(t.agent(), 'real@bieb.nl', 'demo-demo-demo', '198.51.100.20')).status).toBe(303);
  });

  test.each([
    ['//evil.example/x', '//evil.example/x'],
    ['/\\evil.example', '/\\evil.example'],
    ['https://evil.example/', 'https://evil.example/'],
    ['/<tab>/evil.example', '/\t/evil.example'],
    ['http:/evil.example', 'http:/evil.example'],
    ['javascript:alert(1)', 'javascript:alert(1)'],
    ['<space>/desk', ' /desk'],
    // Too long for a Location header behind a proxy (nginx answers 502 above ~4 KB of headers).
    ['a 3000-character local path', '/intake?x=' + 'a'.repeat(3000)],
  ])('?next=%s never leads to another site or a broken redirect', async (_label, next) => {
    t = createTestApp();
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'volunteer', [branch], 'real@bieb.nl');
    const res = await attempt(t.agent(), 'real@bieb.nl', 'demo-demo-demo', undefined, next);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/desk');
  });

  test('a local ?next= is followed after sign-in, with header-breaking characters encoded', async () => {
    t = createTestApp();
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'volunteer', [branch], 'real@bieb.nl');
    const ok = await attempt(t.agent(), 'real@bieb.nl', 'demo-demo-demo', undefined, '/intake?branch=1');
    expect(ok.location).toBe('/intake?branch=1');
    const odd = await attempt(t.agent(), 'real@bieb.nl', 'demo-demo-demo', undefined, '/a"<b>é');
    expect(odd.status).toBe(303);
    expect(odd.location).toBe('/a%22%3Cb%3E%C3%A9');
  });

  test('a password typed into the e-mail field is not kept in the audit log or the throttle table', async () => {
    t = createTestApp();
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'volunteer', [branch], 'real@bieb.nl');
    const agent = t.agent();
    for (let i = 0; i < 6; i++) await attempt(agent, 'Mijn Geheime Zin 42!', 'whatever');
    const stored = [
      ...t.db.prepare('SELECT actor_label, details FROM audit_log').all(),
      ...t.db.prepare('SELECT key FROM sign_in_failures').all(),
    ].map((row) => JSON.stringify(row));
    expect(stored.join('\n')).not.toContain('Geheime');
    // A real address is still recorded, so an admin can see who was targeted.
    await attempt(t.agent(), 'real@bieb.nl', 'wrong');
    expect(t.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'sign_in.failed' AND details LIKE '%real@bieb.nl%'").pluck().get()).toBe(1);
  });

  test('someone on the same network (a library’s shared address) cannot lock staff out of a browser they used before', async () => {
    t = createTestApp({ env: { TRUST_PROXY: '1' } });
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'volunteer', [branch], 'real@bieb.nl');
    await createUser(t.deps, 'volunteer', [branch], 'other@bieb.nl');
    const library = '192.0.2.10';
    // The volunteer's own desk browser signed in last week.
    const desk = t.agent();
    expect((await attempt(desk, 'real@bieb.nl', 'demo-demo-demo', library)).status).toBe(303);
    const token = csrfFrom((await desk.get('/account/password')).text);
    await desk.post('/logout').type('form').send({ _csrf: token });
    // A visitor on the library wifi fails on purpose: the address and the account are locked for strangers.
    const visitor = t.agent();
    for (let i = 0; i < 35; i++) await attempt(visitor, i % 2 ? 'real@bieb.nl' : 'other@bieb.nl', `guess-${i}`, library);
    expect((await attempt(t.agent(), 'real@bieb.nl', 'demo-demo-demo', library)).status).toBe(429);
    // The known browser still gets in.
    expect((await attempt(desk, 'real@bieb.nl', 'demo-demo-demo', library)).status).toBe(303);
  });

  test('a known browser is throttled on its own counter, and its token is worth nothing for another account', async () => {
    t = createTestApp();
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'volunteer', [branch], 'real@bieb.nl');
    await createUser(t.deps, 'volunteer', [branch], 'other@bieb.nl');
    const desk = t.agent();
    const first = await attempt(desk, 'real@bieb.nl', 'demo-demo-demo');
    expect(first.status).toBe(303);
    expect(first.cookies).toMatch(/dichterbij\.device=[^;]+; Max-Age=\d+; Path=\/login; Expires=[^;]+; HttpOnly; SameSite=Lax/);
    const cookie = /dichterbij\.device=([^;]+)/.exec(first.cookies)![1];
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    await desk.post('/logout').type('form').send({ _csrf: csrfFrom((await desk.get('/account/password')).text) });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt(desk, 'real@bieb.nl', `wrong-${i}`)).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    // Copying the token to guess another account gives the ordinary limits, nothing more.
    const thief = t.agent();
    thief.jar.setCookie(`dichterbij.device=${cookie}; Path=/login`, '127.0.0.1', '/login');
    const other: number[] = [];
    for (let i = 0; i < 6; i++) other.push((await attempt(thief, 'other@bieb.nl', `wrong-${i}`)).status);
    // Same client address as the five failures above: the ordinary pair/client counters, not the device's.
    expect(other).toEqual([400, 400, 400, 400, 400, 429]);
    expect(t.db.prepare("SELECT count(*) FROM sign_in_failures WHERE key LIKE 'pair:%'").pluck().get()).toBe(1);
  });
});
