import type TestAgent from 'supertest/lib/agent';
import { createBranch, createTestApp, createUser, csrfFrom, csrfToken, signIn, signedIn, type TestApp } from '../../../tests/helpers/test-app';
import { TEST_TOTP_SECRET } from '../../../tests/helpers/second-factor';
import { SYSTEM_ACTOR } from '../../lib/actor';
import { totpCode, totpStep } from './totp';

/** The second factor end to end: enrolment, the second step of sign-in, the requirement and an admin's reset. */
describe('second factor (TOTP)', () => {
  let t: TestApp;
  let branch: number;
  beforeEach(() => {
    t = createTestApp();
    branch = createBranch(t.deps);
  });
  afterEach(() => t.close());

  const stepNow = (): number => totpStep(t.clock.now().getTime());
  const codeFor = (secret: string, step: number): string => totpCode(secret, step * 30_000);
  const audit = (action: string): { actor_label: string; subject_id: string | null; details: string }[] =>
    t.db.prepare('SELECT actor_label, subject_id, details FROM audit_log WHERE action = ? ORDER BY id').all(action) as never;

  /** A coordinator without a second factor (createUser would enrol one). */
  const bareCoordinator = (email = 'nieuw@bieb.nl'): Promise<number> =>
    t.deps.users.ensure(SYSTEM_ACTOR, { email, name: 'Nieuwe Coördinator', role: 'coordinator', branchIds: [branch] }, 'demo-demo-demo');

  /** Password only: the first step. Returns the answer (303 to the second step for someone enrolled). */
  async function passwordStep(agent: TestAgent, email: string): Promise<{ status: number; location: string }> {
    const token = await csrfToken(agent, '/login');
    const res = await agent.post('/login').type('form').send({ _csrf: token, email, password: 'demo-demo-demo' });
    return { status: res.status, location: res.headers.location };
  }

  async function postCode(agent: TestAgent, code: string): Promise<{ status: number; location: string; text: string }> {
    const token = await csrfToken(agent, '/login/second-factor');
    const res = await agent.post('/login/second-factor').type('form').send({ _csrf: token, code });
    return { status: res.status, location: res.headers.location, text: res.text };
  }

  async function signOut(agent: TestAgent): Promise<void> {
    const token = await csrfToken(agent, '/account/second-factor');
    await agent.post('/logout').type('form').send({ _csrf: token });
  }

  /** Enrols the signed-in agent through the page, with a code computed from the secret it shows. */
  async function enrol(agent: TestAgent): Promise<{ secret: string; codes: string[] }> {
    const page = await agent.get('/account/second-factor');
    expect(page.status).toBe(200);
    const secret = /<code id="secret">([A-Z2-7 ]+)<\/code>/.exec(page.text)![1].replace(/ /g, '');
    const res = await agent.post('/account/second-factor').type('form').send({ _csrf: csrfFrom(page.text), code: codeFor(secret, stepNow()) });
    expect([res.status, res.headers.location]).toEqual([303, '/account/second-factor/recovery-codes']);
    const shown = await agent.get('/account/second-factor/recovery-codes');
    const codes = [...shown.text.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]);
    return { secret, codes };
  }

  test('a coordinator without a second factor is sent to enrolment before anything else (GET and POST)', async () => {
    await bareCoordinator();
    const agent = t.agent();
    expect(await passwordStep(agent, 'nieuw@bieb.nl')).toEqual({ status: 303, location: '/desk' });
    for (const url of ['/desk', '/admin', '/intake', '/account/password']) {
      const res = await agent.get(url);
      expect([url, res.status, res.headers.location]).toEqual([url, 303, '/account/second-factor']);
    }
    const token = await csrfToken(agent, '/account/second-factor');
    const post = await agent.post('/intake/tally').type('form').send({ _csrf: token, branch: String(branch), tile: '1' });
    expect([post.status, post.headers.location]).toEqual([303, '/account/second-factor']);
    const page = await agent.get('/account/second-factor');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<svg');
    expect(page.headers['cache-control']).toBe('no-store');
  });

  test('enrolment: confirmed with a first code, ten recovery codes shown once and stored hashed', async () => {
    const id = await bareCoordinator();
    const agent = t.agent();
    await passwordStep(agent, 'nieuw@bieb.nl');
    const page = await agent.get('/account/second-factor');
    const secret = /<code id="secret">([A-Z2-7 ]+)<\/code>/.exec(page.text)![1].replace(/ /g, '');
    // The QR code holds the same secret: reloading the page keeps it (the app may have scanned it already).
    expect((await agent.get('/account/second-factor')).text).toContain(/<code id="secret">([A-Z2-7 ]+)<\/code>/.exec(page.text)![1]);
    const wrong = await agent.post('/account/second-factor').type('form').send({ _csrf: csrfFrom(page.text), code: codeFor(secret, stepNow() + 3) });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('href="#code"');
    expect(t.deps.secondFactor.isEnrolled(id)).toBe(false);

    const res = await agent.post('/account/second-factor').type('form').send({ _csrf: csrfFrom(page.text), code: codeFor(secret, stepNow()) });
    expect([res.status, res.headers.location]).toEqual([303, '/account/second-factor/recovery-codes']);
    const shown = await agent.get('/account/second-factor/recovery-codes');
    const codes = [...shown.text.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect((await agent.get('/account/second-factor/recovery-codes')).status).toBe(303);
    const stored = t.db.prepare('SELECT code_hash FROM second_factor_recovery_codes WHERE user_id = ?').pluck().all(id) as string[];
    expect(stored).toHaveLength(10);
    for (const code of codes) expect(stored.join(' ')).not.toContain(code.replace('-', ''));
    expect(audit('second_factor.enrolled').map((a) => a.subject_id)).toEqual([String(id)]);
    expect((await agent.get('/desk')).status).toBe(200);
  });

  test('sign-in asks for the code; nobody is signed in until then; a code is accepted once per step, ±1 step', async () => {
    await createUser(t.deps, 'coordinator', [branch], 'coord@bieb.nl');
    const agent = t.agent();
    expect(await passwordStep(agent, 'coord@bieb.nl')).toEqual({ status: 303, location: '/login/second-factor' });
    expect((await agent.get('/desk')).headers.location).toMatch(/^\/login/);
    const now = stepNow();
    const ok = await postCode(agent, codeFor(TEST_TOTP_SECRET, now));
    expect([ok.status, ok.location]).toEqual([303, '/desk']);
    expect((await agent.get('/desk')).status).toBe(200);

    // The same code again in the same step: refused (a replay), on a fresh sign-in as well.
    await signOut(agent);
    await passwordStep(agent, 'coord@bieb.nl');
    expect((await postCode(agent, codeFor(TEST_TOTP_SECRET, now))).status).toBe(400);
    // An earlier step than the one used: refused too; two steps ahead: out of the window.
    expect((await postCode(agent, codeFor(TEST_TOTP_SECRET, now - 1))).status).toBe(400);
    expect((await postCode(agent, codeFor(TEST_TOTP_SECRET, now + 2))).status).toBe(400);
    // One step ahead (a phone a little fast): accepted.
    expect((await postCode(agent, codeFor(TEST_TOTP_SECRET, now + 1))).location).toBe('/desk');
    expect(audit('sign_in.second_factor_failed')).toHaveLength(3);
  });

  test('one step late is accepted, two steps late is not', async () => {
    await createUser(t.deps, 'coordinator', [branch], 'coord@bieb.nl');
    const agent = t.agent();
    await passwordStep(agent, 'coord@bieb.nl');
    expect((await postCode(agent, codeFor(TEST_TOTP_SECRET, stepNow() - 2))).status).toBe(400);
    expect((await postCode(agent, codeFor(TEST_TOTP_SECRET, stepNow() - 1))).status).toBe(303);
  });

  test('the pending second step expires; a half-finished sign-in must start again', async () => {
    await createUser(t.deps, 'coordinator', [branch], 'coord@bieb.nl');
    const agent = t.agent();
    await passwordStep(agent, 'coord@bieb.nl');
    t.clock.advanceMinutes(6);
    const page = await agent.get('/login/second-factor');
    expect([page.status, page.headers.location]).toEqual([303, '/login']);
  });

  test('a recovery code works once', async () => {
    await bareCoordinator();
    const agent = t.agent();
    await passwordStep(agent, 'nieuw@bieb.nl');
    const { codes } = await enrol(agent);
    await signOut(agent);
    await passwordStep(agent, 'nieuw@bieb.nl');
    const first = await postCode(agent, codes[3].toUpperCase());
    expect([first.status, first.location]).toEqual([303, '/desk']);
    expect(audit('sign_in.second_factor_succeeded').map((a) => JSON.parse(a.details).method)).toEqual(['recovery_code']);
    await signOut(agent);
    await passwordStep(agent, 'nieuw@bieb.nl');
    expect((await postCode(agent, codes[3])).status).toBe(400);
    expect((await postCode(agent, codes[4])).status).toBe(303);
  });

  test('wrong codes are throttled like wrong passwords; the right code works after the window', async () => {
    await createUser(t.deps, 'coordinator', [branch], 'coord@bieb.nl');
    const agent = t.agent();
    await passwordStep(agent, 'coord@bieb.nl');
    for (let i = 0; i < 5; i++) expect((await postCode(agent, '000000')).status).toBe(400);
    const locked = await postCode(agent, codeFor(TEST_TOTP_SECRET, stepNow()));
    expect(locked.status).toBe(429);
    expect(locked.text).toContain('15 minuten');
    t.clock.advanceMinutes(16);
    await passwordStep(agent, 'coord@bieb.nl');
    expect((await postCode(agent, codeFor(TEST_TOTP_SECRET, stepNow()))).status).toBe(303);
  });

  test('an admin resets a second factor: audited, that person signed out everywhere, then enrols again', async () => {
    await createUser(t.deps, 'admin', [], 'admin@bieb.nl');
    const coordId = await createUser(t.deps, 'coordinator', [branch], 'coord@bieb.nl');
    const coord = await signedIn(t, 'coord@bieb.nl');
    const admin = await signedIn(t, 'admin@bieb.nl');
    const page = await admin.get(`/admin/users/${coordId}`);
    expect(page.text).toContain(`/admin/users/${coordId}/second-factor/reset`);
    const res = await admin.post(`/admin/users/${coordId}/second-factor/reset`).type('form').send({ _csrf: csrfFrom(page.text) });
    expect([res.status, res.headers.location]).toEqual([303, `/admin/users/${coordId}`]);
    expect(audit('second_factor.reset')).toEqual([expect.objectContaining({ actor_label: 'admin@bieb.nl', subject_id: String(coordId) })]);
    expect((await coord.get('/desk')).headers.location).toMatch(/^\/login/);
    const again = t.agent();
    expect(await passwordStep(again, 'coord@bieb.nl')).toEqual({ status: 303, location: '/desk' });
    expect((await again.get('/desk')).headers.location).toBe('/account/second-factor');
    // Resetting one's own: refused (it would sign you out); nothing changes.
    const adminId = t.db.prepare("SELECT id FROM users WHERE email = 'admin@bieb.nl'").pluck().get() as number;
    await admin.post(`/admin/users/${adminId}/second-factor/reset`).type('form').send({ _csrf: csrfFrom(page.text) });
    expect(t.deps.secondFactor.isEnrolled(adminId)).toBe(true);
  });

  test('the requirement for coordinators can be switched off by an admin (audited); admins always need it', async () => {
    await createUser(t.deps, 'admin', [], 'admin@bieb.nl');
    await bareCoordinator();
    await t.deps.users.ensure(SYSTEM_ACTOR, { email: 'admin2@bieb.nl', name: 'Tweede Beheerder', role: 'admin', branchIds: [] }, 'demo-demo-demo');
    const admin = await signedIn(t, 'admin@bieb.nl');
    const page = await admin.get('/admin/second-factor');
    expect(page.text).toMatch(/value="yes" checked/);
    const res = await admin.post('/admin/second-factor').type('form').send({ _csrf: csrfFrom(page.text), coordinators_required: 'no' });
    expect(res.status).toBe(303);
    expect(audit('second_factor.requirement_changed').map((a) => JSON.parse(a.details))).toEqual([{ coordinatorsRequired: { from: true, to: false } }]);
    expect((await admin.post('/admin/second-factor').type('form').send({ _csrf: csrfFrom(page.text), coordinators_required: 'maybe' })).status).toBe(400);

    const coord = t.agent();
    await signIn(coord, 'nieuw@bieb.nl');
    expect((await coord.get('/desk')).status).toBe(200);
    const admin2 = t.agent();
    await passwordStep(admin2, 'admin2@bieb.nl');
    expect((await admin2.get('/admin')).headers.location).toBe('/account/second-factor');
    // A volunteer is never sent to enrolment, but may enrol.
    await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
    const vol = await signedIn(t, 'vol@bieb.nl');
    expect((await vol.get('/desk')).status).toBe(200);
    expect((await vol.get('/account/second-factor')).status).toBe(200);
  });
});
