import { createTestApp, createBranch, createUser, csrfFrom, type TestApp } from '../helpers/test-app';

/** Parses a Content-Security-Policy header into directive → sources. */
function parseCsp(header: string | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name, sources);
  }
  return out;
}

function expectSecurityHeaders(headers: Record<string, string | undefined>): void {
  const csp = parseCsp(headers['content-security-policy']);
  expect(csp.get('script-src')).toEqual(["'self'"]);
  expect(csp.get('style-src')).toEqual(["'self'"]);
  expect(headers['content-security-policy']).not.toContain('unsafe-inline');
  expect(headers['content-security-policy']).not.toContain('unsafe-eval');
  expect(csp.get('object-src')).toEqual(["'none'"]);
  expect(csp.get('base-uri')).toEqual(["'none'"]);
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toMatch(/^(same-origin|no-referrer|strict-origin(-when-cross-origin)?)$/);
  expect(headers['x-powered-by']).toBeUndefined();
}

describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = createTestApp();
    await createUser(t.deps, 'admin', [createBranch(t.deps)], 'admin@bieb.nl');
  });
  afterAll(() => t.close());

  test.each([
    ['/', 200],
    ['/login', 200],
    ['/does-not-exist', 404],
    ['/healthz', 200],
  ])('%s has the full set (status %i)', async (url, status) => {
    const res = await t.agent().get(url);
    expect(res.status).toBe(status);
    expectSecurityHeaders(res.headers);
  });

  test('static files carry the headers too', async () => {
    const home = await t.agent().get('/');
    const css = /href="(\/static\/app\.[0-9a-f]+\.css)"/.exec(home.text)?.[1];
    expect(css).toBeDefined();
    expectSecurityHeaders((await t.agent().get(css!)).headers);
  });
});

