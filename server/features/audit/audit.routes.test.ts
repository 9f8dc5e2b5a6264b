import { createBranch, createTestApp, createUser, signIn, signedIn, type TestApp } from '../../../tests/helpers/test-app';

describe('/admin/audit', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = createTestApp();
    await createUser(t.deps, 'admin', [], 'boss@bieb.nl');
  });
  afterEach(() => t.close());

  function record(at: string, action: string, details: Record<string, unknown> = {}): void {
    t.clock.set(at);
    t.deps.audit.record({ userId: null, label: 'tester', ip: '127.0.0.1' }, { action, subjectType: 'thing', subjectId: 7, details });
  }

  test('newest first, details shown as escaped label and value', async () => {
    record('2026-03-01T10:00:00Z', 'thing.first');
    record('2026-03-01T11:00:00Z', 'thing.second', { note: '<script>x</script>' });
    t.clock.set('2026-03-02T09:00:00Z');
    const agent = t.agent();
    await signIn(agent, 'boss@bieb.nl');
    const res = await agent.get('/admin/audit');
    expect(res.status).toBe(200);
    const second = res.text.indexOf('thing.second</code>');
    const first = res.text.indexOf('thing.first</code>');
    expect(second).toBeGreaterThan(0);
    expect(first).toBeGreaterThan(second);
    // The sign-in itself is newest.
    const signedIn = res.text.indexOf('<td>Ingelogd</td>');
    expect(signedIn).toBeGreaterThan(0);
    expect(signedIn).toBeLessThan(second);
    expect(res.text).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(res.text).toContain('<dt>Opmerking</dt><dd>&lt;script&gt;x&lt;/script&gt;</dd>');
    expect(res.text).not.toContain('<script>x</script>');
  });

  test('filter by action and by local date range (inclusive, Amsterdam days)', async () => {
    // 23:30 UTC on 1 March is 00:30 on 2 March in Amsterdam.
    record('2026-02-28T12:00:00Z', 'thing.a');
    record('2026-03-01T23:30:00Z', 'thing.a');
    record('2026-03-01T12:00:00Z', 'thing.b');
    t.clock.set('2026-03-03T09:00:00Z');
    const agent = t.agent();
    await signIn(agent, 'boss@bieb.nl');
    const onlyA = await agent.get('/admin/audit?action=thing.a');
    expect(onlyA.text.match(/thing\.a<\/code>/g)).toHaveLength(2);
    expect(onlyA.text).not.toContain('thing.b</code>');
    expect(onlyA.text).toContain('<option value="thing.a" selected>');
    const march2 = await agent.get('/admin/audit?action=thing.a&from=2026-03-02&to=2026-03-02');
    expect(march2.text.match(/thing\.a<\/code>/g)).toHaveLength(1);
    expect(march2.text).toContain('2 mrt 2026 00:30:00');
    const march1 = await agent.get('/admin/audit?from=2026-03-01&to=2026-03-01');
    expect(march1.text).toContain('thing.b</code>');
    expect(march1.text).not.toContain('thing.a</code>');
  });

  test('bad filter: 400 with summary and values kept', async () => {
    const agent = t.agent();
    await signIn(agent, 'boss@bieb.nl');
    const res = await agent.get('/admin/audit?from=2026-13-01&to=gisteren&action=x');
    expect(res.status).toBe(400);
    expect(res.text).toContain('href="#from"');
    expect(res.text).toContain('href="#to"');
    expect(res.text).toContain('value="gisteren"');
    const reversed = await agent.get('/admin/audit?from=2026-03-05&to=2026-03-01');
    expect(reversed.status).toBe(400);
    expect(reversed.text).toContain('De einddatum moet op of na de begindatum zijn');
    expect((await agent.get('/admin/audit?page=0')).status).toBe(400);
  });

  test('paged by 50, keeping the filter in the links', async () => {
    for (let i = 0; i < 120; i++) record(`2026-03-01T10:${String(i % 60).padStart(2, '0')}:00Z`, 'thing.many', { i });
    t.clock.set('2026-03-02T09:00:00Z');
    const agent = t.agent();
    await signIn(agent, 'boss@bieb.nl');
    const p1 = await agent.get('/admin/audit?action=thing.many');
    expect(p1.text.match(/thing\.many<\/code>/g)).toHaveLength(50);
    expect(p1.text).toContain('<dt>i</dt><dd>119</dd>');
    expect(p1.text).toContain('href="/admin/audit?action=thing.many&amp;page=2"');
    expect(p1.text).not.toContain('rel="prev"');
    const p3 = await agent.get('/admin/audit?action=thing.many&page=3');
    expect(p3.text.match(/thing\.many<\/code>/g)).toHaveLength(20);
    expect(p3.text).toContain('<dt>i</dt><dd>0</dd>');
    expect(p3.text).toContain('page=2" rel="prev"');
    expect(p3.text).not.toContain('rel="next"');
  });
});

