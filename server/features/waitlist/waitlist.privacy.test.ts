import { createBranch, createTestApp, createUser, csrfFrom, signedIn, type TestApp } from '../../../tests/helpers/test-app';

const PUBLIC = { userId: null, label: 'public', ip: null };
const WISH = { weekdays: [6], dayParts: ['evening'] as 'evening'[] }; // Saturday evenings: the test branch is closed then

describe('waitlist personal data: the one retention purge and data-subject requests', () => {
  let t: TestApp;
  let branch: number;
  beforeEach(() => {
    t = createTestApp();
    branch = createBranch(t.deps);
  });
  afterEach(() => t.close());

  const row = (id: number): unknown => t.db.prepare('SELECT name, email, phone, status, personal_data_purged_at IS NOT NULL AS purged FROM waitlist_entries WHERE id = ?').get(id);

  test('the purge wipes entries 90 days (the default) after they ended, and ends and wipes people waiting that long', () => {
    const waiting = t.deps.waitlist.join(PUBLIC, { branchId: branch, topicKey: 'digid', name: 'Lang Wachtend', email: 'lang@example.nl', phone: null, language: 'nl', ...WISH });
    t.clock.advance(10 * 24 * 3600_000);
    const removed = t.deps.waitlist.join(PUBLIC, { branchId: branch, topicKey: 'digid', name: 'Weg Gehaald', email: null, phone: '0611112222', language: 'nl', ...WISH });
    t.deps.waitlist.remove({ ...PUBLIC, system: true }, removed);
    t.clock.advance(85 * 24 * 3600_000); // 95 days after the first joined, 85 after the second ended
    expect(t.deps.purge.run().waitlist).toBe(1);
    expect(row(waiting)).toEqual({ name: '', email: null, phone: null, status: 'removed', purged: 1 });
    expect(row(removed)).toEqual({ name: 'Weg Gehaald', email: null, phone: '0611112222', status: 'removed', purged: 0 });
    t.clock.advance(6 * 24 * 3600_000);
    expect(t.deps.purge.run().waitlist).toBe(1);
    expect(row(removed)).toEqual({ name: '', email: null, phone: null, status: 'removed', purged: 1 });
    expect(t.deps.purge.run().waitlist).toBe(0);
  });

  test('/admin/retention shows the waitlist period; the privacy statement says it', async () => {
    await createUser(t.deps, 'admin', [], 'beheer@example.nl');
    const admin = await signedIn(t, 'beheer@example.nl');
    const page = await admin.get('/admin/retention');
    expect(page.text).toContain('Wachtlijst: naam en contactgegevens');
    expect(page.text).toMatch(/name="waitlist"[^>]*value="90"|value="90"[^>]*name="waitlist"/);
    const statement = await t.agent().get('/privacy');
    expect(statement.text).toContain('Op de wachtlijst');
  });

  test('/admin/subjects finds, exports and erases waitlist entries by e-mail or phone', async () => {
    const byMail = t.deps.waitlist.join(PUBLIC, { branchId: branch, topicKey: 'digid', name: 'Karin Mail', email: 'karin@example.nl', phone: null, language: 'nl', ...WISH });
    const byPhone = t.deps.waitlist.join(PUBLIC, { branchId: branch, topicKey: 'taxes', name: 'Karin Tel', email: null, phone: '06-2222 3333', language: 'nl', ...WISH });
    await createUser(t.deps, 'coordinator', [branch], 'coord@example.nl');
    const agent = await signedIn(t, 'coord@example.nl');
    const token = csrfFrom((await agent.get('/admin/subjects')).text);
    const found = await agent.post('/admin/subjects').type('form').send({ _csrf: token, contact: 'KARIN@example.nl' });
    expect(found.text).toContain(`data-waitlist="${byMail}"`);
    expect(found.text).not.toContain(`data-waitlist="${byPhone}"`);
    const foundPhone = await agent.post('/admin/subjects').type('form').send({ _csrf: token, contact: '+31622223333' });
    expect(foundPhone.text).toContain(`data-waitlist="${byPhone}"`);
    const exported = await agent.post('/admin/subjects/export').type('form').send({ _csrf: token, contact: '0622223333', format: 'json' });
    expect(JSON.parse(exported.text).waitlist.map((w: { name: string }) => w.name)).toEqual(['Karin Tel']);
    const erased = await agent.post('/admin/subjects/erase').type('form').send({ _csrf: token, contact: '0622223333', confirm: '1' });
    expect(erased.status).toBe(303);
    expect(row(byPhone)).toEqual({ name: '', email: null, phone: null, status: 'removed', purged: 1 });
    expect(row(byMail)).toEqual({ name: 'Karin Mail', email: 'karin@example.nl', phone: null, status: 'waiting', purged: 0 });
  });
});
