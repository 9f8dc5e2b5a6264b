import type TestAgent from 'supertest/lib/agent';
import { createTestApp, csrfToken, createBranch, createUser, signIn, type TestApp } from '../helpers/test-app';
import { SYSTEM_ACTOR } from '../../server/lib/actor';

/** Tables whose content a forged or GET request must never change (sessions and the audit log aside). */
const DATA_TABLES = ['branches', 'opening_hours', 'closures', 'users', 'user_branches', 'taxonomy', 'partners', 'visits', 'questions', 'tally_tiles', 'survey_counts', 'outbox'];

describe('security: every route in scope at the edges', () => {
  let t: TestApp;
  let admin: TestAgent;
  let ids: Record<string, number>;

  const snapshot = (): string =>
    DATA_TABLES.map((table) => (t.db.prepare(`SELECT * FROM ${table}`).all() as unknown[]).map((row) => JSON.stringify(row)).sort().join('\n')).join('\n');

  beforeEach(async () => {
    t = createTestApp();
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'admin', [], 'admin@bieb.nl');
    const volunteer = await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
    t.deps.branches.addClosure(SYSTEM_ACTOR, branch, { startDate: '2026-04-01', endDate: '2026-04-01', reason: 'x' });
    const closure = t.db.prepare('SELECT id FROM closures').pluck().get() as number;
    const tile = t.deps.intake.tilesFor(branch)[0];
    // Registering is desk work (intake.register): admins do not register, the volunteer does.
    const { questionId } = t.deps.intake.registerFromTile(t.deps.auth.currentUser(volunteer)!, branch, tile.id);
    const category = t.db.prepare("SELECT id FROM taxonomy WHERE kind = 'organisation' LIMIT 1").pluck().get() as number;
    const partner = t.db.prepare('SELECT id FROM partners LIMIT 1').pluck().get() as number;
    const outbox = t.deps.outbox.insert({
      messageId: '<m1@dichterbij.test>',
      kind: 'test',
      to: 'burger@example.nl',
      subject: 'Onderwerp',
      text: 'Hallo',
      html: '<p>Hallo</p>',
      attachments: [],
      relatedType: null,
      relatedId: null,
      now: t.clock.now().toISOString(),
    });
    ids = { branch, volunteer, closure, tile: tile.id, question: questionId, category, partner, outbox };
    admin = t.agent();
    await signIn(admin, 'admin@bieb.nl');
  });
  afterEach(() => t.close());

  const postRoutes = (): string[] => [
    '/logout',
    '/account/password',
    '/admin/users/new',
    `/admin/users/${ids.volunteer}`,
    `/admin/users/${ids.volunteer}/disable`,
    `/admin/users/${ids.volunteer}/enable`,
    `/admin/users/${ids.volunteer}/reset-password`,
    '/admin/branches/new',
    `/admin/branches/${ids.branch}`,
    `/admin/branches/${ids.branch}/hours`,
    `/admin/branches/${ids.branch}/closures`,
    `/admin/branches/${ids.branch}/closures/${ids.closure}/delete`,
    `/admin/branches/${ids.branch}/retire`,
    `/admin/branches/${ids.branch}/reopen`,
    `/admin/outbox/${ids.outbox}/retry`,
    '/intake/new',
    '/intake/tally',
    '/intake/tiles',
    `/intake/tiles/${ids.tile}/delete`,
    `/intake/${ids.question}/edit`,
    `/intake/${ids.question}/undo`,
    '/admin/categories',
    `/admin/categories/${ids.category}/edit`,
    `/admin/categories/${ids.category}/move`,
    `/admin/categories/${ids.category}/retire`,
    '/admin/partners/new',
    `/admin/partners/${ids.partner}/edit`,
    `/admin/partners/${ids.partner}/retire`,
    '/survey',
  ];

  /** Plausible values for every field these forms have, so only the missing token can be the reason for a refusal. */
  const plausibleBody = (): Record<string, string> => ({
    branch: String(ids.branch),
    tile: String(ids.tile),
    name: 'Naam',
    email: 'x@bieb.nl',
    role: 'volunteer',
    branch_ids: String(ids.branch),
    start_date: '2026-05-01',
    label_nl: 'Iets',
    kind: 'organisation',
    direction: 'down',
    retired: '1',
    satisfaction: '5',
    scope: 'global',
    slot_minutes: '30',
    desks: '1',
    horizon_days: '28',
    min_notice_minutes: '60',
    municipality: 'Ergens',
    inside_library: 'yes',
    staffing_model: 'volunteers',
  });

  test('a POST without (or with a forged) CSRF token is 403 on every route and changes nothing', async () => {
    const before = snapshot();
    for (const url of postRoutes()) {
      const none = await admin.post(url).type('form').send(plausibleBody());
      expect([url, none.status]).toEqual([url, 403]);
      const forged = await admin.post(url).type('form').send({ ...plausibleBody(), _csrf: 'forged' });
      expect([url, forged.status]).toEqual([url, 403]);
    }
    expect(snapshot()).toBe(before);
    // Still signed in: the tokenless /logout did not sign out either.
    expect((await admin.get('/admin')).status).toBe(200);
  });

  test('GET pages never change data', async () => {
    // Registering questions is desk work (admins do not register): those pages are seen as the volunteer.
    const volunteer = t.agent();
    await signIn(volunteer, 'vol@bieb.nl');
    const before = snapshot();
    const pages = [
      '/',
      '/admin',
      '/admin/users',
      '/admin/users/new',
      `/admin/users/${ids.volunteer}`,
      `/admin/users/${ids.volunteer}/password`,
      '/admin/branches',
      `/admin/branches/${ids.branch}`,
      `/admin/branches/${ids.branch}/hours`,
      `/admin/branches/${ids.branch}/closures`,
      '/admin/audit',
      '/admin/outbox',
      `/admin/outbox/${ids.outbox}`,
      `/intake?branch=${ids.branch}`,
      `/intake/tiles?branch=${ids.branch}`,
      '/admin/categories',
      `/admin/categories/${ids.category}/edit`,
      '/admin/partners',
      '/admin/partners/new',
      `/admin/partners/${ids.partner}/edit`,
      `/survey?branch=${ids.branch}`,
      `/survey/thanks?branch=${ids.branch}`,
      '/account/password',
    ];
    const deskPages = [`/intake/new?branch=${ids.branch}`, `/intake/${ids.question}/edit`];
    for (const [agent, url] of [...pages.map((u) => [admin, u] as const), ...deskPages.map((u) => [volunteer, u] as const)]) {
      const res = await agent.get(url);
      expect([url, res.status < 400]).toEqual([url, true]);
      // The same page as HEAD must not fail or change anything either.
      expect([url, (await agent.head(url)).status < 400]).toEqual([url, true]);
    }
    expect(snapshot()).toBe(before);
  });

  test('a field sent twice (an array where a string is expected) is refused or ignored, never a 500', async () => {
    const doubled = (body: Record<string, string>): string =>
      Object.entries(body)
        .flatMap(([k, v]) => [`${k}=${encodeURIComponent(v)}`, `${k}=${encodeURIComponent(v)}2`])
        .join('&');
    for (const url of postRoutes().filter((u) => u !== '/logout')) {
      const token = await csrfToken(admin, '/admin');
      const res = await admin.post(url).type('form').send(`_csrf=${encodeURIComponent(token)}&${doubled(plausibleBody())}`);
      expect([url, res.status < 500]).toEqual([url, true]);
    }
    // The same on the sign-in form (email[]=a&email[]=b style): a 400 with the summary.
    const anon = t.agent();
    const token = await csrfToken(anon, '/login');
    const res = await anon.post('/login').type('form').send(`_csrf=${token}&email=a%40b.nl&email=c%40d.nl&password=x&password=y`);
    expect(res.status).toBe(400);
    expect(res.text).toContain('class="error-summary"');
    // And doubled query values on list pages.
    for (const url of [`/intake?branch=${ids.branch}&branch=${ids.branch}`, '/admin/audit?action=a&action=b', '/admin/outbox?status=sent&status=failed', '/admin/categories?kind=topic&kind=help', `/desk?branch=1&branch=2`]) {
      const r = await admin.get(url);
      expect([url, r.status < 500]).toEqual([url, true]);
    }
  });

  test('too many fields is a friendly 413; a body in an unsupported charset a friendly 415', async () => {
    const token = await csrfToken(admin, '/admin');
    const many = Array.from({ length: 300 }, (_, i) => `f${i}=x`).join('&');
    const flood = await admin.post('/admin/categories').type('form').send(`_csrf=${token}&${many}`);
    expect(flood.status).toBe(413);
    expect(flood.text).toContain('Te veel tekst');
    const odd = await admin.post('/admin/categories').set('Content-Type', 'application/x-www-form-urlencoded; charset=koi8-r').send(`_csrf=${token}`);
    expect(odd.status).toBe(415);
    expect(odd.text).not.toMatch(/errors\.\d+\.title/);
    expect(odd.text).toContain('href="/"');
  });

  test('the language switch: GET only (405 otherwise), local paths only, no header injection', async () => {
    const token = await csrfToken(admin, '/admin');
    expect((await admin.post('/language/en').type('form').send({ _csrf: token })).status).toBe(405);
    for (const back of ['/%0d%0aSet-Cookie:%20x=1', '/%E2%80%A8x', '%2F%2Fevil.example', '/%5C%5Cevil.example', 'javascript:alert(1)']) {
      const res = await t.agent().get(`/language/en?back=${back}`);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/');
      expect(String(res.headers['set-cookie'])).not.toContain('x=1');
    }
    const both = await t.agent().get('/language/en?back=/login&back=//evil.example');
    expect(both.headers.location).toBe('/');
    const long = await t.agent().get(`/language/en?back=/${'a'.repeat(3000)}`);
    expect(long.headers.location).toBe('/');
    const injected = await t.agent().get('/language/en;%20Domain=evil.example?back=/');
    expect(injected.headers['set-cookie']).toBeUndefined();
  });
});

