import { createTestApp, csrfToken, createBranch, createUser, signedIn, type TestApp } from '../../../tests/helpers/test-app';
import { SYSTEM_ACTOR } from '../../lib/actor';

describe('/admin and who may use the admin pages', () => {
  let t: TestApp;
  let branch: number;
  let volunteerId: number;
  beforeEach(async () => {
    t = createTestApp();
    branch = createBranch(t.deps);
    await createUser(t.deps, 'admin', [], 'boss@bieb.nl');
    await createUser(t.deps, 'coordinator', [branch], 'coco@bieb.nl');
    volunteerId = await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
    await createUser(t.deps, 'expert', [], 'expert@bieb.nl');
  });
  afterEach(() => t.close());

  const as = (email: string): ReturnType<typeof signedIn> => signedIn(t, email);

  test('admin sees every section; coordinator only branches', async () => {
    const admin = await (await as('boss@bieb.nl')).get('/admin');
    expect(admin.status).toBe(200);
    for (const href of ['/admin/branches', '/admin/users', '/admin/audit', '/admin/outbox']) expect(admin.text).toContain(`href="${href}"`);
    const coordinator = await (await as('coco@bieb.nl')).get('/admin');
    expect(coordinator.status).toBe(200);
    expect(coordinator.text).toContain('href="/admin/branches"');
    for (const href of ['/admin/users', '/admin/audit', '/admin/outbox']) expect(coordinator.text).not.toContain(`href="${href}"`);
  });

  test('signed out: admin pages send to sign-in and back', async () => {
    const res = await t.agent().get('/admin/users');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fadmin%2Fusers');
  });

  const GETS = (id: number, b: number): string[] => [
    '/admin',
    '/admin/users',
    '/admin/users/new',
    `/admin/users/${id}`,
    `/admin/users/${id}/password`,
    '/admin/branches',
    '/admin/branches/new',
    `/admin/branches/${b}`,
    `/admin/branches/${b}/hours`,
    `/admin/branches/${b}/closures`,
    '/admin/audit',
    '/admin/outbox',
    '/admin/outbox/1',
  ];
  const POSTS = (id: number, b: number): string[] => [
    '/admin/users/new',
    `/admin/users/${id}`,
    `/admin/users/${id}/disable`,
    `/admin/users/${id}/enable`,
    `/admin/users/${id}/reset-password`,
    '/admin/branches/new',
    `/admin/branches/${b}`,
    `/admin/branches/${b}/hours`,
    `/admin/branches/${b}/closures`,
    `/admin/branches/${b}/closures/1/delete`,
    `/admin/branches/${b}/retire`,
    `/admin/branches/${b}/reopen`,
    '/admin/outbox/1/retry',
  ];

  test.each(['vol@bieb.nl', 'expert@bieb.nl'])('%s gets 403 on every admin page and action (with a valid CSRF token)', async (email) => {
    const agent = await as(email);
    for (const url of GETS(volunteerId, branch)) expect([url, (await agent.get(url)).status]).toEqual([url, 403]);
    const token = await csrfToken(agent, '/account/password');
    for (const url of POSTS(volunteerId, branch)) {
      const res = await agent.post(url).type('form').send({ _csrf: token, name: 'X', email: 'x@bieb.nl', role: 'admin', start_date: '2026-05-01' });
      expect([url, res.status]).toEqual([url, 403]);
    }
    expect(t.deps.users.get(volunteerId).role).toBe('volunteer');
    expect(t.deps.users.list(SYSTEM_ACTOR)).toHaveLength(4);
  });

  test('a coordinator gets 403 on users, audit and outbox', async () => {
    const agent = await as('coco@bieb.nl');
    const gets = GETS(volunteerId, branch).filter((u) => /^\/admin\/(users|audit|outbox)/.test(u));
    for (const url of gets) expect([url, (await agent.get(url)).status]).toEqual([url, 403]);
    const token = await csrfToken(agent, '/account/password');
    const posts = POSTS(volunteerId, branch).filter((u) => /^\/admin\/(users|outbox)/.test(u));
    for (const url of posts) {
      const res = await agent.post(url).type('form').send({ _csrf: token, name: 'X', email: 'x@bieb.nl', role: 'admin' });
      expect([url, res.status]).toEqual([url, 403]);
    }
    expect(t.deps.users.get(volunteerId).role).toBe('volunteer');
  });

  test('admin index: wrong method 405', async () => {
    const agent = await as('boss@bieb.nl');
    const token = await csrfToken(agent, '/admin/users/new');
    expect((await agent.post('/admin').type('form').send({ _csrf: token })).status).toBe(405);
  });
});
