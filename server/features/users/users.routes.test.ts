import { createTestApp, csrfFrom, csrfToken, createBranch, createUser, signIn, signedIn, type TestApp } from '../../../tests/helpers/test-app';
import { SYSTEM_ACTOR } from '../../lib/actor';

describe('/admin/users', () => {
  let t: TestApp;
  let branchA: number;
  let branchB: number;
  beforeEach(async () => {
    t = createTestApp();
    branchA = createBranch(t.deps, { name: 'Bieb Oost' });
    branchB = createBranch(t.deps, { name: 'Bieb West' });
    await createUser(t.deps, 'admin', [], 'boss@bieb.nl');
  });
  afterEach(() => t.close());

  const admin = (): ReturnType<typeof signedIn> => signedIn(t, 'boss@bieb.nl');

  test('lists users with role, branches, status and last sign-in', async () => {
    await createUser(t.deps, 'volunteer', [branchA, branchB], 'vera@bieb.nl');
    const agent = await admin();
    const res = await agent.get('/admin/users');
    expect(res.status).toBe(200);
    expect(res.text).toContain('vera@bieb.nl');
    expect(res.text).toContain('Bieb Oost, Bieb West');
    expect(res.text).toContain('vrijwilliger');
    expect(res.text).toContain('nog nooit');
    expect(res.text).toContain('actief');
    // The admin has just signed in, at the fake clock's time (10:00 in Amsterdam).
    expect(res.text).toContain('2 mrt 2026 10:00');
  });

  test('create: temporary password shown once, then the new person must change it at sign-in', async () => {
    const agent = await admin();
    const form = await agent.get('/admin/users/new');
    expect(form.status).toBe(200);
    const res = await agent
      .post('/admin/users/new')
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrfFrom(form.text))}&name=Nina+Nieuw&email=Nina%40Bieb.nl&role=volunteer&branch_ids=${branchA}&branch_ids=${branchB}`);
    expect(res.status).toBe(303);
    const created = t.deps.users.list(SYSTEM_ACTOR).find((u) => u.email === 'nina@bieb.nl')!;
    expect(created.role).toBe('volunteer');
    expect(created.branchIds).toEqual([branchA, branchB]);
    expect(created.mustChangePassword).toBe(true);
    expect(res.headers.location).toBe(`/admin/users/${created.id}/password`);

    const shown = await agent.get(res.headers.location);
    expect(shown.status).toBe(200);
    expect(shown.headers['cache-control']).toBe('no-store');
    const password = /id="temporary-password">([^<]+)</.exec(shown.text)![1];
    expect(password).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    // Only once.
    const again = await agent.get(res.headers.location);
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe(`/admin/users/${created.id}`);
    expect((await agent.get(again.headers.location)).text).not.toContain(password);

    // The new person signs in with it and is sent to choose their own password.
    const nina = t.agent();
    const token = await csrfToken(nina, '/login');
    const login = await nina.post('/login').type('form').send({ _csrf: token, email: 'nina@bieb.nl', password });
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/account/password');
    const desk = await nina.get('/desk');
    expect(desk.status).toBe(303);
    expect(desk.headers.location).toBe('/account/password');
    expect(t.deps.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'user.created' AND subject_id = ?").pluck().get(String(created.id))).toBe(1);
  });

  test('create with bad input: 400, summary, values kept (markup escaped)', async () => {
    const agent = await admin();
    const form = await agent.get('/admin/users/new');
    const res = await agent
      .post('/admin/users/new')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), name: '<b>Bob</b>', email: 'not-an-email', role: 'coordinator' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('class="error-summary"');
    expect(res.text).toContain('href="#email"');
    expect(res.text).toContain('href="#branch_ids"');
    expect(res.text).toContain('Kies minstens één locatie');
    expect(res.text).toContain('value="&lt;b&gt;Bob&lt;/b&gt;"');
    expect(res.text).toContain('value="not-an-email"');
    expect(res.text).toMatch(/value="coordinator" id="role-coordinator" checked/);
    const missingRole = await agent.post('/admin/users/new').type('form').send({ _csrf: csrfFrom(form.text), name: 'Bob', email: 'bob@bieb.nl', role: 'root' });
    expect(missingRole.status).toBe(400);
    expect(missingRole.text).toContain('href="#role"');
    expect(t.deps.users.list(SYSTEM_ACTOR)).toHaveLength(1);
  });

  test('a taken e-mail address (or a double submit) is a friendly 409 form error', async () => {
    const agent = await admin();
    const form = await agent.get('/admin/users/new');
    const body = { _csrf: csrfFrom(form.text), name: 'Piet', email: 'piet@bieb.nl', role: 'expert' };
    expect((await agent.post('/admin/users/new').type('form').send(body)).status).toBe(303);
    const second = await agent.post('/admin/users/new').type('form').send({ ...body, email: 'PIET@bieb.nl' });
    expect(second.status).toBe(409);
    expect(second.text).toContain('Er is al een account met dit e-mailadres');
    expect(second.text).toContain('href="#email"');
    expect(second.text).toContain('value="PIET@bieb.nl"');
    expect(t.deps.users.list(SYSTEM_ACTOR).filter((u) => u.email === 'piet@bieb.nl')).toHaveLength(1);
  });

  test('edit role, name and branches; admins and experts keep no branches', async () => {
    const id = await createUser(t.deps, 'volunteer', [branchA], 'vera@bieb.nl');
    const agent = await admin();
    const page = await agent.get(`/admin/users/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(new RegExp(`value="${branchA}" id="branch_ids" checked`));
    const res = await agent
      .post(`/admin/users/${id}`)
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrfFrom(page.text))}&name=Vera+Coordinator&role=coordinator&branch_ids=${branchB}`);
    expect(res.status).toBe(303);
    let vera = t.deps.users.get(id);
    expect([vera.name, vera.role, vera.branchIds]).toEqual(['Vera Coordinator', 'coordinator', [branchB]]);
    expect((await agent.get('/admin/users')).text).toContain('De gegevens van Vera Coordinator zijn opgeslagen');
    await agent.post(`/admin/users/${id}`).type('form').send(`_csrf=${encodeURIComponent(csrfFrom(page.text))}&name=Vera&role=expert&branch_ids=${branchB}`);
    vera = t.deps.users.get(id);
    expect([vera.role, vera.branchIds]).toEqual(['expert', []]);
    const audit = t.deps.audit.find({ action: 'user.role_changed', limit: 10, offset: 0 });
    expect(audit).toHaveLength(2);
  });

  test('edit with bad input: 400 with summary and values kept; unknown user 404', async () => {
    const id = await createUser(t.deps, 'volunteer', [branchA], 'vera@bieb.nl');
    const agent = await admin();
    const page = await agent.get(`/admin/users/${id}`);
    const res = await agent.post(`/admin/users/${id}`).type('form').send({ _csrf: csrfFrom(page.text), name: '', role: 'volunteer' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('href="#name"');
    expect(res.text).toContain('href="#branch_ids"');
    expect(res.text).toMatch(/value="volunteer" id="role" checked/);
    expect(t.deps.users.get(id).name).toBe('Test volunteer');
    expect((await agent.get('/admin/users/9999')).status).toBe(404);
    expect((await agent.get('/admin/users/abc')).status).toBe(404);
  });

  test('the last admin cannot lose the role or be disabled, and nobody can disable themselves: 409 form errors', async () => {
    const agent = await admin();
    const me = t.deps.users.list(SYSTEM_ACTOR).find((u) => u.email === 'boss@bieb.nl')!;
    const page = await agent.get(`/admin/users/${me.id}`);
    const token = csrfFrom(page.text);
    const demote = await agent.post(`/admin/users/${me.id}`).type('form').send({ _csrf: token, name: 'Boss', role: 'volunteer', branch_ids: String(branchA) });
    expect(demote.status).toBe(409);
    expect(demote.text).toContain('Dit is de laatste beheerder');
    expect(demote.text).toContain('href="#role"');
    const disableSelf = await agent.post(`/admin/users/${me.id}/disable`).type('form').send({ _csrf: token });
    expect(disableSelf.status).toBe(409);
    expect(disableSelf.text).toMatch(/laatste beheerder|eigen account/);
    expect(disableSelf.text).toContain('href="#account-actions"');
    // With a second admin the last-admin rule no longer applies, but "not yourself" still does.
    await createUser(t.deps, 'admin', [], 'other@bieb.nl');
    const again = await agent.post(`/admin/users/${me.id}/disable`).type('form').send({ _csrf: token });
    expect(again.status).toBe(409);
    expect(again.text).toContain('U kunt uw eigen account niet blokkeren');
    expect(t.deps.users.get(me.id).disabledAt).toBeNull();
  });

  test('disable signs the person out at once; re-enable lets them back in', async () => {
    const id = await createUser(t.deps, 'volunteer', [branchA], 'vera@bieb.nl');
    const vera = t.agent();
    await signIn(vera, 'vera@bieb.nl');
    expect((await vera.get('/account/password')).status).toBe(200);
    const agent = await admin();
    const token = await csrfToken(agent, `/admin/users/${id}`);
    const res = await agent.post(`/admin/users/${id}/disable`).type('form').send({ _csrf: token });
    expect(res.status).toBe(303);
    expect(t.deps.users.get(id).disabledAt).not.toBeNull();
    expect((await agent.get('/admin/users')).text).toContain('geblokkeerd');
    expect((await vera.get('/account/password')).status).toBe(303);
    const blocked = t.agent();
    await expect(signIn(blocked, 'vera@bieb.nl')).rejects.toThrow('sign-in failed');
    expect((await agent.post(`/admin/users/${id}/enable`).type('form').send({ _csrf: token })).status).toBe(303);
    expect(t.deps.users.get(id).disabledAt).toBeNull();
    await signIn(t.agent(), 'vera@bieb.nl');
  });

  test('reset password: new temporary password shown once, the old one stops working', async () => {
    const id = await createUser(t.deps, 'volunteer', [branchA], 'vera@bieb.nl');
    const agent = await admin();
    const token = await csrfToken(agent, `/admin/users/${id}`);
    const res = await agent.post(`/admin/users/${id}/reset-password`).type('form').send({ _csrf: token });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/users/${id}/password`);
    const shown = await agent.get(res.headers.location);
    expect(shown.text).toContain('nieuw tijdelijk wachtwoord');
    const password = /id="temporary-password">([^<]+)</.exec(shown.text)![1];
    await expect(signIn(t.agent(), 'vera@bieb.nl')).rejects.toThrow('sign-in failed');
    await signIn(t.agent(), 'vera@bieb.nl', password);
    expect(t.deps.users.get(id).mustChangePassword).toBe(true);
    // Another user's pending password page is not shown for a different id.
    expect((await agent.get(`/admin/users/${id}/password`)).status).toBe(303);
  });

  test('every POST needs the CSRF token', async () => {
    const id = await createUser(t.deps, 'volunteer', [branchA], 'vera@bieb.nl');
    const agent = await admin();
    for (const url of ['/admin/users/new', `/admin/users/${id}`, `/admin/users/${id}/disable`, `/admin/users/${id}/enable`, `/admin/users/${id}/reset-password`]) {
      const res = await agent.post(url).type('form').send({ name: 'X', email: 'x@bieb.nl', role: 'expert' });
      expect([url, res.status]).toEqual([url, 403]);
    }
    expect(t.deps.users.get(id).disabledAt).toBeNull();
    expect(t.deps.users.list(SYSTEM_ACTOR)).toHaveLength(2);
  });

  test('wrong methods get 405', async () => {
    const agent = await admin();
    const me = t.deps.users.list(SYSTEM_ACTOR)[0];
    expect((await agent.get(`/admin/users/${me.id}/disable`)).status).toBe(405);
    expect((await agent.get(`/admin/users/${me.id}/reset-password`)).status).toBe(405);
  });
});