describe('security: 405 says which methods a path takes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = createTestApp();
    await createUser(t.deps, 'admin', [], 'admin@bieb.nl');
  });
  afterAll(() => t.close());

  test('Allow lists the methods of that path, not a fixed guess', async () => {
    const agent = t.agent();
    const token = await csrfToken(agent, '/login');
    const logout = await agent.get('/logout');
    expect(logout.status).toBe(405);
    expect(logout.headers.allow).toBe('POST');
    const login = await agent.delete('/login').set('X-CSRF-Token', token);
    expect(login.status).toBe(405);
    expect(login.headers.allow).toBe('GET, HEAD, POST');
    const survey = await agent.put('/survey/thanks').set('X-CSRF-Token', token);
    expect(survey.status).toBe(405);
    expect(survey.headers.allow).toBe('GET, HEAD');
  });
});

describe('security: redirects stay small enough for a proxy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = createTestApp();
    await createUser(t.deps, 'admin', [], 'admin@bieb.nl');
  });
  afterAll(() => t.close());

  test('a signed-out visit to a very long staff URL goes to sign-in without the way back', async () => {
    const short = await t.agent().get('/admin/audit?action=x');
    expect(short.headers.location).toBe('/login?next=%2Fadmin%2Faudit%3Faction%3Dx');
    const long = await t.agent().get(`/admin/audit?action=${'%C3%A9'.repeat(1000)}`);
    expect(long.status).toBe(303);
    expect(long.headers.location).toBe('/login');
  });
});

describe('security: production never shows internals, even when the error page itself fails', () => {
  let t: TestApp;
  beforeAll(() => {
    t = createTestApp({ env: { NODE_ENV: 'production' } });
  });
  afterAll(() => t.close());

  test('a failure while rendering the error page: plain 500 without a stack trace', async () => {
    const spy = jest.spyOn(t.deps.assets, 'url').mockImplementation(() => {
      throw new Error('secret-internal-detail');
    });
    try {
      const res = await t.agent().get('/no/such/page');
      expect(res.status).toBe(500);
      expect(res.text).not.toContain('secret-internal-detail');
      expect(res.text).not.toMatch(/\.ts:\d+:\d+/);
      expect(res.text).not.toContain('node_modules');
    } finally {
      spy.mockRestore();
    }
  });
});