describe('/healthz', () => {
  let t: TestApp;
  beforeAll(() => {
    t = createTestApp();
  });
  afterAll(() => t.close());

  test('answers without a session and without creating one', async () => {
    const res = await t.agent().get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', database: 'ok' });
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
  });

  test('public pages do not create a session either (cacheable, no cookie wall)', async () => {
    const res = await t.agent().get('/');
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('fingerprinted static files', () => {
  let t: TestApp;
  beforeAll(() => {
    t = createTestApp();
  });
  afterAll(() => t.close());

  test('are linked under hashed names and cached for a year; unknown names are 404', async () => {
    const home = await t.agent().get('/');
    const urls = [...home.text.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThanOrEqual(2);
    for (const url of urls) {
      expect(url).toMatch(/\.[0-9a-f]{10}\.[a-z]+$/);
      const res = await t.agent().get(url);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    expect((await t.agent().get('/static/app.css')).status).toBe(404);
    expect((await t.agent().get('/static/app.0000000000.css')).status).toBe(404);
  });

  test('text assets are compressed when the client accepts gzip', async () => {
    const home = await t.agent().get('/');
    const css = /href="(\/static\/app\.[0-9a-f]+\.css)"/.exec(home.text)![1];
    const res = await t.agent().get(css).set('Accept-Encoding', 'gzip');
    expect(res.headers['content-encoding']).toBe('gzip');
  });
});

describe('language switch', () => {
  let t: TestApp;
  beforeAll(() => {
    t = createTestApp();
  });
  afterAll(() => t.close());

  test('Dutch by default, English after the switch, and back', async () => {
    const agent = t.agent();
    const nl = await agent.get('/').set('Accept-Language', 'en-GB,en');
    expect(nl.text).toContain('<html lang="nl"');
    expect(nl.text).toContain('href="/language/en?back=%2F"');

    const toEn = await agent.get('/language/en?back=%2F');
    expect(toEn.status).toBe(303);
    expect(toEn.headers.location).toBe('/');
    expect(String(toEn.headers['set-cookie'])).toMatch(/lang=en;.*HttpOnly/);
    const en = await agent.get('/');
    expect(en.text).toContain('<html lang="en"');
    expect(en.text).toContain('0800-1508');
    expect(en.text).not.toBe(nl.text);

    await agent.get('/language/nl?back=%2F');
    expect((await agent.get('/')).text).toContain('<html lang="nl"');
  });

  test('only local paths are allowed as the way back; unknown languages are ignored', async () => {
    const agent = t.agent();
    for (const back of ['https://evil.example/', '//evil.example/', '/\\evil.example']) {
      const res = await agent.get(`/language/en?back=${encodeURIComponent(back)}`);
      expect(res.headers.location).toBe('/');
    }
    const res = await agent.get('/language/xx?back=%2Flogin');
    expect(res.headers.location).toBe('/login');
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('friendly error pages', () => {
  const modes = ['production', 'development'] as const;

  describe.each(modes)('in %s', (mode) => {
    let t: TestApp;
    beforeAll(async () => {
      t = createTestApp({ env: { NODE_ENV: mode } });
      await createUser(t.deps, 'admin', [createBranch(t.deps)], 'admin@bieb.nl');
    });
    afterAll(() => t.close());

    function expectFriendlyPage(text: string, title: string): void {
      expect(text).toContain('<html lang="nl"');
      expect(text).toContain(title);
      expect(text).toContain('href="/"');
      expect(text).not.toMatch(/at .*\(.*\.ts:\d+:\d+\)/);
      expect(text).not.toContain('node_modules');
    }

    test('404 for an unknown route', async () => {
      const res = await t.agent().get('/no/such/page');
      expect(res.status).toBe(404);
      expectFriendlyPage(res.text, 'Pagina niet gevonden');
    });

    test('405 for a wrong method on a known path, with Allow', async () => {
      // CSRF protection comes first (a tokenless PUT is 403); with a valid token the method is refused.
      const agent = t.agent();
      const token = csrfFrom((await agent.get('/login')).text);
      expect((await agent.put('/login')).status).toBe(403);
      const res = await agent.put('/login').set('X-CSRF-Token', token);
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBeDefined();
      expectFriendlyPage(res.text, 'Dat kan hier niet');
    });

    test('413 for an oversized form body', async () => {
      const res = await t.agent().post('/login').type('form').send({ email: 'x'.repeat(100_000), password: 'y' });
      expect(res.status).toBe(413);
      expectFriendlyPage(res.text, 'Te veel tekst');
    });

    test('403 for a form without a valid CSRF token', async () => {
      const agent = t.agent();
      const page = await agent.get('/login');
      expect(csrfFrom(page.text)).toBeTruthy();
      const res = await agent.post('/login').type('form').send({ _csrf: 'forged', email: 'admin@bieb.nl', password: 'demo-demo-demo' });
      expect(res.status).toBe(403);
      expectFriendlyPage(res.text, 'Geen toegang');
      expect(res.text).toContain('formulier is verlopen');
    });

    test(`500 shows ${mode === 'production' ? 'no' : 'a'} stack trace`, async () => {
      // A failure deep inside a service: the home page's branch query throws.
      const spy = jest.spyOn(t.deps.branches, 'listActive').mockImplementation(() => {
        throw new Error('secret-internal-detail');
      });
      try {
        const res = await t.agent().get('/');
        expect(res.status).toBe(500);
        expect(res.text).toContain('Er ging iets mis');
        if (mode === 'production') {
          expect(res.text).not.toContain('secret-internal-detail');
          expect(res.text).not.toContain('home.service');
          expect(res.text).not.toContain('class="stack"');
        } else {
          expect(res.text).toContain('secret-internal-detail');
          expect(res.text).toContain('class="stack"');
        }
      } finally {
        spy.mockRestore();
      }
    });

    test('a JSON client gets JSON, still without internals', async () => {
      const res = await t.agent().get('/no/such/page').set('Accept', 'application/json');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 404, message: expect.any(String) });
    });
  });
});
