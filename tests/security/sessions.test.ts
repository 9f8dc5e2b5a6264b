import request from 'supertest';
import { createTestApp, csrfFrom, csrfToken, createBranch, createUser, signIn, type TestApp } from '../helpers/test-app';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { signInLive } from '../helpers/arrival';
import { SYSTEM_ACTOR } from '../../server/lib/actor';
import { FakeClock } from '../../server/lib/clock';

/** Session rules from the security review: temporary passwords, lifetimes, signing out elsewhere. */
describe('security: sessions', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp();
  });
  afterEach(() => t.close());

  const closureCount = (branchId: number): number =>
    t.db.prepare('SELECT count(*) FROM closures WHERE branch_id = ?').pluck().get(branchId) as number;

  test('someone with a temporary password can do nothing but choose a new one: POSTs go to the password page too', async () => {
    const branch = createBranch(t.deps);
    const id = await createUser(t.deps, 'coordinator', [branch], 'coord@bieb.nl');
    const temporary = await t.deps.users.resetPassword(SYSTEM_ACTOR, id);
    const agent = t.agent();
    await signIn(agent, 'coord@bieb.nl', temporary);
    // A token from the one page such a person can open; it is valid for the whole session.
    const token = await csrfToken(agent, '/account/password');
    const res = await agent
      .post(`/admin/branches/${branch}/closures`)
      .type('form')
      .send({ _csrf: token, start_date: '2026-04-01', end_date: '', reason: 'x' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/account/password');
    expect(closureCount(branch)).toBe(0);
    // Choosing the new password and signing out still work.
    const changed = await agent
      .post('/account/password')
      .type('form')
      .send({ _csrf: token, current_password: temporary, password: 'een nieuw lang wachtwoord', password_confirm: 'een nieuw lang wachtwoord' });
    expect(changed.status).toBe(303);
    const page = await agent.get(`/admin/branches/${branch}/closures`);
    const ok = await agent
      .post(`/admin/branches/${branch}/closures`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), start_date: '2026-04-01', end_date: '', reason: 'x' });
    expect(ok.status).toBe(303);
    expect(closureCount(branch)).toBe(1);
  });

  test('changing your own password signs you out everywhere else, not here', async () => {
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
    const here = t.agent();
    const elsewhere = t.agent();
    await signIn(here, 'vol@bieb.nl');
    await signIn(elsewhere, 'vol@bieb.nl');
    expect((await elsewhere.get('/account/password')).status).toBe(200);
    const token = await csrfToken(here, '/account/password');
    const changed = await here
      .post('/account/password')
      .type('form')
      .send({ _csrf: token, current_password: 'demo-demo-demo', password: 'een nieuw lang wachtwoord', password_confirm: 'een nieuw lang wachtwoord' });
    expect(changed.status).toBe(303);
    expect((await here.get('/account/password')).status).toBe(200);
    const other = await elsewhere.get('/account/password');
    expect(other.status).toBe(303);
    expect(other.headers.location).toMatch(/^\/login/);
  });

  test('a session ends after the absolute lifetime even when it is used all the time', async () => {
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
    const agent = t.agent();
    await signIn(agent, 'vol@bieb.nl');
    // Every ten minutes for ten hours: never idle, so only the absolute lifetime can end it.
    for (let i = 0; i < 60; i++) {
      t.clock.advanceMinutes(10);
      expect((await agent.get('/account/password')).status).toBe(200);
    }
    t.clock.advanceMinutes(10);
    const res = await agent.get('/account/password');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
  });

  test('a disabled account is signed out at once, also on its next POST', async () => {
    const branch = createBranch(t.deps);
    const id = await createUser(t.deps, 'coordinator', [branch], 'coord@bieb.nl');
    const agent = t.agent();
    await signIn(agent, 'coord@bieb.nl');
    const page = await agent.get(`/admin/branches/${branch}/closures`);
    t.deps.users.setDisabled(SYSTEM_ACTOR, id, true);
    const res = await agent
      .post(`/admin/branches/${branch}/closures`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), start_date: '2026-04-01', end_date: '', reason: 'x' });
    expect(res.status).toBe(403);
    expect(closureCount(branch)).toBe(0);
  });

  test('pages for signed-in staff are never stored by the browser (Back after sign-out on a shared kiosk shows nothing)', async () => {
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'coordinator', [branch], 'coord@bieb.nl');
    const agent = t.agent();
    await signIn(agent, 'coord@bieb.nl');
    for (const url of ['/desk', `/intake?branch=${branch}`, `/admin/branches/${branch}`, '/account/password']) {
      const res = await agent.get(url);
      expect([url, res.status, res.headers['cache-control']]).toEqual([url, 200, 'no-store']);
    }
    // Public pages stay cacheable.
    expect((await t.agent().get('/')).headers['cache-control']).not.toBe('no-store');
  });

  test('a request still in flight when the password is reset cannot bring the ended session back', async () => {
    const branch = createBranch(t.deps);
    const id = await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
    const stolen = t.agent();
    await signIn(stolen, 'vol@bieb.nl');
    expect((await stolen.get('/account/password')).status).toBe(200);
    const row = t.db.prepare('SELECT sid, data FROM sessions WHERE user_id = ?').get(id) as { sid: string; data: string };
    await t.deps.users.resetPassword(SYSTEM_ACTOR, id);
    // What express-session does when a request that started before the reset ends: it saves the
    // session it loaded (every request changes lastSeenAt) under the same id.
    await new Promise<void>((resolve, reject) => t.deps.sessionStore.set(row.sid, JSON.parse(row.data), (err) => (err ? reject(err) : resolve())));
    await new Promise<void>((resolve, reject) => t.deps.sessionStore.touch(row.sid, JSON.parse(row.data), (err) => (err ? reject(err) : resolve())));
    const res = await stolen.get('/account/password');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
    // The person signs in again with the new password as usual.
    const temporary = await t.deps.users.resetPassword(SYSTEM_ACTOR, id);
    const fresh = t.agent();
    await signIn(fresh, 'vol@bieb.nl', temporary);
    expect((await fresh.get('/account/password')).status).toBe(200);
  });

  test('quick page views write the session row at most once; a minute later the activity is recorded again', async () => {
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
    const agent = t.agent();
    await signIn(agent, 'vol@bieb.nl');
    // Count real row writes on this connection (temporary triggers see every INSERT and UPDATE the store makes).
    t.db.exec(`
      CREATE TEMP TABLE session_writes (at INTEGER);
      CREATE TEMP TRIGGER session_updated AFTER UPDATE ON main.sessions BEGIN INSERT INTO session_writes VALUES (1); END;
      CREATE TEMP TRIGGER session_inserted AFTER INSERT ON main.sessions BEGIN INSERT INTO session_writes VALUES (1); END;`);
    const writes = (): number => t.db.prepare('SELECT count(*) FROM temp.session_writes').pluck().get() as number;
    t.clock.advance(1_000);
    expect((await agent.get('/desk')).status).toBe(200);
    t.clock.advance(1_000);
    expect((await agent.get('/desk')).status).toBe(200);
    expect(writes()).toBeLessThanOrEqual(1);
    const before = writes();
    t.clock.advance(61_000);
    expect((await agent.get('/desk')).status).toBe(200);
    expect(writes()).toBe(before + 1);
    // The idle timeout still counts from that last recorded step.
    t.clock.advanceMinutes(t.config.staffIdleMinutes);
    t.clock.advance(1_000);
    const res = await agent.get('/desk');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
  });

  test('an admin cannot reset their own password on the users page (they would never see the new one): 409, still signed in', async () => {
    const id = await createUser(t.deps, 'admin', [], 'boss@bieb.nl');
    await createUser(t.deps, 'admin', [], 'other-admin@bieb.nl');
    const agent = t.agent();
    await signIn(agent, 'boss@bieb.nl');
    const page = await agent.get(`/admin/users/${id}`);
    const hashBefore = t.db.prepare('SELECT password_hash FROM users WHERE id = ?').pluck().get(id);
    const res = await agent.post(`/admin/users/${id}/reset-password`).type('form').send({ _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(409);
    expect(res.text).toContain('href="#account-actions"');
    expect(t.db.prepare('SELECT password_hash FROM users WHERE id = ?').pluck().get(id)).toBe(hashBefore);
    expect((await agent.get('/admin/users')).status).toBe(200);
  });
});

