import { createTestApp, createUser, signIn, type TestApp } from '../../../tests/helpers/test-app';

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

  test('newest first, details shown as escaped text', async () => {
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
    const signedIn = res.text.indexOf('sign_in.succeeded</code>');
    expect(signedIn).toBeGreaterThan(0);
    expect(signedIn).toBeLessThan(second);
    expect(res.text).toContain('&lt;script&gt;x&lt;/script&gt;');
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
    expect(p1.text).toContain('{&#34;i&#34;:119}');
    expect(p1.text).toContain('href="/admin/audit?action=thing.many&amp;page=2"');
    expect(p1.text).not.toContain('rel="prev"');
    const p3 = await agent.get('/admin/audit?action=thing.many&page=3');
    expect(p3.text.match(/thing\.many<\/code>/g)).toHaveLength(20);
    expect(p3.text).toContain('{&#34;i&#34;:0}');
    expect(p3.text).toContain('page=2" rel="prev"');
    expect(p3.text).not.toContain('rel="next"');
  });
});