describe('/admin/audit: every look at personal data, found by subject, contact and user', () => {
  let t: TestApp;
  let branch: number;
  let volId: number;
  beforeEach(async () => {
    t = createTestApp();
    await createUser(t.deps, 'admin', [], 'boss@bieb.nl');
    branch = createBranch(t.deps, { desks: 5 });
    volId = await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
    await createUser(t.deps, 'volunteer', [branch], 'other@bieb.nl');
  });
  afterEach(() => t.close());

  function booking(code: string, email: string | null, phone: string | null): number {
    const now = '2026-03-02T08:00:00.000Z';
    return Number(
      t.db
        .prepare(
          `INSERT INTO appointments (branch_id, starts_at, ends_at, local_date, local_time, topic_key, code, token_hash, name, email, phone, channel, created_at, updated_at)
           VALUES (?, '2026-03-02T13:00:00.000Z', '2026-03-02T13:30:00.000Z', '2026-03-02', '14:00', 'digid', ?, ?, 'Iemand', ?, ?, 'online', ?, ?)`,
        )
        .run(branch, code, `hash-${code}`, email, phone, now, now).lastInsertRowid,
    );
  }

  test('opening a booking writes personal_data.viewed (as a borrower does, see the loans tests); the filters find it', async () => {
    const mine = booking('ABCDEF', 'Jan@Example.nl', null);
    const byPhone = booking('ABCDEG', null, '06-1234 5678');
    const other = booking('ABCDEH', 'iemand@anders.nl', null);
    const vol = await signedIn(t, 'vol@bieb.nl');
    const colleague = await signedIn(t, 'other@bieb.nl');
    for (const id of [mine, byPhone]) expect((await vol.get(`/appointments/${id}`)).status).toBe(200);
    expect((await colleague.get(`/appointments/${other}`)).status).toBe(200);
    expect((await vol.get(`/appointments/day?branch=${branch}&date=2026-03-02`)).status).toBe(200);

    const looks = t.db.prepare(`SELECT subject_type, subject_id FROM audit_log WHERE action = 'personal_data.viewed' ORDER BY id`).all();
    expect(looks).toEqual([
      { subject_type: 'appointment', subject_id: String(mine) },
      { subject_type: 'appointment', subject_id: String(byPhone) },
      { subject_type: 'appointment', subject_id: String(other) },
    ]);

    const admin = await signedIn(t, 'boss@bieb.nl');
    const rows = (html: string): number => (html.match(/<td>Persoonsgegevens bekeken<\/td>/g) ?? []).length;

    // By contact: the e-mail in any case finds that booking's look and the day list it was on, nothing of anyone else.
    const byMail = await admin.get('/admin/audit?contact=JAN%40example.nl');
    expect(byMail.status).toBe(200);
    expect(rows(byMail.text)).toBe(1);
    expect(byMail.text).toContain(`afspraak ${mine}`);
    expect(byMail.text).not.toContain(`afspraak ${other}`);
    expect(byMail.text).toContain('<td>Daglijst bekeken</td>');
    expect(byMail.text).toContain('value="JAN@example.nl"');
    // By phone, typed differently from how it was stored.
    const phone = await admin.get('/admin/audit?contact=0612345678&action=personal_data.viewed');
    expect(rows(phone.text)).toBe(1);
    expect(phone.text).toContain(`afspraak ${byPhone}`);

    // By subject type and id.
    const subject = await admin.get(`/admin/audit?subject_type=appointment&subject_id=${other}`);
    expect(rows(subject.text)).toBe(1);
    expect(subject.text).toContain('other@bieb.nl');
    expect(subject.text).toContain('<option value="appointment" selected>');

    // By user: the colleague's one look only.
    const byUser = await admin.get('/admin/audit?user=OTHER%40bieb.nl&action=personal_data.viewed');
    expect(rows(byUser.text)).toBe(1);
    expect(byUser.text).toContain(`afspraak ${other}`);
    // The filter stays in the pager links.
    const many = await admin.get('/admin/audit?user=vol%40bieb.nl');
    expect(many.text).not.toContain('other@bieb.nl</span></td>');
    expect(volId).toBeGreaterThan(0);
  });

  test('opening a callback request\'s phone number is personal_data.viewed too; the contact filter finds it by phone', async () => {
    await createUser(t.deps, 'expert', [], 'expert@bieb.nl');
    const callback = (phone: string): number =>
      Number(
        t.db
          .prepare(`INSERT INTO callback_requests (branch_id, phone, preferred_moment, consent_at, created_at) VALUES (?, ?, 'ochtend', ?, ?)`)
          .run(branch, phone, '2026-03-01T10:00:00.000Z', '2026-03-01T10:00:00.000Z').lastInsertRowid,
      );
    const mine = callback('06 12345678');
    const other = callback('0699999999');
    const expert = await signedIn(t, 'expert@bieb.nl');
    for (const id of [mine, other]) expect((await expert.get(`/escalations/callbacks/${id}`)).status).toBe(200);
    const looks = t.db.prepare(`SELECT subject_type, subject_id FROM audit_log WHERE action = 'personal_data.viewed' ORDER BY id`).all();
    expect(looks).toEqual([
      { subject_type: 'callback_request', subject_id: String(mine) },
      { subject_type: 'callback_request', subject_id: String(other) },
    ]);

    const admin = await signedIn(t, 'boss@bieb.nl');
    const rows = (html: string): number => (html.match(/<td>Persoonsgegevens bekeken<\/td>/g) ?? []).length;
    // Typed differently from how it was stored; the other person's callback is not in it.
    const byPhone = await admin.get('/admin/audit?contact=06-1234%205678&action=personal_data.viewed');
    expect(byPhone.status).toBe(200);
    expect(rows(byPhone.text)).toBe(1);
    expect(byPhone.text).toContain(`terugbelverzoek ${mine}`);
    expect(byPhone.text).not.toContain(`terugbelverzoek ${other}`);
    // The same number written internationally.
    const intl = await admin.get('/admin/audit?contact=%2B31%206%2012345678');
    expect(rows(intl.text)).toBe(1);
    expect(intl.text).toContain(`terugbelverzoek ${mine}`);
    // An e-mail address finds no callback request (they hold a phone number only).
    expect(rows((await admin.get('/admin/audit?contact=jan%40example.nl')).text)).toBe(0);
    const bySubject = await admin.get('/admin/audit?subject_type=callback_request&action=personal_data.viewed');
    expect(rows(bySubject.text)).toBe(2);
  });

  test('an id without a kind of data is refused with a message at the field', async () => {
    const admin = await signedIn(t, 'boss@bieb.nl');
    const res = await admin.get('/admin/audit?subject_id=12');
    expect(res.status).toBe(400);
    expect(res.text).toContain('href="#subject_type"');
    expect(res.text).toContain('value="12"');
    expect((await admin.get('/admin/audit?subject_type=%3Cscript%3E')).status).toBe(400);
  });

  test('the filter is kept in the pager links', async () => {
    for (let i = 0; i < 55; i++) t.deps.audit.record({ userId: null, label: 'tester', ip: null }, { action: 'thing.many', subjectType: 'thing', subjectId: 7 });
    const admin = await signedIn(t, 'boss@bieb.nl');
    const p1 = await admin.get('/admin/audit?subject_type=thing&subject_id=7');
    expect(p1.text).toContain('href="/admin/audit?subject_type=thing&amp;subject_id=7&amp;page=2"');
  });
});
