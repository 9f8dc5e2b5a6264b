import { createTestApp, createBranch, createUser, signedIn, type TestApp } from '../../../tests/helpers/test-app';

describe('/desk: who may open it and which branch it shows', () => {
  let t: TestApp;
  let a: number;
  let b: number;
  let c: number;

  beforeEach(async () => {
    t = createTestApp();
    a = createBranch(t.deps, { name: 'Vestiging A' });
    b = createBranch(t.deps, { name: 'Vestiging B' });
    c = createBranch(t.deps, { name: 'Vestiging C' });
    await createUser(t.deps, 'volunteer', [a, b], 'ab@bieb.nl');
    await createUser(t.deps, 'coordinator', [c], 'c@bieb.nl');
    await createUser(t.deps, 'admin', [], 'admin@bieb.nl');
    await createUser(t.deps, 'expert', [], 'expert@bieb.nl');
  });
  afterEach(() => t.close());

  const as = (email: string): ReturnType<typeof signedIn> => signedIn(t, email);

  test('the first branch by default, another of one\'s own on request, with a picker of exactly those', async () => {
    const agent = await as('ab@bieb.nl');
    const first = await agent.get('/desk');
    expect(first.status).toBe(200);
    expect(first.text).toContain(`data-branch="${a}"`);
    expect(first.text).toContain(`<option value="${b}">Vestiging B</option>`);
    expect(first.text).not.toContain('Vestiging C');
    const second = await agent.get(`/desk?branch=${b}`);
    expect(second.status).toBe(200);
    expect(second.text).toContain(`data-branch="${b}"`);
  });

  test('a malformed branch is 400, someone else\'s or an unknown branch 404, and nothing of it is shown', async () => {
    const agent = await as('ab@bieb.nl');
    for (const bad of ['abc', '0', '-1', '1e3', `${a}x`]) {
      expect([bad, (await agent.get(`/desk?branch=${encodeURIComponent(bad)}`)).status]).toEqual([bad, 400]);
    }
    for (const other of [c, 99999]) {
      const res = await agent.get(`/desk?branch=${other}`);
      expect([other, res.status]).toEqual([other, 404]);
      expect(res.text).not.toContain('Vestiging C');
    }
    // A coordinator of C gets the same answers for A.
    expect((await (await as('c@bieb.nl')).get(`/desk?branch=${a}`)).status).toBe(404);
  });

  test('admins and experts do no desk work (403); signed out goes to the sign-in page', async () => {
    for (const email of ['admin@bieb.nl', 'expert@bieb.nl']) {
      const agent = await as(email);
      expect([email, (await agent.get('/desk')).status]).toEqual([email, 403]);
      expect([email, (await agent.get(`/desk?branch=${a}`)).status]).toEqual([email, 403]);
    }
    const anon = await t.agent().get('/desk');
    expect(anon.status).toBe(303);
    expect(anon.headers.location).toBe('/login?next=%2Fdesk');
  });
});