describe('security: a signed-out session stays signed out (live server)', () => {
  let server: LiveServer;
  let clock: FakeClock;
  beforeEach(async () => {
    // On today's date: express-session dates the cookie (and so the row) by the real time.
    clock = new FakeClock(new Date());
    server = await startLiveServer({ clock });
  });
  afterEach(() => server.close());

  /** Holds a service call until the test lets it go, so a request is provably in flight. */
  function holdPasswordChange(): { entered: Promise<void>; release: () => void } {
    const auth = server.deps.auth;
    const original = auth.changeOwnPassword.bind(auth);
    let markEntered!: () => void;
    let release!: () => void;
    const entered = new Promise<void>((resolve) => (markEntered = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    auth.changeOwnPassword = async (...args) => {
      markEntered();
      await gate;
      return original(...args);
    };
    return { entered, release };
  }


  /** A password change of this session, held in flight by holdPasswordChange() until released. */
  const slowPasswordChange = (cookie: string, csrf: string): Promise<request.Response> =>
    request(server.url)
      .post('/account/password')
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: csrf, current_password: 'demo-demo-demo', password: 'een nieuw lang wachtwoord', password_confirm: 'een nieuw lang wachtwoord' })
      .then((res) => res);
  test('signing out while a slow request of the same session runs: when that request ends, the old cookie still works for nothing', async () => {
    const branch = createBranch(server.deps);
    await createUser(server.deps, 'volunteer', [branch], 'vol@bieb.nl');
    const { cookie, csrf } = await signInLive(server.url, 'vol@bieb.nl');
    const tile = server.deps.intake.tilesFor(branch)[0];
    const questions = (): number => server.deps.db.prepare('SELECT count(*) FROM questions').pluck().get() as number;
    const hold = holdPasswordChange();

    // A password change (Argon2, ~100 ms in real life) is under way in this session...
    const slow = slowPasswordChange(cookie, csrf);
    await hold.entered;
    // ...when the person signs out in another tab.
    const out = await request(server.url).post('/logout').set('Cookie', cookie).type('form').send({ _csrf: csrf });
    expect(out.status).toBe(303);
    expect((await request(server.url).get('/desk').set('Cookie', cookie)).headers.location).toMatch(/^\/login/);

    // The slow request finishes and express-session saves the session it loaded at its start.
    hold.release();
    expect((await slow).status).toBe(303);

    const desk = await request(server.url).get('/desk').set('Cookie', cookie);
    expect(desk.status).toBe(303);
    expect(desk.headers.location).toMatch(/^\/login/);
    const before = questions();
    const tally = await request(server.url).post('/intake/tally').set('Cookie', cookie).type('form').send({ _csrf: csrf, branch: String(branch), tile: String(tile.id) });
    expect(tally.status).toBeGreaterThanOrEqual(400);
    expect(questions()).toBe(before);
    const sid = decodeURIComponent(cookie.split('=')[1]).replace(/^s:/, '').split('.')[0];
    expect(server.deps.db.prepare(`SELECT count(*) FROM sessions WHERE sid = ? AND data <> ''`).pluck().get(sid)).toBe(0);
  });

  test('a session that expired is not brought back by a request that loaded it before', async () => {
    const branch = createBranch(server.deps);
    await createUser(server.deps, 'volunteer', [branch], 'vol@bieb.nl');
    const { cookie, csrf } = await signInLive(server.url, 'vol@bieb.nl');
    const hold = holdPasswordChange();
    const slow = slowPasswordChange(cookie, csrf);
    await hold.entered;
    // The row expires and the purge job removes it while the request is still running.
    const idle = server.deps.config.staffIdleMinutes + 1;
    clock.advanceMinutes(idle);
    server.deps.sessionStore.purgeExpired();
    hold.release();
    await slow;
    // Back to the time of the request, so only the row (not the idle check on lastSeenAt) decides.
    clock.advanceMinutes(-idle);
    const desk = await request(server.url).get('/desk').set('Cookie', cookie);
    expect(desk.status).toBe(303);
    expect(desk.headers.location).toMatch(/^\/login/);
  });
});
