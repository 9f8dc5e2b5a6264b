import type TestAgent from 'supertest/lib/agent';
import { createTestApp, createBranch, createUser, csrfFrom, csrfToken, signIn, type TestApp } from '../../../tests/helpers/test-app';
import { cookieOf } from '../../../tests/helpers/forms';
import { SYSTEM_ACTOR } from '../../lib/actor';
import { nextSecondFactorCode } from '../../../tests/helpers/second-factor';
import { DESK_PC_COOKIE } from './desk-pc-cookie';

const PIN_1 = '480251';
const PIN_2 = '739164';
const PIN_C = '615290';

describe('desk PCs and the PIN quick switch (#14)', () => {
  let t: TestApp;
  let branchA: number;
  let branchB: number;
  let vol1: number;
  let vol2: number;
  let coord: number;

  const idOf = (email: string): number => t.db.prepare('SELECT id FROM users WHERE email = ?').pluck().get(email) as number;
  const audit = (action: string): { actor_label: string; actor_user_id: number | null; desk_pc_id: number | null; subject_id: string | null }[] =>
    t.db.prepare('SELECT actor_label, actor_user_id, desk_pc_id, subject_id FROM audit_log WHERE action = ? ORDER BY id').all(action) as never;
  const setPin = async (email: string, pin: string): Promise<void> => {
    const user = t.deps.auth.currentUser(idOf(email))!;
    expect(await t.deps.quickSwitch.setPin({ userId: user.id, label: user.email, ip: null, user }, 'demo-demo-demo', pin)).toBe(true);
  };

  /** A browser that a coordinator registered as a desk PC of branch A, then signed out of. */
  async function deskPcBrowser(name = 'Balie 1'): Promise<{ agent: TestAgent; deskPcId: number }> {
    const agent = t.agent();
    await signIn(agent, 'coord@bieb.nl');
    const page = await agent.get('/admin/desk-pcs');
    expect(page.status).toBe(200);
    const res = await agent.post('/admin/desk-pcs').type('form').send({ _csrf: csrfFrom(page.text), branch: String(branchA), name });
    expect(res.status).toBe(303);
    const cookie = res.headers['set-cookie'] as unknown as string[];
    const line = cookie.find((c) => c.startsWith(`${DESK_PC_COOKIE}=`))!;
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/Path=\//);
    expect(line).toMatch(/Max-Age=3456\d{4}/);
    const deskPcId = t.db.prepare('SELECT max(id) FROM desk_pcs').pluck().get() as number;
    await agent.post('/logout').type('form').send({ _csrf: await csrfToken(agent, '/account/pin') });
    return { agent, deskPcId };
  }

  async function switchTo(agent: TestAgent, who: Record<string, string>, pin: string, next = ''): Promise<import('supertest').Response> {
    const page = await agent.get(`/switch${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    return agent.post('/switch').type('form').send({ _csrf: csrfFrom(page.text), person: '', email: '', next, ...who, pin });
  }

  beforeEach(async () => {
    t = createTestApp();
    branchA = createBranch(t.deps, { name: 'Centrale Bibliotheek' });
    branchB = createBranch(t.deps, { name: 'Noord' });
    vol1 = await createUser(t.deps, 'volunteer', [branchA], 'vol1@bieb.nl');
    vol2 = await createUser(t.deps, 'volunteer', [branchA], 'vol2@bieb.nl');
    coord = await createUser(t.deps, 'coordinator', [branchA], 'coord@bieb.nl');
    await createUser(t.deps, 'volunteer', [branchB], 'volb@bieb.nl');
    await createUser(t.deps, 'admin', [], 'admin@bieb.nl');
    await setPin('vol1@bieb.nl', PIN_1);
    await setPin('vol2@bieb.nl', PIN_2);
    await setPin('coord@bieb.nl', PIN_C);
  });
  afterEach(() => t.close());

  test('full sign-in, PIN switch to a second volunteer, an intake registered: audited as that volunteer from that desk PC', async () => {
    const { agent, deskPcId } = await deskPcBrowser('Balie 1 links');
    await signIn(agent, 'vol1@bieb.nl');
    // The full sign-in itself is already put on the desk PC.
    expect(audit('sign_in.succeeded').at(-1)).toMatchObject({ actor_user_id: vol1, desk_pc_id: deskPcId });
    const desk = await agent.get(`/desk?branch=${branchA}`);
    expect(desk.text).toContain('href="/switch?next=');

    const page = await agent.get(`/switch?next=${encodeURIComponent(`/intake/new?branch=${branchA}`)}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="pin"');
    // The pick list: branch A's desk staff with a PIN, nobody of branch B.
    expect(page.text).toContain(`<option value="${vol2}"`);
    expect(page.text).not.toContain('volb@bieb.nl');
    const before = agent.jar.getCookie('dichterbij.sid', { domain: '127.0.0.1', path: '/', secure: false, script: false })?.value;
    const res = await agent.post('/switch').type('form').send({ _csrf: csrfFrom(page.text), person: String(vol2), email: '', pin: PIN_2, next: `/intake/new?branch=${branchA}` });
    expect(before).toBeTruthy();
    expect(res.status).toBe(303);
    // Back to where the desk was, in a new session (no fixation across people).
    expect(res.headers.location).toBe(`/intake/new?branch=${branchA}`);
    expect(cookieOf(res, 'dichterbij.sid')).not.toBeNull();
    expect(cookieOf(res, 'dichterbij.sid')).not.toContain(String(before));

    const form = await agent.get(`/intake/new?branch=${branchA}`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('Test volunteer');
    const tile = t.deps.intake.tilesFor(branchA)[0];
    const tally = await agent.post('/intake/tally').type('form').send({ _csrf: csrfFrom(form.text), branch: String(branchA), tile: String(tile.id) });
    expect(tally.status).toBe(303);

    const [row] = audit('intake.question_registered');
    expect(row).toMatchObject({ actor_user_id: vol2, actor_label: 'vol2@bieb.nl', desk_pc_id: deskPcId });
    expect(audit('desk_pc.switched')).toEqual([expect.objectContaining({ actor_user_id: vol2, desk_pc_id: deskPcId })]);
    const question = t.db.prepare('SELECT created_by FROM questions WHERE id = ?').pluck().get(Number(row.subject_id));
    expect(question).toBe(vol2);

    // The audit log shows the person and the desk PC.
    const admin = t.agent();
    await signIn(admin, 'admin@bieb.nl');
    const log = await admin.get('/admin/audit?action=intake.question_registered');
    expect(log.status).toBe(200);
    expect(log.text).toContain('vol2@bieb.nl');
    expect(log.text).toContain('via balie-pc Balie 1 links');
  });

  test('an unregistered browser is offered no PIN form, and a forged PIN post (valid CSRF token) gets 403', async () => {
    const agent = t.agent();
    await signIn(agent, 'vol1@bieb.nl');
    const desk = await agent.get(`/desk?branch=${branchA}`);
    expect(desk.text).not.toContain('/switch');
    const page = await agent.get('/switch');
    expect(page.status).toBe(403);
    expect(page.text).not.toContain('name="pin"');
    const res = await agent.post('/switch').type('form').send({ _csrf: csrfFrom(desk.text), person: String(vol2), pin: PIN_2 });
    expect(res.status).toBe(403);
    expect(audit('desk_pc.switched')).toEqual([]);
    expect(audit('desk_pc.pin_failed')).toEqual([]);

    // A desk PC cookie with a forged signature counts for nothing either.
    const forged = t.agent();
    await signIn(forged, 'vol1@bieb.nl');
    const token = await csrfToken(forged, '/account/pin');
    const res2 = await forged.post('/switch').set('Cookie', `${DESK_PC_COOKIE}=1.${'A'.repeat(43)}`).type('form').send({ _csrf: token, person: String(vol2), pin: PIN_2 });
    expect(res2.status).toBe(403);
  });

  test('after the idle timeout the PIN switch is refused and a full sign-in is needed', async () => {
    const { agent } = await deskPcBrowser();
    await signIn(agent, 'vol1@bieb.nl');
    expect((await agent.get('/switch')).text).toContain('name="pin"');
    t.clock.advanceMinutes(t.config.staffIdleMinutes + 1);
    const page = await agent.get('/switch');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('name="pin"');
    expect(page.text).toContain('href="/login"');
    const res = await agent.post('/switch').type('form').send({ _csrf: await csrfToken(agent, '/login'), person: String(vol2), email: '', pin: PIN_2 });
    expect(res.status).toBe(403);
    expect(audit('desk_pc.switched')).toEqual([]);
    // A full sign-in starts a new shift, and the switch works again.
    await signIn(agent, 'vol1@bieb.nl');
    expect((await switchTo(agent, { person: String(vol2) }, PIN_2)).status).toBe(303);
  });

  test('wrong PINs are throttled per person; the owner can switch again after the window', async () => {
    const { agent } = await deskPcBrowser();
    await signIn(agent, 'vol1@bieb.nl');
    for (let i = 0; i < 5; i++) expect((await switchTo(agent, { email: 'vol2@bieb.nl' }, '000001')).status).toBe(400);
    // Locked now: even the right PIN is not looked at.
    const locked = await switchTo(agent, { person: String(vol2) }, PIN_2);
    expect(locked.status).toBe(429);
    expect(audit('desk_pc.pin_throttled')).toHaveLength(1);
    // Someone else at the desk is not locked out by it.
    expect((await switchTo(agent, { person: String(coord) }, PIN_C)).status).toBe(303);
    expect((await switchTo(agent, { person: String(vol1) }, PIN_1)).status).toBe(303);
    // The shift goes on (activity within the idle timeout) while the window runs out.
    t.clock.advanceMinutes(10);
    expect((await agent.get(`/desk?branch=${branchA}`)).status).toBe(200);
    t.clock.advanceMinutes(6);
    expect((await switchTo(agent, { person: String(vol2) }, PIN_2)).status).toBe(303);
    expect(audit('desk_pc.switched').map((r) => r.actor_user_id)).toEqual([coord, vol1, vol2]);
  });

  test('wrong PINs are throttled per desk PC as well (guessing many people)', async () => {
    const { agent } = await deskPcBrowser();
    await signIn(agent, 'vol1@bieb.nl');
    for (let i = 0; i < 10; i++) expect((await switchTo(agent, { email: `nobody${i}@bieb.nl` }, '000001')).status).toBe(400);
    expect((await switchTo(agent, { person: String(vol2) }, PIN_2)).status).toBe(429);
  });

  test('a coordinator switched in by PIN is asked for the password before statistics and admin pages', async () => {
    const { agent } = await deskPcBrowser();
    await signIn(agent, 'vol1@bieb.nl');
    expect((await switchTo(agent, { person: String(coord) }, PIN_C)).status).toBe(303);
    // Desk work (what a volunteer may) goes on without step-up.
    expect((await agent.get(`/desk?branch=${branchA}`)).status).toBe(200);
    const stats = await agent.get(`/stats?branch=${branchA}`);
    expect(stats.status).toBe(303);
    expect(stats.headers.location).toBe(`/account/step-up?next=${encodeURIComponent(`/stats?branch=${branchA}`)}`);
    const admin = await agent.get('/admin/desk-pcs');
    expect(admin.status).toBe(303);
    expect(admin.headers.location).toBe(`/account/step-up?next=${encodeURIComponent('/admin/desk-pcs')}`);
    // A management POST changes nothing before step-up.
    const token = await csrfToken(agent, '/account/step-up');
    const post = await agent.post('/admin/desk-pcs').type('form').send({ _csrf: token, branch: String(branchA), name: 'Stiekem' });
    expect(post.status).toBe(303);
    expect(post.headers.location).toBe('/account/step-up');
    expect(t.db.prepare("SELECT count(*) FROM desk_pcs WHERE name = 'Stiekem'").pluck().get()).toBe(0);

    const step = await agent.get(stats.headers.location);
    expect(step.status).toBe(200);
    const wrong = await agent.post('/account/step-up').type('form').send({ _csrf: csrfFrom(step.text), password: 'not-the-password', next: `/stats?branch=${branchA}` });
    expect(wrong.status).toBe(400);
    const ok = await agent.post('/account/step-up').type('form').send({ _csrf: csrfFrom(wrong.text), password: 'demo-demo-demo', next: `/stats?branch=${branchA}` });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe(`/stats?branch=${branchA}`);
    expect((await agent.get(`/stats?branch=${branchA}`)).status).toBe(200);
    expect((await agent.get('/admin/desk-pcs')).status).toBe(200);
    expect(audit('desk_pc.step_up')).toHaveLength(1);
  });

  test('step-up also takes the code of the coordinator\'s own second factor, once per time step', async () => {
    const { agent } = await deskPcBrowser();
    await signIn(agent, 'vol1@bieb.nl');
    expect((await switchTo(agent, { person: String(coord) }, PIN_C)).status).toBe(303);
    const step = await agent.get(`/account/step-up?next=${encodeURIComponent(`/stats?branch=${branchA}`)}`);
    expect(step.text).toContain('name="code"');
    const code = await nextSecondFactorCode({ db: t.db, clock: t.clock }, 'coord@bieb.nl');
    const wrong = await agent.post('/account/step-up').type('form').send({ _csrf: csrfFrom(step.text), code: code === '000000' ? '111111' : '000000', next: '/stats' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('href="#code"');
    expect((await agent.get(`/stats?branch=${branchA}`)).status).toBe(303);
    const ok = await agent.post('/account/step-up').type('form').send({ _csrf: csrfFrom(wrong.text), code, next: `/stats?branch=${branchA}` });
    expect(ok.status).toBe(303);
    expect((await agent.get(`/stats?branch=${branchA}`)).status).toBe(200);
    expect(t.db.prepare("SELECT details FROM audit_log WHERE action = 'desk_pc.step_up'").pluck().all()).toEqual([JSON.stringify({ method: 'second_factor' })]);
    // The same code again (another PIN session of the same coordinator) is refused: a time step counts once.
    const again = await deskPcBrowser();
    await signIn(again.agent, 'vol1@bieb.nl');
    expect((await switchTo(again.agent, { person: String(coord) }, PIN_C)).status).toBe(303);
    const page = await again.agent.get('/account/step-up');
    const replay = await again.agent.post('/account/step-up').type('form').send({ _csrf: csrfFrom(page.text), code, next: '/stats' });
    expect(replay.status).toBe(400);
  });

  test('a volunteer switched in by PIN gets no more than before: 403 on statistics, not a step-up', async () => {
    const { agent } = await deskPcBrowser();
    await signIn(agent, 'coord@bieb.nl');
    expect((await switchTo(agent, { person: String(vol1) }, PIN_1)).status).toBe(303);
    expect((await agent.get(`/stats?branch=${branchA}`)).status).toBe(403);
  });

  test('a revoked desk PC no longer switches, and its actions no longer name it', async () => {
    const { agent, deskPcId } = await deskPcBrowser();
    await signIn(agent, 'vol1@bieb.nl');
    expect((await agent.get('/switch')).text).toContain('name="pin"');
    const manager = t.agent();
    await signIn(manager, 'coord@bieb.nl');
    const list = await manager.get('/admin/desk-pcs');
    expect(list.text).toContain('Balie 1');
    const revoke = await manager.post(`/admin/desk-pcs/${deskPcId}/revoke`).type('form').send({ _csrf: csrfFrom(list.text) });
    expect(revoke.status).toBe(303);
    expect(audit('desk_pc.revoked')).toHaveLength(1);
    const res = await agent.post('/switch').type('form').send({ _csrf: await csrfToken(agent, '/account/pin'), person: String(vol2), pin: PIN_2 });
    expect(res.status).toBe(403);
    expect(audit('desk_pc.switched')).toEqual([]);
    expect((await agent.get('/switch')).status).toBe(403);
    // The person signed in stays signed in, but what they do is no longer put on the revoked PC.
    const desk = await agent.get(`/desk?branch=${branchA}`);
    const tile = t.deps.intake.tilesFor(branchA)[0];
    expect((await agent.post('/intake/tally').type('form').send({ _csrf: csrfFrom(desk.text), branch: String(branchA), tile: String(tile.id) })).status).toBe(303);
    expect(audit('intake.question_registered')).toEqual([expect.objectContaining({ actor_user_id: vol1, desk_pc_id: null })]);
  });

  test('revoking a desk PC signs out whoever was switched in by PIN there; a full sign-in there goes on', async () => {
    const { agent, deskPcId } = await deskPcBrowser();
    await signIn(agent, 'vol1@bieb.nl');
    const full = t.agent();
    full.jar.setCookie(agent.jar.getCookie(DESK_PC_COOKIE, { domain: '127.0.0.1', path: '/', secure: false, script: false })!.toString(), '127.0.0.1', '/');
    await signIn(full, 'vol1@bieb.nl');
    // A second browser of the same desk PC (the cookie copied), with a full sign-in and its own shift.
    expect((await full.get('/switch')).text).toContain('name="pin"');
    expect((await switchTo(agent, { person: String(vol2) }, PIN_2)).status).toBe(303);
    const form = await agent.get(`/intake/new?branch=${branchA}`);
    expect(form.status).toBe(200);
    const token = csrfFrom(form.text);

    const manager = t.agent();
    await signIn(manager, 'coord@bieb.nl');
    const list = await manager.get('/admin/desk-pcs');
    expect((await manager.post(`/admin/desk-pcs/${deskPcId}/revoke`).type('form').send({ _csrf: csrfFrom(list.text) })).status).toBe(303);

    // The PIN session is over: its next page is the sign-in, like an ended session.
    const desk = await agent.get(`/desk?branch=${branchA}`);
    expect(desk.status).toBe(303);
    expect(desk.headers.location).toMatch(/^\/login/);
    // And a form posted with the token it held changes nothing.
    const tile = t.deps.intake.tilesFor(branchA)[0];
    const post = await agent.post('/intake/tally').type('form').send({ _csrf: token, branch: String(branchA), tile: String(tile.id) });
    expect(post.status).toBe(403);
    expect(audit('intake.question_registered')).toEqual([]);
    // The full sign-in on that PC goes on, but no longer switches.
    expect((await full.get(`/desk?branch=${branchA}`)).status).toBe(200);
    expect((await full.get('/switch')).status).toBe(403);
  });

  test("registration: a coordinator may not register a PC for another branch (404), nor revoke another branch's", async () => {
    const agent = t.agent();
    await signIn(agent, 'coord@bieb.nl');
    const page = await agent.get('/admin/desk-pcs');
    expect(page.text).not.toContain('>Noord<');
    const res = await agent.post('/admin/desk-pcs').type('form').send({ _csrf: csrfFrom(page.text), branch: String(branchB), name: 'Balie Noord' });
    expect(res.status).toBe(404);
    expect(cookieOf(res, DESK_PC_COOKIE)).toBeNull();
    const other = t.deps.deskPcs.register(SYSTEM_ACTOR, branchB, 'Balie Noord');
    expect((await agent.post(`/admin/desk-pcs/${other}/revoke`).type('form').send({ _csrf: csrfFrom(page.text) })).status).toBe(404);
    const empty = await agent.post('/admin/desk-pcs').type('form').send({ _csrf: csrfFrom(page.text), branch: String(branchA), name: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('href="#name"');
  });

  test('setting a PIN asks for the password, refuses guessable PINs and stores an Argon2id hash', async () => {
    const agent = t.agent();
    await signIn(agent, 'vol1@bieb.nl');
    const page = await agent.get('/account/pin');
    expect(page.status).toBe(200);
    const post = (body: Record<string, string>): Promise<import('supertest').Response> =>
      agent.post('/account/pin').type('form').send({ _csrf: csrfFrom(page.text), ...body });
    expect((await post({ current_password: 'wrong-password', pin: '582913', pin_confirm: '582913' })).status).toBe(400);
    expect((await post({ current_password: 'demo-demo-demo', pin: '123456', pin_confirm: '123456' })).status).toBe(400);
    expect((await post({ current_password: 'demo-demo-demo', pin: '12345', pin_confirm: '12345' })).status).toBe(400);
    expect((await post({ current_password: 'demo-demo-demo', pin: '582913', pin_confirm: '582914' })).status).toBe(400);
    const ok = await post({ current_password: 'demo-demo-demo', pin: '582913', pin_confirm: '582913' });
    expect(ok.status).toBe(303);
    const hash = t.db.prepare('SELECT pin_hash FROM users WHERE id = ?').pluck().get(vol1) as string;
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(audit('user.pin_set').at(-1)).toMatchObject({ actor_user_id: vol1 });
  });
});
