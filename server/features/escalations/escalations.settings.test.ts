import { postForm, resetEscalations } from '../../../tests/helpers/chat';
import type TestAgent from 'supertest/lib/agent';
import type { Response } from 'supertest';
import { ForbiddenError } from '../../http/errors';
import { createBranch, createTestApp, createUser, csrfFrom, signIn, type TestApp } from '../../../tests/helpers/test-app';

/**
 * /admin/escalations: the admin changes the Digihulplijn's phone, hours and chat limits (stored in `settings`,
 * audited old → new), and the escalation flow follows them at once; bad input is refused with the error
 * summary and nothing is saved; everyone but the admin gets 403.
 */
describe('/admin/escalations', () => {
  let t: TestApp;
  let branchA: number;
  let admin: TestAgent;
  let vol: TestAgent;
  let expert: TestAgent;
  let coordinator: TestAgent;

  const WEEK_CLOSED: Record<string, string> = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].flatMap((d) => [[`opens_${d}`, ''], [`closes_${d}`, '']]));
  const base = (over: Record<string, string> = {}): Record<string, string> => ({ phone: '0800-1508', max_chats: '3', away_minutes: '10', ...WEEK_CLOSED, ...over });

  beforeAll(async () => {
    t = createTestApp({ env: { STAFF_IDLE_MINUTES: '100000', SESSION_ABSOLUTE_HOURS: '100000' } });
    branchA = createBranch(t.deps, { name: 'Centrale Bibliotheek' });
    await createUser(t.deps, 'admin', [], 'admin@bieb.nl');
    await createUser(t.deps, 'coordinator', [branchA], 'coord@bieb.nl');
    await createUser(t.deps, 'volunteer', [branchA], 'vol@bieb.nl');
    await createUser(t.deps, 'expert', [], 'expert@dhl.nl');
    admin = t.agent();
    vol = t.agent();
    expert = t.agent();
    coordinator = t.agent();
    await signIn(admin, 'admin@bieb.nl');
    await signIn(vol, 'vol@bieb.nl');
    await signIn(expert, 'expert@dhl.nl');
    await signIn(coordinator, 'coord@bieb.nl');
  });
  afterAll(() => t.close());

  beforeEach(() => {
    // Monday 2 March 2026, 10:00 in Amsterdam.
    t.clock.set('2026-03-02T09:00:00Z');
    resetEscalations(t.db);
  });

  const post = postForm;

  const save = (body: Record<string, string>): Promise<Response> => post(admin, '/admin/escalations', '/admin/escalations', body);
  const stored = (): unknown => t.db.prepare(`SELECT value FROM settings WHERE key = 'escalations'`).pluck().get();

  function addQuestion(branch: number): number {
    const tax = t.deps.categories.taxonomy();
    const id = (kind: Parameters<typeof tax.byKey>[0], key: string): number => tax.byKey(kind, key)!.id;
    const now = t.clock.now().toISOString();
    const visit = Number(
      t.db.prepare(`INSERT INTO visits (branch_id, channel_id, started_at, local_date, created_at) VALUES (?, ?, ?, '2026-03-02', ?)`).run(branch, id('channel', 'desk'), now, now).lastInsertRowid,
    );
    return Number(
      t.db
        .prepare(
          `INSERT INTO questions (visit_id, branch_id, channel_id, local_date, local_month, type_id, organisation_id, help_id, duration_id, outcome_id, source, created_at, updated_at)
           VALUES (?, ?, ?, '2026-03-02', '2026-03', ?, ?, ?, ?, ?, 'form', ?, ?)`,
        )
        .run(visit, branch, id('channel', 'desk'), id('question_type', 'digital_government'), id('organisation', 'digid'), id('help', 'together'), id('duration', 'm15_30'), id('outcome', 'escalated'), now, now)
        .lastInsertRowid,
    );
  }

  const escalate = (q: number): Promise<Response> => post(vol, `/escalations/new?question=${q}`, '/escalations', { question: String(q), description: 'DigiD-app wil niet activeren' });

  test('the admin index links to it; the form shows today’s defaults', async () => {
    expect((await admin.get('/admin')).text).toContain('href="/admin/escalations"');
    const page = await admin.get('/admin/escalations');
    expect(page.status).toBe(200);
    expect(page.text).toContain('value="0800-1508"');
    expect(page.text).toMatch(/id="opens_1"[^>]*value="09:00"/);
    expect(page.text).toMatch(/id="opens_6"[^>]*value=""/);
    expect(page.text).toMatch(/id="max_chats"[^>]*value="3"/);
  });

  test('the admin saves new hours → the escalation fallback follows them; the audit entry holds old → new', async () => {
    await post(expert, '/escalations', '/escalations/presence', { status: 'available' });
    // Only Saturday 10:00–14:00 and Monday 12:00–17:00.
    const res = await save(base({ phone: '0800-9999', opens_1: '12:00', closes_1: '17:00', opens_6: '10:00', closes_6: '14:00' }));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/escalations');

    // Monday 10:00: closed now, so the callback fallback at once, with the new number and hours.
    const q1 = addQuestion(branchA);
    const closed = await escalate(q1);
    expect(closed.headers.location).toBe(`/escalations/callback?question=${q1}&reason=closed`);
    const fallback = await vol.get(closed.headers.location);
    expect(fallback.text).toContain('0800-9999');
    expect(fallback.text).toContain('zaterdag 10:00–14:00');
    expect(fallback.text).not.toContain('dinsdag 09:00');
    expect(fallback.text).toContain('maandag 12:00–17:00');

    // Saturday 11:00 (10:00 UTC), inside the new hours with an expert available: queued.
    t.clock.set('2026-03-07T10:00:00Z');
    await post(expert, '/escalations', '/escalations/presence', { status: 'available' });
    const q2 = addQuestion(branchA);
    const queued = await escalate(q2);
    expect(queued.headers.location).toMatch(/^\/escalations\/\d+$/);
    expect(t.db.prepare('SELECT status FROM escalations WHERE question_id = ?').pluck().get(q2)).toBe('queued');

    const entry = t.deps.audit.find({ limit: 1000, offset: 0 }).find((e) => e.action === 'escalations.settings_changed');
    expect(entry).toBeDefined();
    const changes = (entry!.details as { changes: Record<string, { from: unknown; to: unknown }> }).changes;
    expect(changes.helplinePhone).toEqual({ from: '0800-1508', to: '0800-9999' });
    expect(changes.helplineHours.to).toEqual([
      { weekday: 1, opens: '12:00', closes: '17:00' },
      { weekday: 6, opens: '10:00', closes: '14:00' },
    ]);
    expect(changes.maxChatsPerExpert).toBeUndefined();
  });

  test('max chats changed → the limit follows', async () => {
    expect((await save(base({ opens_1: '09:00', closes_1: '17:00', max_chats: '1' }))).status).toBe(303);
    await post(expert, '/escalations', '/escalations/presence', { status: 'available' });
    const ids: number[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await escalate(addQuestion(branchA));
      ids.push(Number(/^\/escalations\/(\d+)$/.exec(res.headers.location)![1]));
    }
    expect((await post(expert, '/escalations', `/escalations/${ids[0]}/accept`, {})).status).toBe(303);
    expect((await post(expert, '/escalations', `/escalations/${ids[1]}/accept`, {})).status).toBe(409);

    expect((await save(base({ opens_1: '09:00', closes_1: '17:00', max_chats: '2' }))).status).toBe(303);
    expect((await post(expert, '/escalations', `/escalations/${ids[1]}/accept`, {})).status).toBe(303);
  });

  test('bad input → 400 with the error summary, and nothing saved', async () => {
    const before = stored();
    const res = await save(base({ opens_1: '9 uur', opens_2: '17:00', closes_2: '09:00', opens_3: '09:00', max_chats: '11', away_minutes: '0' }));
    expect(res.status).toBe(400);
    expect(res.text).toContain('error-summary');
    expect(res.text).toContain('href="#opens_1"');
    expect(res.text).toContain('Vul een tijd in als UU:MM');
    expect(res.text).toContain('href="#max_chats"');
    expect(res.text).toContain('href="#away_minutes"');
    expect(stored()).toEqual(before);

    // With the numbers right, the order and the half-filled day are refused too.
    const order = await save(base({ opens_2: '17:00', closes_2: '09:00', opens_3: '09:00' }));
    expect(order.status).toBe(400);
    expect(order.text).toContain('De sluitingstijd moet na de openingstijd liggen');
    expect(order.text).toContain('href="#closes_3"');
    expect((await save(base({ phone: 'bel ons' }))).status).toBe(400);
    expect(stored()).toEqual(before);
  });

  test('coordinator, volunteer and expert get 403 on the page and the save', async () => {
    const before = stored();
    for (const agent of [coordinator, vol, expert]) {
      expect((await agent.get('/admin/escalations')).status).toBe(403);
      const home = await agent.get('/');
      expect(csrfFrom(home.text)).toBeTruthy();
      const res = await agent.post('/admin/escalations').type('form').send({ _csrf: csrfFrom(home.text), ...base({ max_chats: '9' }) });
      expect(res.status).toBe(403);
    }
    expect(stored()).toEqual(before);
  });

  test('the service itself refuses anyone but the admin (a route that forgets the gate cannot save)', () => {
    const before = stored();
    const coord = { id: 9999, email: 'c@bieb.nl', name: 'C', role: 'coordinator' as const, branchIds: [branchA], mustChangePassword: false };
    const next = { helplinePhone: '0800-0000', maxChatsPerExpert: 9, awayAfterMinutes: 5, helplineHours: [] };
    expect(() => t.deps.escalationSettings.save({ userId: coord.id, label: coord.email, ip: null, user: coord }, next)).toThrow(ForbiddenError);
    expect(() => t.deps.escalationSettings.forEdit({ userId: coord.id, label: coord.email, ip: null, user: coord })).toThrow(ForbiddenError);
    expect(stored()).toEqual(before);
  });
});
