import { createTestApp, csrfFrom, csrfToken, createBranch, createUser, signedIn, type TestApp } from '../../../tests/helpers/test-app';
import { SYSTEM_ACTOR } from '../../lib/actor';

const NEW_BRANCH = {
  name: 'Bibliotheek Zuid',
  address: 'Laan 5',
  postcode: '1234 AB',
  city: 'Zuid',
  municipality: 'Zuiderstad',
  phone: '020 123 45 67',
  inside_library: 'no',
  staffing_model: 'partner',
  slot_minutes: '45',
  desks: '3',
  horizon_days: '14',
  min_notice_minutes: '0',
};

describe('/admin/branches', () => {
  let t: TestApp;
  let own: number;
  let other: number;
  beforeEach(async () => {
    t = createTestApp();
    own = createBranch(t.deps, { name: 'Eigen Bieb' });
    other = createBranch(t.deps, { name: 'Andere Bieb' });
    await createUser(t.deps, 'admin', [], 'boss@bieb.nl');
    await createUser(t.deps, 'coordinator', [own], 'coco@bieb.nl');
  });
  afterEach(() => t.close());

  const as = (email: string): ReturnType<typeof signedIn> => signedIn(t, email);

  test('admin: list shows every branch; create one (then on to its hours)', async () => {
    const agent = await as('boss@bieb.nl');
    const list = await agent.get('/admin/branches');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Eigen Bieb');
    expect(list.text).toContain('Andere Bieb');
    const form = await agent.get('/admin/branches/new');
    expect(form.status).toBe(200);
    const res = await agent.post('/admin/branches/new').type('form').send({ _csrf: csrfFrom(form.text), ...NEW_BRANCH });
    expect(res.status).toBe(303);
    const created = t.deps.branches.findByName('Bibliotheek Zuid')!;
    expect(res.headers.location).toBe(`/admin/branches/${created.id}/hours`);
    expect(created).toMatchObject({ municipality: 'Zuiderstad', insideLibrary: false, staffingModel: 'partner', slotMinutes: 45, desks: 3, horizonDays: 14, minNoticeMinutes: 0 });
    // Double submit: the name is now taken, a friendly 409.
    const again = await agent.post('/admin/branches/new').type('form').send({ _csrf: csrfFrom(form.text), ...NEW_BRANCH, name: 'bibliotheek zuid' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('Er is al een locatie met deze naam');
    expect(again.text).toContain('value="bibliotheek zuid"');
  });

  test('create with bad input: 400 with summary, values kept', async () => {
    const agent = await as('boss@bieb.nl');
    const form = await agent.get('/admin/branches/new');
    const res = await agent
      .post('/admin/branches/new')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), ...NEW_BRANCH, name: '', phone: 'bel <mij>', desks: '0', slot_minutes: 'abc' });
    expect(res.status).toBe(400);
    for (const field of ['name', 'phone', 'slot_minutes', 'desks']) expect(res.text).toContain(`href="#${field}"`);
    expect(res.text).toContain('value="bel &lt;mij&gt;"');
    expect(res.text).toContain('value="Zuiderstad"');
    expect(res.text).toMatch(/value="partner" id="staffing_model-partner" checked/);
    expect(t.deps.branches.listAll()).toHaveLength(2);
  });

  test('admin: edit all details, retire and reopen', async () => {
    const agent = await as('boss@bieb.nl');
    const page = await agent.get(`/admin/branches/${other}`);
    expect(page.status).toBe(200);
    const token = csrfFrom(page.text);
    const res = await agent.post(`/admin/branches/${other}`).type('form').send({ _csrf: token, ...NEW_BRANCH, name: 'Andere Bieb (nieuw)' });
    expect(res.status).toBe(303);
    expect(t.deps.branches.get(other).name).toBe('Andere Bieb (nieuw)');
    const bad = await agent.post(`/admin/branches/${other}`).type('form').send({ _csrf: token, ...NEW_BRANCH, name: 'Eigen Bieb' });
    expect(bad.status).toBe(409);
    const invalid = await agent.post(`/admin/branches/${other}`).type('form').send({ _csrf: token, ...NEW_BRANCH, municipality: '' });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('href="#municipality"');

    expect((await agent.post(`/admin/branches/${other}/retire`).type('form').send({ _csrf: token })).status).toBe(303);
    expect(t.deps.branches.get(other).retiredAt).not.toBeNull();
    expect((await agent.get('/admin/branches')).text).toContain('opgeheven');
    expect((await agent.post(`/admin/branches/${other}/reopen`).type('form').send({ _csrf: token })).status).toBe(303);
    expect(t.deps.branches.get(other).retiredAt).toBeNull();
    const actions = t.deps.audit.find({ limit: 20, offset: 0 }).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['branch.updated', 'branch.retired', 'branch.reopened']));
    expect((await agent.get('/admin/branches/9999')).status).toBe(404);
  });

  test('coordinator: sees only own branches; other ids (existing or not) are 404, malformed ones 400', async () => {
    const agent = await as('coco@bieb.nl');
    const list = await agent.get('/admin/branches');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Eigen Bieb');
    expect(list.text).not.toContain('Andere Bieb');
    expect(list.text).not.toContain('/admin/branches/new');
    expect((await agent.get(`/admin/branches/${own}`)).status).toBe(200);
    const token = await csrfToken(agent, `/admin/branches/${own}`);
    for (const path of ['', '/hours', '/closures']) {
      expect((await agent.get(`/admin/branches/${other}${path}`)).status).toBe(404);
      expect((await agent.get(`/admin/branches/9999${path}`)).status).toBe(404);
      expect((await agent.get(`/admin/branches/x1${path}`)).status).toBe(400);
    }
    expect((await agent.post(`/admin/branches/${other}/hours`).type('form').send({ _csrf: token, d1_1_opens: '08:00', d1_1_closes: '09:00' })).status).toBe(404);
    expect((await agent.post(`/admin/branches/${other}/closures`).type('form').send({ _csrf: token, start_date: '2026-04-06' })).status).toBe(404);
    expect((await agent.post(`/admin/branches/${other}`).type('form').send({ _csrf: token, ...NEW_BRANCH })).status).toBe(404);
    // The service asks the policy itself: a call that skips the route is refused the same way.
    const coco = t.deps.auth.currentUser(t.db.prepare("SELECT id FROM users WHERE email = 'coco@bieb.nl'").pluck().get() as number)!;
    const actor = { userId: coco.id, label: coco.email, ip: null, user: coco };
    expect(() => t.deps.branches.replaceOpeningHours(actor, other, [])).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => t.deps.branches.addClosure(actor, other, { startDate: '2026-04-06', endDate: '2026-04-06', reason: '' })).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => t.deps.branches.setRetired(actor, own, true)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => t.deps.branches.create(actor, { ...t.deps.branches.get(own), name: 'Nieuw' })).toThrow(expect.objectContaining({ status: 403 }));
    expect(t.deps.branches.openingHours(other).some((h) => h.opens === '08:00')).toBe(false);
  });

  test('coordinator: may change booking settings of an own branch, not name or create/retire', async () => {
    const agent = await as('coco@bieb.nl');
    const page = await agent.get(`/admin/branches/${own}`);
    expect(page.text).not.toContain('id="name"');
    expect(page.text).not.toContain('/retire');
    const token = csrfFrom(page.text);
    const res = await agent
      .post(`/admin/branches/${own}`)
      .type('form')
      .send({ _csrf: token, name: 'Gekaapt', slot_minutes: '20', desks: '4', horizon_days: '60', min_notice_minutes: '30', waitlist_hold_minutes: '90' });
    expect(res.status).toBe(303);
    const b = t.deps.branches.get(own);
    expect([b.name, b.slotMinutes, b.desks, b.horizonDays, b.minNoticeMinutes, b.waitlistHoldMinutes]).toEqual(['Eigen Bieb', 20, 4, 60, 30, 90]);
    expect(t.deps.audit.find({ action: 'branch.settings_changed', limit: 5, offset: 0 })[0].details).toEqual({
      slotMinutes: { from: 30, to: 20 },
      desks: { from: 2, to: 4 },
      horizonDays: { from: 28, to: 60 },
      minNoticeMinutes: { from: 60, to: 30 },
      waitlistHoldMinutes: { from: 240, to: 90 },
    });
    const bad = await agent.post(`/admin/branches/${own}`).type('form').send({ _csrf: token, slot_minutes: '2', desks: '4', horizon_days: '', min_notice_minutes: '30' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('href="#slot_minutes"');
    expect(bad.text).toContain('href="#horizon_days"');
    expect(bad.text).toContain('value="2"');
    // The waitlist hold is 15 minutes to 2 days; outside that the form says so and nothing changes.
    const badHold = await agent.post(`/admin/branches/${own}`).type('form').send({ _csrf: token, slot_minutes: '20', desks: '4', horizon_days: '60', min_notice_minutes: '30', waitlist_hold_minutes: '5' });
    expect(badHold.status).toBe(400);
    expect(badHold.text).toContain('href="#waitlist_hold_minutes"');
    expect(t.deps.branches.get(own).waitlistHoldMinutes).toBe(90);
    expect((await agent.get('/admin/branches/new')).status).toBe(403);
    expect((await agent.post('/admin/branches/new').type('form').send({ _csrf: token, ...NEW_BRANCH })).status).toBe(403);
    expect((await agent.post(`/admin/branches/${own}/retire`).type('form').send({ _csrf: token })).status).toBe(403);
    expect(t.deps.branches.get(own).retiredAt).toBeNull();
  });

  test('opening hours: shown, saved (two periods, "9:30" accepted), audited', async () => {
    const agent = await as('coco@bieb.nl');
    const page = await agent.get(`/admin/branches/${own}/hours`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="d1_1_opens" name="d1_1_opens" value="09:00"');
    expect(page.text).toContain('id="d6_1_opens" name="d6_1_opens" value=""');
    // The format hint comes before the 28 fields it describes, and every field points at it.
    const hint = page.text.indexOf('id="hours-hint"');
    expect(hint).toBeGreaterThan(0);
    expect(hint).toBeLessThan(page.text.indexOf('<input type="text" id="d1_1_opens"'));
    expect(page.text.match(/aria-describedby="hours-hint/g)).toHaveLength(28);
    const res = await agent
      .post(`/admin/branches/${own}/hours`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), d1_1_opens: '13:30', d1_1_closes: '17:00', d1_2_opens: '9:30', d1_2_closes: '12:30', d6_1_opens: '10.00', d6_1_closes: '13:00' });
    expect(res.status).toBe(303);
    expect(t.deps.branches.openingHours(own).map((h) => `${h.weekday} ${h.opens}-${h.closes}`)).toEqual(['1 09:30-12:30', '1 13:30-17:00', '6 10:00-13:00']);
    const again = await agent.get(`/admin/branches/${own}/hours`);
    expect(again.text).toContain('id="d1_1_opens" name="d1_1_opens" value="09:30"');
    expect(again.text).toContain('id="d1_2_opens" name="d1_2_opens" value="13:30"');
    expect(again.text).toContain('id="d2_1_opens" name="d2_1_opens" value=""');
    expect(t.deps.audit.find({ action: 'branch.hours_changed', limit: 5, offset: 0 })[0].actorLabel).toBe('coco@bieb.nl');
  });

  test('opening hours with bad input: 400, summary per problem, values kept, nothing saved', async () => {
    const agent = await as('coco@bieb.nl');
    const token = await csrfToken(agent, `/admin/branches/${own}/hours`);
    const res = await agent
      .post(`/admin/branches/${own}/hours`)
      .type('form')
      .send({
        _csrf: token,
        d1_1_opens: '25:00', d1_1_closes: '17:00', // not a time
        d2_1_opens: '12:00', d2_1_closes: '10:00', // closes before opens
        d3_1_opens: '09:00', d3_1_closes: '13:00', d3_2_opens: '12:00', d3_2_closes: '16:00', // overlap
        d4_1_opens: '09:00', // incomplete
      });
    expect(res.status).toBe(400);
    expect(res.text).toContain('href="#d1_1_opens"');
    expect(res.text).toContain('href="#d2_1_closes"');
    expect(res.text).toContain('href="#d3_2_opens"');
    expect(res.text).toContain('href="#d4_1_closes"');
    expect(res.text).toContain('overlappen');
    expect(res.text).toContain('value="25:00"');
    expect(res.text).toMatch(/id="d1_1_opens"[^>]*aria-invalid="true"/);
    // Unchanged: still Monday–Friday 09:00–17:00 from createBranch.
    expect(t.deps.branches.openingHours(own)).toHaveLength(5);
  });

  test('closures: add a single day and a range, remove one; bad input 400', async () => {
    const agent = await as('coco@bieb.nl');
    const page = await agent.get(`/admin/branches/${own}/closures`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Er zijn geen sluitingsdagen gepland');
    const token = csrfFrom(page.text);
    expect((await agent.post(`/admin/branches/${own}/closures`).type('form').send({ _csrf: token, start_date: '2026-04-06', end_date: '', reason: 'Tweede Paasdag' })).status).toBe(303);
    expect((await agent.post(`/admin/branches/${own}/closures`).type('form').send({ _csrf: token, start_date: '2026-07-20', end_date: '2026-08-02', reason: '<i>Zomer</i>' })).status).toBe(303);
    const list = await agent.get(`/admin/branches/${own}/closures`);
    expect(list.text).toContain('maandag 6 april 2026');
    expect(list.text).toContain('20 juli 2026 – 2 augustus 2026');
    expect(list.text).toContain('&lt;i&gt;Zomer&lt;/i&gt;');
    const closures = t.deps.branches.upcomingClosures(own);
    expect(closures.map((c) => [c.startDate, c.endDate])).toEqual([['2026-04-06', '2026-04-06'], ['2026-07-20', '2026-08-02']]);

    // The same form sent twice, or a closure inside a planned one: a friendly 409, nothing doubled.
    const twice = await agent.post(`/admin/branches/${own}/closures`).type('form').send({ _csrf: token, start_date: '2026-07-25', end_date: '', reason: 'Dubbel' });
    expect(twice.status).toBe(409);
    expect(twice.text).toContain('Er is al een sluitingsdag in deze periode');
    expect(twice.text).toContain('value="Dubbel"');
    expect(t.deps.branches.upcomingClosures(own)).toHaveLength(2);
    const bad = await agent.post(`/admin/branches/${own}/closures`).type('form').send({ _csrf: token, start_date: '2026-08-10', end_date: '2026-08-01', reason: 'Verbouwing' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('href="#end_date"');
    expect(bad.text).toContain('value="Verbouwing"');
    const noDate = await agent.post(`/admin/branches/${own}/closures`).type('form').send({ _csrf: token, start_date: '31-12-2026' });
    expect(noDate.status).toBe(400);
    expect(noDate.text).toContain('href="#start_date"');

    // Removing: another branch's closure id is not found through this branch.
    const otherClosure = t.deps.branches.addClosure(SYSTEM_ACTOR, other, { startDate: '2026-05-01', endDate: '2026-05-01', reason: '' });
    expect((await agent.post(`/admin/branches/${own}/closures/${otherClosure}/delete`).type('form').send({ _csrf: token })).status).toBe(404);
    expect((await agent.post(`/admin/branches/${own}/closures/${closures[0].id}/delete`).type('form').send({ _csrf: token })).status).toBe(303);
    expect(t.deps.branches.upcomingClosures(own)).toHaveLength(1);
    expect(t.deps.branches.upcomingClosures(other)).toHaveLength(1);
  });

  test('every POST needs the CSRF token', async () => {
    const agent = await as('boss@bieb.nl');
    const closure = t.deps.branches.addClosure(SYSTEM_ACTOR, own, { startDate: '2026-05-01', endDate: '2026-05-01', reason: '' });
    const posts = ['/admin/branches/new', `/admin/branches/${own}`, `/admin/branches/${own}/hours`, `/admin/branches/${own}/closures`, `/admin/branches/${own}/closures/${closure}/delete`, `/admin/branches/${own}/retire`, `/admin/branches/${own}/reopen`];
    for (const url of posts) {
      const res = await agent.post(url).type('form').send({ ...NEW_BRANCH, start_date: '2026-06-01' });
      expect([url, res.status]).toEqual([url, 403]);
    }
    expect(t.deps.branches.get(own).retiredAt).toBeNull();
    expect(t.deps.branches.upcomingClosures(own)).toHaveLength(1);
    expect(t.deps.branches.listAll()).toHaveLength(2);
  });
});
