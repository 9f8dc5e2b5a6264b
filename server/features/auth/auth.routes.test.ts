import { createTestApp, csrfFrom, createBranch, createUser, signIn, type TestApp } from '../../../tests/helpers/test-app';
import { sessionCookieOf } from '../../../tests/helpers/forms';
import { SYSTEM_ACTOR } from '../../lib/actor';

describe('sign-in, setup and sessions', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp();
  });
  afterEach(() => t.close());

  test('first run: /login sends to /setup; setup creates the admin, then disappears', async () => {
    const agent = t.agent();
    const login = await agent.get('/login');
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/setup');
    const page = await agent.get('/setup');
    expect(page.status).toBe(200);
    const res = await agent
      .post('/setup')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), name: 'Ada', email: 'ada@bieb.nl', password: 'een lange zin als wachtwoord', password_confirm: 'een lange zin als wachtwoord' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin');
    expect((await t.agent().get('/setup')).status).toBe(404);
    // The new admin must set up the second factor before anything else (#14), this page included.
    const after = await agent.get('/setup');
    expect([after.status, after.headers.location]).toEqual([303, '/account/second-factor']);
    const admin = t.deps.users.list(SYSTEM_ACTOR)[0];
    expect(admin.role).toBe('admin');
    expect(admin.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });

  test('setup with bad input: 400, summary linking to each field, values kept, passwords not echoed', async () => {
    const agent = t.agent();
    const page = await agent.get('/setup');
    const res = await agent
      .post('/setup')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), name: 'Zoë <b>de Vries</b>', email: 'not-an-email', password: 'short', password_confirm: 'other' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('class="error-summary"');
    expect(res.text).toContain('href="#email"');
    expect(res.text).toContain('href="#password"');
    expect(res.text).toContain('value="Zoë &lt;b&gt;de Vries&lt;/b&gt;"');
    expect(res.text).not.toContain('value="short"');
  });

  test('a POST without a valid CSRF token is refused with 403', async () => {
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
    const agent = t.agent();
    await agent.get('/login');
    const noToken = await agent.post('/login').type('form').send({ email: 'vol@bieb.nl', password: 'demo-demo-demo' });
    expect(noToken.status).toBe(403);
    expect(noToken.text).toContain('formulier is verlopen');
    const forged = await agent.post('/login').type('form').send({ _csrf: 'forged', email: 'vol@bieb.nl', password: 'demo-demo-demo' });
    expect(forged.status).toBe(403);
    const fresh = await t.agent().post('/login').type('form').send({ _csrf: 'x', email: 'vol@bieb.nl', password: 'demo-demo-demo' });
    expect(fresh.status).toBe(403);
  });

  test('the session id changes at sign-in; cookie is HttpOnly and SameSite', async () => {
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
    const agent = t.agent();
    const page = await agent.get('/login');
    const before = sessionCookieOf(page);
    expect(before).not.toBeNull();
    expect(String(page.headers['set-cookie'])).toMatch(/HttpOnly/);
    expect(String(page.headers['set-cookie'])).toMatch(/SameSite=Lax/);
    const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), email: 'vol@bieb.nl', password: 'demo-demo-demo' });
    expect(res.status).toBe(303);
    const after = sessionCookieOf(res);
    expect(after).not.toBeNull();
    expect(after).not.toBe(before);
  });

  test('an idle staff session expires', async () => {
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'admin', [branch], 'boss@bieb.nl');
    const agent = t.agent();
    await signIn(agent, 'boss@bieb.nl');
    expect((await agent.get('/account/password')).status).toBe(200);
    t.clock.advanceMinutes(16);
    const res = await agent.get('/account/password');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
  });

  test('wrong passwords are throttled with a clear message; the right one works after the window', async () => {
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
    const agent = t.agent();
    for (let i = 0; i < 5; i++) {
      const page = await agent.get('/login');
      const res = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), email: 'vol@bieb.nl', password: 'wrong' + i });
      expect(res.status).toBe(400);
    }
    const page = await agent.get('/login');
    const blocked = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page.text), email: 'vol@bieb.nl', password: 'demo-demo-demo' });
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Wacht 15 minuten');
    t.clock.advanceMinutes(16);
    const page2 = await agent.get('/login');
    const ok = await agent.post('/login').type('form').send({ _csrf: csrfFrom(page2.text), email: 'vol@bieb.nl', password: 'demo-demo-demo' });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/desk');
  });

  test('sign-out destroys the session', async () => {
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'admin', [branch], 'boss@bieb.nl');
    const agent = t.agent();
    await signIn(agent, 'boss@bieb.nl');
    const page = await agent.get('/account/password');
    const out = await agent.post('/logout').type('form').send({ _csrf: csrfFrom(page.text) });
    expect(out.status).toBe(303);
    expect((await agent.get('/account/password')).status).toBe(303);
    expect(t.db.prepare('SELECT count(*) FROM sessions WHERE user_id IS NOT NULL').pluck().get()).toBe(0);
  });

  test('background desk refreshes do not keep an unattended session alive', async () => {
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
    const agent = t.agent();
    await signIn(agent, 'vol@bieb.nl');
    for (let i = 0; i < 4; i++) {
      t.clock.advanceMinutes(5);
      const live = await agent.get('/desk').set('X-Desk-Live', '1');
      if (i < 2) expect(live.status).toBe(200);
    }
    const res = await agent.get('/desk');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
  });

  test('after an idle timeout "sign out" simply signs out; a live session still needs the CSRF token', async () => {
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
    const agent = t.agent();
    await signIn(agent, 'vol@bieb.nl');
    const token = csrfFrom((await agent.get('/desk')).text);
    expect((await agent.post('/logout').type('form').send({})).status).toBe(403);
    t.clock.advanceMinutes(16);
    const out = await agent.post('/logout').type('form').send({ _csrf: token });
    expect(out.status).toBe(303);
    expect(out.headers.location).toMatch(/^\/login/);
  });
});
