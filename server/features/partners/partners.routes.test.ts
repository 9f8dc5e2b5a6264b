import type TestAgent from 'supertest/lib/agent';
import { createTestApp, csrfFrom, createBranch, createUser, signIn, type TestApp } from '../../../tests/helpers/test-app';

describe('partners: the referral list', () => {
  let t: TestApp;
  let branchA: number;
  let branchB: number;
  let coordA: TestAgent;
  const partnerId = (key: string): number => t.db.prepare('SELECT id FROM partners WHERE key = ?').pluck().get(key) as number;

  beforeEach(async () => {
    t = createTestApp();
    branchA = createBranch(t.deps);
    branchB = createBranch(t.deps);
    await createUser(t.deps, 'coordinator', [branchA], 'coord-a@bieb.nl');
    await createUser(t.deps, 'coordinator', [branchB], 'coord-b@bieb.nl');
    coordA = t.agent();
    await signIn(coordA, 'coord-a@bieb.nl');
  });
  afterEach(() => t.close());

  const form = (overrides: Record<string, string> = {}): Record<string, string> => ({
    name: 'Wijkteam Centrum',
    kind: 'social',
    phone: '030 123 45 67',
    website: 'https://wijkteam.example.nl',
    notes: 'Inloop op dinsdag',
    scope: String(branchA),
    ...overrides,
  });

  test('the national partners are seeded, with the Digihulplijn', async () => {
    const list = await coordA.get('/admin/partners');
    expect(list.status).toBe(200);
    for (const name of ['Digihulplijn', 'Belastingdienst', 'Dienst Toeslagen', 'DigiD Helpdesk', 'UWV', 'SVB', 'DUO', 'CJIB', 'CAK', 'RDW', 'Het Juridisch Loket', 'Schuldhulpverlening']) {
      expect(list.text).toContain(name);
    }
    expect(list.text).toContain('0800-1508');
  });

  test('a coordinator adds and edits a partner of their branch; it appears in that branch’s intake form only', async () => {
    const page = await coordA.get('/admin/partners/new');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('value="global"');
    const bad = await coordA.post('/admin/partners/new').type('form').send({ ...form({ name: '', website: 'javascript:alert(1)' }), _csrf: csrfFrom(page.text) });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('href="#name"');
    expect(bad.text).toContain('href="#website"');
    const res = await coordA.post('/admin/partners/new').type('form').send({ ...form(), _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(303);
    const row = t.db.prepare("SELECT id, key, branch_id FROM partners WHERE name = 'Wijkteam Centrum'").get() as { id: number; key: string; branch_id: number };
    expect(row.branch_id).toBe(branchA);
    expect(row.key).toBe(`b${branchA}_wijkteam_centrum`);
    const edit = await coordA.get(`/admin/partners/${row.id}/edit`);
    const saved = await coordA.post(`/admin/partners/${row.id}/edit`).type('form').send({ ...form({ name: 'Wijkteam Centrum-Oost', scope: 'global' }), _csrf: csrfFrom(edit.text) });
    expect(saved.status).toBe(303);
    expect(t.db.prepare('SELECT name, branch_id, key FROM partners WHERE id = ?').get(row.id)).toEqual({ name: 'Wijkteam Centrum-Oost', branch_id: branchA, key: row.key });

    await createUser(t.deps, 'volunteer', [branchA], 'vol-a@bieb.nl');
    await createUser(t.deps, 'volunteer', [branchB], 'vol-b@bieb.nl');
    const volA = t.agent();
    const volB = t.agent();
    await signIn(volA, 'vol-a@bieb.nl');
    await signIn(volB, 'vol-b@bieb.nl');
    expect((await volA.get(`/intake/new?branch=${branchA}`)).text).toContain('Wijkteam Centrum-Oost');
    expect((await volB.get(`/intake/new?branch=${branchB}`)).text).not.toContain('Wijkteam Centrum-Oost');
  });

  test('coordinators cannot change the national list or another branch’s partners; admins can change national ones', async () => {
    const page = await coordA.get('/admin/partners/new');
    const token = csrfFrom(page.text);
    expect((await coordA.post('/admin/partners/new').type('form').send({ ...form({ scope: 'global' }), _csrf: token })).status).toBe(403);
    // Another branch as the scope is 404 (issue 8: another branch looks absent), the national list 403.
    expect((await coordA.post('/admin/partners/new').type('form').send({ ...form({ scope: String(branchB) }), _csrf: token })).status).toBe(404);
    const digihulplijn = partnerId('digihulplijn');
    expect((await coordA.get(`/admin/partners/${digihulplijn}/edit`)).status).toBe(403);
    expect((await coordA.post(`/admin/partners/${digihulplijn}/retire`).type('form').send({ _csrf: token, retired: '1' })).status).toBe(403);

    const coordB = t.agent();
    await signIn(coordB, 'coord-b@bieb.nl');
    const pageB = await coordB.get('/admin/partners/new');
    await coordB.post('/admin/partners/new').type('form').send({ ...form({ name: 'Buurthuis Noord', scope: String(branchB) }), _csrf: csrfFrom(pageB.text) });
    const theirs = t.db.prepare("SELECT id FROM partners WHERE name = 'Buurthuis Noord'").pluck().get() as number;
    expect((await coordA.get('/admin/partners')).text).not.toContain('Buurthuis Noord');
    expect((await coordA.get(`/admin/partners/${theirs}/edit`)).status).toBe(404);
    expect((await coordA.post(`/admin/partners/${theirs}/retire`).type('form').send({ _csrf: token, retired: '1' })).status).toBe(404);
    expect((await coordA.get('/admin/partners/99999/edit')).status).toBe(404);

    await createUser(t.deps, 'admin', [], 'admin@bieb.nl');
    const admin = t.agent();
    await signIn(admin, 'admin@bieb.nl');
    const list = await admin.get('/admin/partners');
    expect(list.text).toContain('Buurthuis Noord');
    const retire = await admin.post(`/admin/partners/${digihulplijn}/retire`).type('form').send({ _csrf: csrfFrom(list.text), retired: '1' });
    expect(retire.status).toBe(303);
    expect(t.db.prepare('SELECT retired_at FROM partners WHERE id = ?').pluck().get(digihulplijn)).not.toBeNull();
    expect(t.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'partner.retired'").pluck().get()).toBe(1);

    await createUser(t.deps, 'volunteer', [branchA], 'vol@bieb.nl');
    const vol = t.agent();
    await signIn(vol, 'vol@bieb.nl');
    expect((await vol.get('/admin/partners')).status).toBe(403);
    expect(/<select id="partner"[\s\S]*?<\/select>/.exec((await vol.get(`/intake/new?branch=${branchA}`)).text)![0]).not.toContain('Digihulplijn');
  });
});
