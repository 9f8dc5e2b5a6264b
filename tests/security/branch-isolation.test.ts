import type TestAgent from 'supertest/lib/agent';
import { createTestApp, csrfToken, createBranch, createUser, signIn, type TestApp } from '../helpers/test-app';
import { SYSTEM_ACTOR } from '../../server/lib/actor';
import type { CurrentUser } from '../../server/http/auth';

const DATA_TABLES = ['branches', 'opening_hours', 'closures', 'users', 'user_branches', 'taxonomy', 'partners', 'visits', 'questions', 'tally_tiles'];

/**
 * Staff of branch A against branch B, with a valid session and CSRF token, guessing ids in the URL, the
 * query string and hidden form fields. Nothing of B may be read or changed.
 */
describe('security: one branch cannot reach another', () => {
  let t: TestApp;
  let a: number;
  let b: number;
  let ids: Record<string, number>;

  const snapshot = (): string =>
    DATA_TABLES.map((table) => (t.db.prepare(`SELECT * FROM ${table}`).all() as unknown[]).map((row) => JSON.stringify(row)).sort().join('\n')).join('\n');

  beforeEach(async () => {
    t = createTestApp();
    a = createBranch(t.deps, { name: 'Vestiging A' });
    b = createBranch(t.deps, { name: 'Vestiging B' });
    const volB = await createUser(t.deps, 'coordinator', [b], 'coord-b@bieb.nl');
    await createUser(t.deps, 'coordinator', [a], 'coord-a@bieb.nl');
    await createUser(t.deps, 'volunteer', [a], 'vol-a@bieb.nl');
    const userB: CurrentUser = { ...t.deps.users.get(volB), mustChangePassword: false };
    t.deps.branches.addClosure(SYSTEM_ACTOR, b, { startDate: '2026-04-01', endDate: '2026-04-01', reason: 'B dicht' });
    const closureB = t.db.prepare('SELECT id FROM closures WHERE branch_id = ?').pluck().get(b) as number;
    const tileDefault = t.deps.intake.tilesFor(b)[0];
    const taxonomy = t.deps.categories.taxonomy();
    const tileB = t.deps.intake.addTile(SYSTEM_ACTOR, userB, b, {
      labelNl: 'Alleen B',
      labelEn: 'Only B',
      typeId: tileDefault.typeId,
      organisationId: tileDefault.organisationId,
      topicId: tileDefault.topicId,
      helpId: tileDefault.helpId,
      durationId: tileDefault.durationId,
      outcomeId: tileDefault.outcomeId,
    });
    const { questionId, visitId } = t.deps.intake.registerFromTile(userB, b, tileB);
    const partnerB = t.deps.partners.create(SYSTEM_ACTOR, userB, b, { name: 'Partner van B', kind: 'other', phone: '', website: '', notes: '' });
    ids = { closureB, tileB, questionB: questionId, visitB: visitId, partnerB, desk: taxonomy.byKey('channel', 'desk')!.id };
  });
  afterEach(() => t.close());

  async function as(email: string): Promise<{ agent: TestAgent; token: string }> {
    const agent = t.agent();
    await signIn(agent, email);
    return { agent, token: await csrfToken(agent, '/account/password') };
  }

  test('a coordinator of A: B’s hours, closures, booking settings, tiles, partners and questions are out of reach', async () => {
    const { agent, token } = await as('coord-a@bieb.nl');
    const before = snapshot();
    const tax = t.deps.categories.taxonomy();
    const question = {
      type: String(tax.byKey('question_type', 'digital_government')!.id),
      organisation: String(tax.byKey('organisation', 'digid')!.id),
      topic: '',
      life_event: '',
      help: String(tax.byKey('help', 'together')!.id),
      partner: '',
      duration: String(tax.byKey('duration', 'm15_30')!.id),
      outcome: String(tax.byKey('outcome', 'solved')!.id),
      note: '',
    };
    const tile = { label_nl: 'Nieuw', label_en: '', type: question.type, subject: `${question.organisation}:`, help: question.help, duration: question.duration, outcome: question.outcome };
    const attempts: [string, Record<string, string>, number[]][] = [
      [`/admin/branches/${b}`, { slot_minutes: '5', desks: '50', horizon_days: '365', min_notice_minutes: '0' }, [404]],
      [`/admin/branches/${b}/hours`, { d1_1_opens: '00:00', d1_1_closes: '23:59' }, [404]],
      [`/admin/branches/${b}/closures`, { start_date: '2026-05-01', end_date: '', reason: '' }, [404]],
      [`/admin/branches/${b}/closures/${ids.closureB}/delete`, {}, [404]],
      // B's closure id under A's own URL.
      [`/admin/branches/${a}/closures/${ids.closureB}/delete`, {}, [404]],
      [`/admin/branches/${b}/retire`, {}, [403]],
      // Tiles: B's id in the URL or the hidden branch field.
      ['/intake/tiles', { branch: String(b), ...tile }, [404]],
      [`/intake/tiles/${ids.tileB}/delete`, { branch: String(b) }, [404]],
      [`/intake/tiles/${ids.tileB}/delete`, { branch: String(a) }, [404]],
      // Partners: B's partner, or B as the scope of a new one.
      [`/admin/partners/${ids.partnerB}/edit`, { name: 'Overgenomen', kind: 'other', phone: '', website: '', notes: '' }, [404]],
      [`/admin/partners/${ids.partnerB}/retire`, { retired: '1' }, [404]],
      ['/admin/partners/new', { name: 'Voor B', kind: 'other', phone: '', website: '', notes: '', scope: String(b) }, [404]],
      ['/admin/partners/new', { name: 'Landelijk', kind: 'other', phone: '', website: '', notes: '', scope: 'global' }, [403]],
      // Questions: B's question, B's visit, B as the branch, B's partner in A's question, a tally at B.
      [`/intake/${ids.questionB}/edit`, question, [404]],
      [`/intake/${ids.questionB}/undo`, {}, [404]],
      ['/intake/new', { ...question, branch: String(b), visit: '', channel: String(ids.desk), appointment: '', walkin: '' }, [404]],
      ['/intake/new', { ...question, branch: String(a), visit: String(ids.visitB), channel: String(ids.desk), appointment: '', walkin: '' }, [404]],
      ['/intake/new', { ...question, partner: String(ids.partnerB), branch: String(a), visit: '', channel: String(ids.desk), appointment: '', walkin: '' }, [400]],
      ['/intake/tally', { branch: String(b), tile: String(ids.tileB) }, [404]],
      ['/intake/tally', { branch: String(a), tile: String(ids.tileB) }, [404]],
    ];
    for (const [url, body, expected] of attempts) {
      const res = await agent.post(url).type('form').send({ _csrf: token, ...body });
      expect([url, body, expected.includes(res.status) ? 'refused' : res.status]).toEqual([url, body, 'refused']);
    }
    expect(snapshot()).toBe(before);

    for (const url of [`/admin/branches/${b}`, `/admin/branches/${b}/hours`, `/admin/branches/${b}/closures`, `/intake?branch=${b}`, `/intake/tiles?branch=${b}`, `/intake/new?branch=${b}`, `/intake/new?visit=${ids.visitB}`, `/intake/${ids.questionB}/edit`, `/desk?branch=${b}`, `/admin/partners/${ids.partnerB}/edit`]) {
      const res = await agent.get(url);
      // Another branch looks as if it does not exist (issue 8): 404 everywhere, no longer 403 in some places.
      expect([url, res.status]).toEqual([url, url.startsWith('/desk') ? res.status : 404]);
      expect([403, 404]).toContain(res.status);
      expect(res.text).not.toContain('Partner van B');
      expect(res.text).not.toContain('Alleen B');
    }
    // Lists show only A.
    expect((await agent.get('/admin/branches')).text).not.toContain('Vestiging B');
    expect((await agent.get('/admin/partners')).text).not.toContain('Partner van B');
  });

  test('a volunteer manages nothing: branches, tiles, categories, partners, users, audit and outbox are 403', async () => {
    const { agent, token } = await as('vol-a@bieb.nl');
    const before = snapshot();
    for (const url of ['/admin', '/admin/branches', `/admin/branches/${a}`, `/intake/tiles?branch=${a}`, '/admin/categories', '/admin/partners', '/admin/users', '/admin/audit', '/admin/outbox']) {
      expect([url, (await agent.get(url)).status]).toEqual([url, 403]);
    }
    for (const [url, body] of [
      [`/admin/branches/${a}/hours`, { d1_1_opens: '00:00', d1_1_closes: '23:59' }],
      [`/admin/branches/${a}/closures`, { start_date: '2026-05-01' }],
      ['/intake/tiles', { branch: String(a), label_nl: 'x' }],
      ['/admin/categories', { kind: 'organisation', label_nl: 'x', label_en: '' }],
      ['/admin/partners/new', { name: 'x', kind: 'other', scope: String(a) }],
      ['/admin/users/new', { name: 'x', email: 'x@bieb.nl', role: 'admin' }],
    ] as const) {
      expect([url, (await agent.post(url).type('form').send({ _csrf: token, ...body })).status]).toEqual([url, 403]);
    }
    expect(snapshot()).toBe(before);
  });

  test('a question at A cannot be linked to an appointment or walk-in of B through the hidden fields', async () => {
    const appointment = t.deps.booking.book({ userId: null, label: 'set-up', ip: null, system: true }, {
      branchId: b,
      topicKey: 'taxes',
      startsAt: '2026-03-03T09:00:00.000Z',
      name: 'Iemand van B',
      email: null,
      phone: null,
      needs: {},
      language: 'nl',
      channel: 'desk',
      idempotencyKey: null,
      capacityOverride: false,
    }).appointment;
    const walkin = t.deps.arrival.takeNumber(b, '');
    const ownWalkin = t.deps.arrival.takeNumber(a, '');
    const { agent, token } = await as('vol-a@bieb.nl');
    const tax = t.deps.categories.taxonomy();
    const body = {
      branch: String(a),
      visit: '',
      channel: String(ids.desk),
      appointment: '',
      walkin: '',
      type: String(tax.byKey('question_type', 'digital_government')!.id),
      organisation: String(tax.byKey('organisation', 'digid')!.id),
      topic: '',
      life_event: '',
      help: String(tax.byKey('help', 'together')!.id),
      partner: '',
      duration: String(tax.byKey('duration', 'm15_30')!.id),
      outcome: String(tax.byKey('outcome', 'solved')!.id),
      note: '',
    };
    const before = snapshot();
    for (const link of [{ appointment: String(appointment.id) }, { walkin: String(walkin.id) }, { walkin: '999999' }]) {
      const res = await agent.post('/intake/new').type('form').send({ _csrf: token, ...body, ...link });
      expect([link, res.status]).toEqual([link, 400]);
    }
    expect(snapshot()).toBe(before);
    // The branch's own walk-in still links.
    const ok = await agent.post('/intake/new').type('form').send({ _csrf: token, ...body, walkin: String(ownWalkin.id) });
    expect(ok.status).toBe(303);
    expect(t.db.prepare('SELECT walkin_id FROM visits WHERE branch_id = ?').pluck().get(a)).toBe(ownWalkin.id);
  });
});
