import type TestAgent from 'supertest/lib/agent';
import { createTestApp, csrfFrom, csrfToken, createBranch, createUser, signIn, type TestApp } from '../../../tests/helpers/test-app';
import { keyFromLabel } from './categories.service';

describe('categories: coordinators keep the taxonomy', () => {
  let t: TestApp;
  let branch: number;
  let coord: TestAgent;
  let vol: TestAgent;
  const entry = (kind: string, key: string): { id: number; label_nl: string; label_en: string; retired_at: string | null; sort_order: number } =>
    t.db.prepare('SELECT id, label_nl, label_en, retired_at, sort_order FROM taxonomy WHERE kind = ? AND key = ?').get(kind, key) as never;

  beforeEach(async () => {
    t = createTestApp();
    branch = createBranch(t.deps);
    await createUser(t.deps, 'coordinator', [branch], 'coord@bieb.nl');
    await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
    coord = t.agent();
    vol = t.agent();
    await signIn(coord, 'coord@bieb.nl');
    await signIn(vol, 'vol@bieb.nl');
  });
  afterEach(() => t.close());

  test('keys come from the Dutch label', () => {
    expect(keyFromLabel('Wijziging doorgeven')).toBe('wijziging_doorgeven');
    expect(keyFromLabel('Café & Zoë!')).toBe('cafe_zoe');
    expect(keyFromLabel('!!!')).toBe('item');
  });

  test('renaming keeps the stable key and is audited', async () => {
    const digid = entry('organisation', 'digid');
    const page = await coord.get(`/admin/categories/${digid.id}/edit`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('digid');
    const bad = await coord.post(`/admin/categories/${digid.id}/edit`).type('form').send({ _csrf: csrfFrom(page.text), label_nl: '', label_en: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('href="#label_nl"');
    const res = await coord.post(`/admin/categories/${digid.id}/edit`).type('form').send({ _csrf: csrfFrom(page.text), label_nl: 'DigiD (inloggen)', label_en: 'DigiD (sign-in)' });
    expect(res.status).toBe(303);
    expect(entry('organisation', 'digid')).toMatchObject({ id: digid.id, label_nl: 'DigiD (inloggen)', label_en: 'DigiD (sign-in)' });
    expect(t.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'category.renamed'").pluck().get()).toBe(1);
    const form = await vol.get(`/intake/new?branch=${branch}`);
    expect(form.text).toContain('DigiD (inloggen)');
  });

  test('retiring removes an entry from the form but keeps it on old records; restoring brings it back', async () => {
    const uwv = entry('organisation', 'uwv');
    const helpTogether = entry('help', 'together');
    // An old record about UWV.
    const page = await vol.get(`/intake/new?branch=${branch}`);
    const ids = (kind: string, key: string): string => String(entry(kind, key).id);
    const reg = await vol.post('/intake/new').type('form').send({
      _csrf: csrfFrom(page.text), branch: String(branch), visit: '', channel: ids('channel', 'desk'), appointment: '', walkin: '',
      type: ids('question_type', 'digital_government'), organisation: String(uwv.id), topic: '', life_event: '', help: String(helpTogether.id),
      partner: '', duration: ids('duration', 'lt5'), outcome: ids('outcome', 'solved'), note: '', then: 'done',
    });
    expect(reg.status).toBe(303);
    const qid = t.db.prepare('SELECT id FROM questions').pluck().get() as number;

    const list = await coord.get('/admin/categories?kind=organisation');
    expect(list.status).toBe(200);
    const res = await coord.post(`/admin/categories/${uwv.id}/retire`).type('form').send({ _csrf: csrfFrom(list.text), retired: '1' });
    expect(res.status).toBe(303);
    expect(entry('organisation', 'uwv').retired_at).not.toBeNull();

    const after = await vol.get(`/intake/new?branch=${branch}`);
    expect(/<select id="organisation"[\s\S]*?<\/select>/.exec(after.text)![0]).not.toContain('>UWV<');
    // A new registration with the retired entry is refused...
    const refused = await vol.post('/intake/new').type('form').send({
      _csrf: csrfFrom(after.text), branch: String(branch), visit: '', channel: ids('channel', 'desk'), appointment: '', walkin: '',
      type: ids('question_type', 'digital_government'), organisation: String(uwv.id), topic: '', life_event: '', help: String(helpTogether.id),
      partner: '', duration: ids('duration', 'lt5'), outcome: ids('outcome', 'solved'), note: '', then: 'done',
    });
    expect(refused.status).toBe(400);
    // ...but the old record still shows it, can still be corrected with it, and the list shows the label.
    expect((await vol.get(`/intake?branch=${branch}`)).text).toContain('UWV');
    const edit = await vol.get(`/intake/${qid}/edit`);
    expect(edit.text).toMatch(new RegExp(`<option value="${uwv.id}" selected>UWV \\*</option>`));
    const corrected = await vol.post(`/intake/${qid}/edit`).type('form').send({
      _csrf: csrfFrom(edit.text), type: ids('question_type', 'digital_government'), organisation: String(uwv.id), topic: '', life_event: '',
      help: String(helpTogether.id), partner: '', duration: ids('duration', 'm5_15'), outcome: ids('outcome', 'solved'), note: '',
    });
    expect(corrected.status).toBe(303);
    expect(t.deps.intake.countBy('organisation', [branch], '2026-03')).toEqual([{ id: uwv.id, count: 1 }]);

    const restore = await coord.post(`/admin/categories/${uwv.id}/retire`).type('form').send({ _csrf: csrfFrom(list.text), retired: '0' });
    expect(restore.status).toBe(303);
    expect((await vol.get(`/intake/new?branch=${branch}`)).text).toMatch(/<option value="\d+">UWV<\/option>/);
  });

  test('adding a topic gives it a unique key under its organisation; reordering moves it', async () => {
    const digid = entry('organisation', 'digid');
    const page = await coord.get(`/admin/categories?kind=topic&organisation=${digid.id}`);
    expect(page.text).toContain('DigiD activeren');
    const add = (label: string): Promise<import('supertest').Response> =>
      coord.post('/admin/categories').type('form').send({ _csrf: csrfFrom(page.text), kind: 'topic', organisation: String(digid.id), label_nl: label, label_en: '' });
    expect((await add('Machtigen voor een ander')).status).toBe(303);
    expect((await add('Machtigen voor een ander')).status).toBe(303);
    const keys = t.db.prepare("SELECT key FROM taxonomy WHERE kind = 'topic' AND parent_id = ? AND key LIKE 'machtigen_voor%' ORDER BY id").pluck().all(digid.id);
    expect(keys).toEqual(['machtigen_voor_een_ander', 'machtigen_voor_een_ander_2']);
    const added = t.db.prepare("SELECT label_en FROM taxonomy WHERE key = 'machtigen_voor_een_ander'").pluck().get();
    expect(added).toBe('Machtigen voor een ander');
    const empty = await add('');
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('href="#label_nl"');

    const app = t.db.prepare("SELECT id FROM taxonomy WHERE kind = 'topic' AND parent_id = ? AND key = 'app'").pluck().get(digid.id) as number;
    const order = (): string[] => t.db.prepare("SELECT key FROM taxonomy WHERE kind = 'topic' AND parent_id = ? ORDER BY sort_order, id").pluck().all(digid.id) as string[];
    expect(order().slice(0, 3)).toEqual(['aanvragen', 'activeren', 'app']);
    expect((await coord.post(`/admin/categories/${app}/move`).type('form').send({ _csrf: csrfFrom(page.text), direction: 'up' })).status).toBe(303);
    expect(order().slice(0, 3)).toEqual(['aanvragen', 'app', 'activeren']);
    expect((await coord.post(`/admin/categories/${app}/move`).type('form').send({ _csrf: csrfFrom(page.text), direction: 'sideways' })).status).toBe(400);
  });

  test('only coordinators and admins; CSRF required; unknown kinds and ids are 404', async () => {
    expect((await vol.get('/admin/categories')).status).toBe(403);
    const token = await csrfToken(vol, '/desk');
    const digid = entry('organisation', 'digid');
    expect((await vol.post(`/admin/categories/${digid.id}/retire`).type('form').send({ _csrf: token, retired: '1' })).status).toBe(403);
    expect((await coord.post(`/admin/categories/${digid.id}/retire`).type('form').send({ retired: '1' })).status).toBe(403);
    expect(entry('organisation', 'digid').retired_at).toBeNull();
    expect((await coord.get('/admin/categories?kind=colour')).status).toBe(404);
    expect((await coord.get('/admin/categories/999999/edit')).status).toBe(404);
    expect((await coord.get('/admin/categories/abc/edit')).status).toBe(404);
    const admin = await coord.get('/admin');
    expect(admin.text).toContain('href="/admin/categories"');
    expect(admin.text).toContain('href="/admin/partners"');
  });
});
