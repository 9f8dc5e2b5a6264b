import type TestAgent from 'supertest/lib/agent';
import { createTestApp, csrfFrom, csrfToken, createBranch, createUser, signIn, type TestApp } from '../../../tests/helpers/test-app';
import type { CurrentUser } from '../../http/auth';

describe('intake: registering questions', () => {
  let t: TestApp;
  let branchA: number;
  let branchB: number;
  let agent: TestAgent;
  const tax = (): ReturnType<TestApp['deps']['categories']['taxonomy']> => t.deps.categories.taxonomy();
  const idOf = (kind: Parameters<ReturnType<TestApp['deps']['categories']['taxonomy']>['byKey']>[0], key: string, parent: number | null = null): number =>
    tax().byKey(kind, key, parent)!.id;
  const count = (sql: string): number => t.db.prepare(sql).pluck().get() as number;

  /** A complete, valid question as the full form sends it. */
  const fullForm = (overrides: Record<string, string> = {}): Record<string, string> => {
    const digid = idOf('organisation', 'digid');
    return {
      branch: String(branchA),
      visit: '',
      channel: String(idOf('channel', 'phone')),
      appointment: '',
      walkin: '',
      type: String(idOf('question_type', 'digital_government')),
      organisation: String(digid),
      topic: String(idOf('topic', 'app', digid)),
      life_event: String(idOf('life_event', 'moving')),
      help: String(idOf('help', 'referred')),
      partner: String(t.db.prepare("SELECT id FROM partners WHERE key = 'digihulplijn'").pluck().get()),
      duration: String(idOf('duration', 'm15_30')),
      outcome: String(idOf('outcome', 'referred')),
      note: '2 brieven van 2024',
      then: 'done',
      ...overrides,
    };
  };

  const postNew = async (a: TestAgent, body: Record<string, string>, url = `/intake/new?branch=${branchA}`): Promise<import('supertest').Response> => {
    const token = await csrfToken(a, url);
    return a.post('/intake/new').type('form').send({ _csrf: token, ...body });
  };

  beforeEach(async () => {
    t = createTestApp();
    branchA = createBranch(t.deps, { name: 'Centrale Bibliotheek' });
    branchB = createBranch(t.deps, { name: 'Noord' });
    await createUser(t.deps, 'volunteer', [branchA], 'vol-a@bieb.nl');
    await createUser(t.deps, 'volunteer', [branchB], 'vol-b@bieb.nl');
    agent = t.agent();
    await signIn(agent, 'vol-a@bieb.nl');
  });
  afterEach(() => t.close());

  test('the desk shows the tally grid; one POST registers a complete question that the list shows with every field', async () => {
    const desk = await agent.get(`/desk?branch=${branchA}`);
    expect(desk.status).toBe(200);
    expect(desk.text).toContain('DigiD activeren');
    const tile = t.deps.intake.tilesFor(branchA).find((x) => x.labelNl === 'DigiD activeren')!;
    const res = await agent.post('/intake/tally').type('form').send({ _csrf: csrfFrom(desk.text), branch: String(branchA), tile: String(tile.id) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/desk?branch=${branchA}#intake`);
    expect(count('SELECT count(*) FROM visits')).toBe(1);
    expect(count('SELECT count(*) FROM questions')).toBe(1);
    const q = t.db.prepare('SELECT * FROM questions').get() as Record<string, unknown>;
    const digid = idOf('organisation', 'digid');
    expect(q).toMatchObject({
      branch_id: branchA,
      source: 'tally',
      channel_id: idOf('channel', 'desk'),
      type_id: idOf('question_type', 'digital_government'),
      organisation_id: digid,
      topic_id: idOf('topic', 'activeren', digid),
      help_id: idOf('help', 'together'),
      duration_id: idOf('duration', 'm5_15'),
      outcome_id: idOf('outcome', 'solved'),
      local_date: '2026-03-02',
      local_month: '2026-03',
    });
    const after = await agent.get(res.headers.location);
    expect(after.text).toContain('Geregistreerd: DigiD activeren.');
    expect(after.text).toContain('Ongedaan maken');
    const list = await agent.get(`/intake?branch=${branchA}`);
    const row = /<tr id="q-\d+">([\s\S]*?)<\/tr>/.exec(list.text)![1];
    for (const text of ['10:00', 'Digitale overheid', 'DigiD', 'DigiD activeren', 'Samen gedaan / meegekeken', '5 tot 15 minuten', 'Opgelost', 'Balie (binnenloop)']) {
      expect(row).toContain(text);
    }
  });

  test('the full form works without JavaScript: organisation step, then save; the list shows every field', async () => {
    const page = await agent.get(`/intake/new?branch=${branchA}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Noteer nooit een BSN of DigiD-gegevens');
    expect(page.text).toContain('name="step" value="organisation"');
    // Step: choose the organisation; the page comes back with that organisation's topics, nothing saved.
    const step = await agent
      .post('/intake/new')
      .type('form')
      .send({ ...fullForm({ topic: '' }), _csrf: csrfFrom(page.text), step: 'organisation', organisation: String(idOf('organisation', 'belastingdienst')) });
    expect(step.status).toBe(200);
    const topicSelect = /<select id="topic"[\s\S]*?<\/select>/.exec(step.text)![0];
    expect(topicSelect).toContain('Belastingaangifte');
    expect(topicSelect).not.toContain('DigiD activeren');
    expect(step.text).toContain('value="2 brieven van 2024"');
    expect(count('SELECT count(*) FROM questions')).toBe(0);

    const res = await agent.post('/intake/new').type('form').send({ ...fullForm(), _csrf: csrfFrom(step.text) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/intake?branch=${branchA}`);
    const list = await agent.get(res.headers.location);
    expect(list.text).toContain('De vraag is geregistreerd.');
    const row = /<tr id="q-\d+">([\s\S]*?)<\/tr>/.exec(list.text)![1];
    for (const text of ['Digitale overheid', 'DigiD', 'DigiD app installeren', 'Doorverwezen', 'Digihulplijn', '15 tot 30 minuten', 'Telefoon', 'Verhuizen', '2 brieven van 2024']) {
      expect(row).toContain(text);
    }
    const q = t.db.prepare('SELECT source, note, partner_id, life_event_id FROM questions').get() as Record<string, unknown>;
    expect(q.source).toBe('form');
    expect(q.note).toBe('2 brieven van 2024');
  });

  test('a visit with three questions is one visit and three questions', async () => {
    const first = await postNew(agent, fullForm({ then: 'another' }));
    expect(first.status).toBe(303);
    const visitId = t.db.prepare('SELECT id FROM visits').pluck().get() as number;
    expect(first.headers.location).toBe(`/intake/new?visit=${visitId}`);
    const second = await agent.get(first.headers.location);
    expect(second.text).toContain('Vraag 2 van deze bezoeker');
    expect(second.text).toContain('Kanaal: Telefoon');
    const r2 = await agent
      .post('/intake/new')
      .type('form')
      .send({ ...fullForm({ then: 'another', visit: String(visitId), branch: '', channel: '', organisation: String(idOf('organisation', 'uwv')), topic: '', partner: '', outcome: String(idOf('outcome', 'solved')) }), _csrf: csrfFrom(second.text) });
    expect(r2.status).toBe(303);
    const third = await agent.get(r2.headers.location);
    expect(third.text).toContain('Vraag 3 van deze bezoeker');
    const r3 = await agent
      .post('/intake/new')
      .type('form')
      .send({ ...fullForm({ visit: String(visitId), branch: '', channel: '', organisation: String(idOf('organisation', 'gemeente')), topic: '', partner: '', outcome: String(idOf('outcome', 'partly')) }), _csrf: csrfFrom(third.text) });
    expect(r3.status).toBe(303);
    expect(count('SELECT count(*) FROM visits')).toBe(1);
    expect(count(`SELECT count(*) FROM questions WHERE visit_id = ${visitId}`)).toBe(3);
    expect(count(`SELECT count(DISTINCT channel_id) FROM questions`)).toBe(1);
  });

  test.each([
    ['a valid BSN', 'BSN 111 222 333 bij de brief', 'Haal het BSN uit de notitie'],
    ['an e-mail address', 'mail naar jan@example.nl', 'Haal het e-mailadres uit de notitie'],
    ['a phone number', 'terugbellen op 06-12345678', 'Haal het telefoonnummer uit de notitie'],
  ])('a note with %s is refused with 400 and a field message; other values are kept', async (_what, note, message) => {
    const res = await postNew(agent, fullForm({ note }));
    expect(res.status).toBe(400);
    expect(res.text).toContain('class="error-summary"');
    expect(res.text).toContain('href="#note"');
    expect(res.text).toContain('id="note-error"');
    expect(res.text).toContain(message);
    expect(res.text).toMatch(/<option value="\d+" selected>DigiD<\/option>/);
    expect(count('SELECT count(*) FROM questions')).toBe(0);
  });

  test('ordinary numbers in the note are fine; a note over 200 characters and missing choices are not', async () => {
    expect((await postNew(agent, fullForm({ note: '2 brieven van 2024' }))).status).toBe(303);
    const long = await postNew(agent, fullForm({ note: 'a'.repeat(201) }));
    expect(long.status).toBe(400);
    expect(long.text).toContain('maximaal 200 tekens');
    const missing = await postNew(agent, fullForm({ organisation: '', outcome: '' }));
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('href="#organisation"');
    expect(missing.text).toContain('href="#outcome"');
    // A topic of another organisation, a kind mix-up, and "referred" without a partner.
    const wrongTopic = await postNew(agent, fullForm({ topic: String(idOf('topic', 'aangifte', idOf('organisation', 'belastingdienst'))) }));
    expect(wrongTopic.status).toBe(400);
    expect(wrongTopic.text).toContain('href="#topic"');
    const kindMix = await postNew(agent, fullForm({ help: String(idOf('outcome', 'solved')) }));
    expect(kindMix.status).toBe(400);
    const noPartner = await postNew(agent, fullForm({ partner: '' }));
    expect(noPartner.status).toBe(400);
    expect(noPartner.text).toContain('Kies waarheen u heeft doorverwezen');
    expect(count('SELECT count(*) FROM questions')).toBe(1);
  });

  test('editing a question is audited; the edit form keeps values', async () => {
    await postNew(agent, fullForm());
    const id = t.db.prepare('SELECT id FROM questions').pluck().get() as number;
    const page = await agent.get(`/intake/${id}/edit`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('value="2 brieven van 2024"');
    const bad = await agent.post(`/intake/${id}/edit`).type('form').send({ ...fullForm({ note: 'jan@example.nl' }), _csrf: csrfFrom(page.text) });
    expect(bad.status).toBe(400);
    const res = await agent
      .post(`/intake/${id}/edit`)
      .type('form')
      .send({ ...fullForm({ outcome: String(idOf('outcome', 'solved')), partner: '', note: 'samen opgelost' }), _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(303);
    const q = t.db.prepare('SELECT outcome_id, partner_id, note FROM questions WHERE id = ?').get(id) as Record<string, unknown>;
    expect(q).toEqual({ outcome_id: idOf('outcome', 'solved'), partner_id: null, note: 'samen opgelost' });
    const audit = t.db.prepare("SELECT details FROM audit_log WHERE action = 'intake.question_updated' AND subject_id = ?").pluck().get(String(id)) as string;
    const details = JSON.parse(audit) as Record<string, unknown>;
    expect(details.outcomeId).toEqual({ from: idOf('outcome', 'referred'), to: idOf('outcome', 'solved') });
    expect(details.note).toEqual({ changed: true });
    expect(audit).not.toContain('samen opgelost');
  });

  test('undo takes back a tap within five minutes, not later; only the one who tapped can', async () => {
    const tile = t.deps.intake.tilesFor(branchA)[0];
    const tap = async (): Promise<number> => {
      const token = await csrfToken(agent, `/desk?branch=${branchA}`);
      await agent.post('/intake/tally').type('form').send({ _csrf: token, branch: String(branchA), tile: String(tile.id) });
      return t.db.prepare('SELECT max(id) FROM questions').pluck().get() as number;
    };
    const first = await tap();
    t.clock.advanceMinutes(4);
    let token = await csrfToken(agent, `/desk?branch=${branchA}`);
    const undo = await agent.post(`/intake/${first}/undo`).type('form').send({ _csrf: token });
    expect(undo.status).toBe(303);
    expect(count('SELECT count(*) FROM questions')).toBe(0);
    expect(count('SELECT count(*) FROM visits')).toBe(0);
    expect(count("SELECT count(*) FROM audit_log WHERE action = 'intake.question_undone'")).toBe(1);

    const second = await tap();
    t.clock.advanceMinutes(6);
    token = await csrfToken(agent, `/desk?branch=${branchA}`);
    const late = await agent.post(`/intake/${second}/undo`).type('form').send({ _csrf: token });
    expect(late.status).toBe(410);
    expect(count('SELECT count(*) FROM questions')).toBe(1);

    await createUser(t.deps, 'volunteer', [branchA], 'vol-a2@bieb.nl');
    const colleague = t.agent();
    await signIn(colleague, 'vol-a2@bieb.nl');
    const third = await tap();
    const other = await colleague.post(`/intake/${third}/undo`).type('form').send({ _csrf: await csrfToken(colleague, `/desk?branch=${branchA}`) });
    // A colleague may correct the record (edit) but not use the registrar's own undo: a conflict, not a missing right.
    expect(other.status).toBe(409);
  });

  test('a start from an appointment or walk-in stores its id on the visit; bad ids are refused', async () => {
    const appointment = t.deps.booking.book({ userId: null, label: 'set-up', ip: null, system: true }, {
      branchId: branchA,
      topicKey: 'taxes',
      startsAt: '2026-03-03T09:00:00.000Z',
      name: 'Iemand',
      email: null,
      phone: null,
      needs: {},
      language: 'nl',
      channel: 'desk',
      idempotencyKey: null,
      capacityOverride: false,
    }).appointment;
    const id = String(appointment.id);
    const page = await agent.get(`/intake/new?branch=${branchA}&appointment=${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`name="appointment" value="${id}"`);
    expect(page.text).toMatch(new RegExp(`value="${idOf('channel', 'appointment')}" checked`));
    // An id of no appointment (or another branch's, see tests/security) is refused.
    const unknown = await agent.post('/intake/new').type('form').send({ ...fullForm({ appointment: '4242', channel: String(idOf('channel', 'appointment')) }), _csrf: csrfFrom(page.text) });
    expect(unknown.status).toBe(400);
    const res = await agent.post('/intake/new').type('form').send({ ...fullForm({ appointment: id, channel: String(idOf('channel', 'appointment')) }), _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(303);
    expect(t.db.prepare('SELECT appointment_id, walkin_id, channel_id FROM visits').get()).toEqual({ appointment_id: appointment.id, walkin_id: null, channel_id: idOf('channel', 'appointment') });
    const walkin = await agent.get(`/intake/new?branch=${branchA}&walkin=7&channel=desk`);
    expect(walkin.text).toContain('name="walkin" value="7"');
    expect((await agent.get(`/intake/new?branch=${branchA}&appointment=abc`)).status).toBe(400);
    expect((await agent.get(`/intake/new?branch=${branchA}&walkin=-3`)).status).toBe(400);
    expect((await agent.get(`/intake/new?branch=${branchA}&channel=fax`)).status).toBe(400);
    expect((await agent.get(`/intake/new?branch=${branchB}&appointment=42`)).status).toBe(404);
  });

  test('another branch is invisible: no reading, editing, listing, adding or undoing, also by guessing ids', async () => {
    const userB = t.deps.auth.currentUser(t.db.prepare("SELECT id FROM users WHERE email = 'vol-b@bieb.nl'").pluck().get() as number) as CurrentUser;
    const f = fullForm();
    const { visitId, questionId } = t.deps.intake.register(userB, { branchId: branchB, channelId: idOf('channel', 'desk'), appointmentId: null, walkinId: null }, {
      typeId: Number(f.type), organisationId: Number(f.organisation), topicId: null, lifeEventId: null, helpId: idOf('help', 'together'),
      partnerId: null, durationId: Number(f.duration), outcomeId: idOf('outcome', 'solved'), note: 'geheim van Noord',
    });
    const check = async (a: TestAgent): Promise<void> => {
      expect((await a.get(`/intake/${questionId}/edit`)).status).toBe(404);
      expect((await a.get(`/intake/${questionId + 1000}/edit`)).status).toBe(404);
      const token = await csrfToken(a, `/intake/new?branch=${branchA}`);
      expect((await a.post(`/intake/${questionId}/edit`).type('form').send({ ...fullForm(), _csrf: token })).status).toBe(404);
      expect((await a.post(`/intake/${questionId}/undo`).type('form').send({ _csrf: token })).status).toBe(404);
      expect((await a.get(`/intake?branch=${branchB}`)).status).toBe(404);
      expect((await a.get(`/intake?branch=${branchA}&period=week`)).text).not.toContain('geheim van Noord');
      expect((await a.get(`/intake/new?visit=${visitId}`)).status).toBe(404);
      expect((await a.post('/intake/new').type('form').send({ ...fullForm({ visit: String(visitId) }), _csrf: token })).status).toBe(404);
      expect((await a.post('/intake/new').type('form').send({ ...fullForm({ branch: String(branchB) }), _csrf: token })).status).toBe(404);
      const tile = t.deps.intake.tilesFor(branchB)[0];
      expect((await a.post('/intake/tally').type('form').send({ _csrf: token, branch: String(branchB), tile: String(tile.id) })).status).toBe(404);
    };
    await check(agent);
    await createUser(t.deps, 'coordinator', [branchA], 'coord-a@bieb.nl');
    const coord = t.agent();
    await signIn(coord, 'coord-a@bieb.nl');
    await check(coord);
    expect(t.db.prepare('SELECT note FROM questions WHERE id = ?').pluck().get(questionId)).toBe('geheim van Noord');
    expect(count('SELECT count(*) FROM questions')).toBe(1);
  });

  test('wrong role, missing CSRF, wrong method and signed-out requests are refused', async () => {
    await createUser(t.deps, 'expert', [], 'expert@bieb.nl');
    const expert = t.agent();
    await signIn(expert, 'expert@bieb.nl');
    expect((await expert.get('/intake')).status).toBe(403);
    expect((await expert.get(`/intake/new?branch=${branchA}`)).status).toBe(403);
    const noCsrf = await agent.post('/intake/new').type('form').send(fullForm());
    expect(noCsrf.status).toBe(403);
    expect((await agent.get('/intake/tally')).status).toBe(405);
    const anon = await t.agent().get('/intake');
    expect(anon.status).toBe(303);
    expect(anon.headers.location).toMatch(/^\/login/);
    // Volunteers do not set up tiles.
    expect((await agent.get(`/intake/tiles?branch=${branchA}`)).status).toBe(403);
    expect(count('SELECT count(*) FROM questions')).toBe(0);
  });

  test('admins read the list and set up tiles, but do not register questions (intake.register is desk work)', async () => {
    await createUser(t.deps, 'admin', [], 'admin@bieb.nl');
    const admin = t.agent();
    await signIn(admin, 'admin@bieb.nl');
    const list = await admin.get(`/intake?branch=${branchB}`);
    expect(list.status).toBe(200);
    expect(list.text).not.toContain('/intake/new');
    expect(list.text).toContain(`/intake/tiles?branch=${branchB}`);
    expect((await admin.get(`/intake/tiles?branch=${branchA}`)).status).toBe(200);
    expect((await admin.get(`/intake/new?branch=${branchA}`)).status).toBe(403);
    const token = csrfFrom(list.text);
    const tile = t.deps.intake.tilesFor(branchA)[0];
    expect((await admin.post('/intake/new').type('form').send({ ...fullForm(), _csrf: token })).status).toBe(403);
    expect((await admin.post('/intake/tally').type('form').send({ _csrf: token, branch: String(branchA), tile: String(tile.id) })).status).toBe(403);
    expect((await admin.get('/intake?branch=x')).status).toBe(400);
    expect(count('SELECT count(*) FROM questions')).toBe(0);
  });

  test('a coordinator sets the branch tiles; the desk shows them; other branches keep the defaults', async () => {
    await createUser(t.deps, 'coordinator', [branchA], 'coord-a@bieb.nl');
    const coord = t.agent();
    await signIn(coord, 'coord-a@bieb.nl');
    const page = await coord.get(`/intake/tiles?branch=${branchA}`);
    expect(page.status).toBe(200);
    const rdw = idOf('organisation', 'rdw');
    const form = {
      _csrf: csrfFrom(page.text),
      branch: String(branchA),
      label_nl: 'Rijbewijs verlengen',
      label_en: '',
      type: String(idOf('question_type', 'digital_government')),
      subject: `${rdw}:${idOf('topic', 'rijbewijs', rdw)}`,
      help: String(idOf('help', 'together')),
      duration: String(idOf('duration', 'm15_30')),
      outcome: String(idOf('outcome', 'solved')),
    };
    const bad = await coord.post('/intake/tiles').type('form').send({ ...form, label_nl: '', subject: `${rdw}:${idOf('topic', 'app', idOf('organisation', 'digid'))}` });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('href="#label_nl"');
    const res = await coord.post('/intake/tiles').type('form').send(form);
    expect(res.status).toBe(303);
    expect(t.deps.intake.tilesFor(branchA).map((x) => x.labelNl)).toContain('Rijbewijs verlengen');
    expect(t.deps.intake.tilesFor(branchA)).toHaveLength(7);
    expect(t.deps.intake.tilesFor(branchB)).toHaveLength(6);
    const phoneTile = t.deps.intake.tilesFor(branchA).find((x) => x.labelNl === 'Telefoon/tablet')!;
    const del = await coord.post(`/intake/tiles/${phoneTile.id}/delete`).type('form').send({ _csrf: csrfFrom(page.text), branch: String(branchA) });
    expect(del.status).toBe(303);
    const desk = await coord.get(`/desk?branch=${branchA}`);
    expect(desk.text).toContain('Rijbewijs verlengen');
    expect(desk.text).not.toContain('Telefoon/tablet');
    expect((await coord.post(`/intake/tiles`).type('form').send({ ...form, branch: String(branchB) })).status).toBe(404);
  });
});
