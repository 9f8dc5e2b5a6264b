import type TestAgent from 'supertest/lib/agent';
import { createTestApp, csrfToken, createBranch, createUser, signIn, signedIn, type TestApp } from '../helpers/test-app';

/**
 * Text in any script is stored and shown exactly, and markup in it is shown as text (SPEC 7): Arabic,
 * an emoji, a combining diaeresis (Zoe + U+0308, deliberately not NFC), quotes and a script tag.
 */
const TRICKY = '<script>alert(1)</script> مكتبة 📚 Zoe\u0308 & "q"';
const SHOWN = '&lt;script&gt;alert(1)&lt;/script&gt; مكتبة 📚 Zoe\u0308 &amp; &#34;q&#34;';
/** In the audit log the text sits inside JSON, whose quotes are escaped too. */

describe('security: user text in any script, shown as text everywhere', () => {
  let t: TestApp;
  let admin: TestAgent;
  beforeEach(async () => {
    t = createTestApp();
    await createUser(t.deps, 'admin', [], 'admin@bieb.nl');
    admin = await signedIn(t, 'admin@bieb.nl');
  });
  afterEach(() => t.close());

  const post = async (agent: TestAgent, pageUrl: string, url: string, body: Record<string, string>): Promise<number> => {
    const token = await csrfToken(agent, pageUrl);
    return (await agent.post(url).type('form').send({ _csrf: token, ...body })).status;
  };

  const expectShownAsText = (html: string, shown = SHOWN): void => {
    expect(html).toContain(shown);
    expect(html).not.toContain('<script>alert(1)');
  };

  test('branch, partner, category and user names: stored exactly, escaped on every page and in the audit log', async () => {
    const branchStatus = await post(admin, '/admin/branches/new', '/admin/branches/new', {
      name: TRICKY,
      address: TRICKY,
      postcode: '',
      city: '',
      municipality: 'Ergens',
      phone: '',
      inside_library: 'yes',
      staffing_model: 'volunteers',
      slot_minutes: '30',
      desks: '1',
      horizon_days: '28',
      min_notice_minutes: '60',
    });
    expect(branchStatus).toBe(303);
    const branch = t.db.prepare('SELECT id, name, address FROM branches').get() as { id: number; name: string; address: string };
    expect(branch.name).toBe(TRICKY);
    expect(branch.address).toBe(TRICKY);

    expect(await post(admin, '/admin/partners/new', '/admin/partners/new', { name: TRICKY, kind: 'other', phone: '', website: '', notes: TRICKY, scope: 'global' })).toBe(303);
    expect(t.db.prepare('SELECT notes FROM partners WHERE name = ?').pluck().get(TRICKY)).toBe(TRICKY);

    expect(await post(admin, '/admin/categories?kind=organisation', '/admin/categories', { kind: 'organisation', label_nl: TRICKY, label_en: '' })).toBe(303);
    expect(t.db.prepare('SELECT count(*) FROM taxonomy WHERE label_nl = ?').pluck().get(TRICKY)).toBe(1);

    expect(await post(admin, '/admin/users/new', '/admin/users/new', { name: TRICKY, email: 'nieuw@bieb.nl', role: 'volunteer', branch_ids: String(branch.id) })).toBe(303);
    expect(t.db.prepare('SELECT name FROM users WHERE email = ?').pluck().get('nieuw@bieb.nl')).toBe(TRICKY);

    for (const url of ['/', '/admin/branches', `/admin/branches/${branch.id}`, '/admin/partners', '/admin/categories?kind=organisation', '/admin/users', '/survey']) {
      const res = await admin.get(url);
      expect(res.status).toBe(200);
      expectShownAsText(res.text);
    }
    const audit = await admin.get('/admin/audit');
    // The audit log shows details as label and value (issue #15 item 10), so the name appears as text too.
    expectShownAsText(audit.text);
  });

  test('an intake note in any script is stored exactly and listed as text', async () => {
    const branch = createBranch(t.deps);
    await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
    const vol = t.agent();
    await signIn(vol, 'vol@bieb.nl');
    const tax = t.deps.categories.taxonomy();
    const id = (kind: Parameters<typeof tax.byKey>[0], key: string): string => String(tax.byKey(kind, key)!.id);
    const note = '<b>vet</b> سؤال 👍 e\u0301';
    const status = await post(vol, `/intake/new?branch=${branch}`, '/intake/new', {
      branch: String(branch),
      visit: '',
      channel: id('channel', 'desk'),
      appointment: '',
      walkin: '',
      type: id('question_type', 'digital_government'),
      organisation: id('organisation', 'digid'),
      topic: '',
      life_event: '',
      help: id('help', 'together'),
      partner: '',
      duration: id('duration', 'm15_30'),
      outcome: id('outcome', 'solved'),
      note,
      then: 'done',
    });
    expect(status).toBe(303);
    expect(t.db.prepare('SELECT note FROM questions').pluck().get()).toBe(note);
    const list = await vol.get(`/intake?branch=${branch}`);
    expect(list.text).toContain('&lt;b&gt;vet&lt;/b&gt; سؤال 👍 e\u0301');
    expect(list.text).not.toContain('<b>vet</b>');
  });
});
