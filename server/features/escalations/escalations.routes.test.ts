import { postForm, resetEscalations } from '../../../tests/helpers/chat';
import type TestAgent from 'supertest/lib/agent';
import type { Response } from 'supertest';
import { createBranch, createTestApp, createUser, signIn, type TestApp } from '../../../tests/helpers/test-app';

/**
 * Escalations through HTTP with plain forms (no JavaScript), CSRF on and the real policy: escalate →
 * accept → close with an outcome that lands on the intake question; the immediate fallback and callback
 * requests; branch isolation (404) and experts kept out of the desk (403); the chat limit per expert.
 */
describe('/escalations', () => {
  let t: TestApp;
  let branchA: number;
  let branchB: number;
  let vol: TestAgent;
  let volB: TestAgent;
  let expert: TestAgent;
  let expert2: TestAgent;
  let expertId: number;
  let expert2Id: number;

  beforeAll(async () => {
    // Monday 2 March 2026, 10:00 in Amsterdam: the Digihulplijn is open.
    t = createTestApp({ env: { STAFF_IDLE_MINUTES: '100000', SESSION_ABSOLUTE_HOURS: '100000' } });
    branchA = createBranch(t.deps, { name: 'Centrale Bibliotheek' });
    branchB = createBranch(t.deps, { name: 'Noord' });
    await createUser(t.deps, 'volunteer', [branchA], 'vol@bieb.nl');
    await createUser(t.deps, 'volunteer', [branchB], 'vol-b@bieb.nl');
    expertId = await createUser(t.deps, 'expert', [], 'expert@dhl.nl');
    expert2Id = await createUser(t.deps, 'expert', [], 'expert2@dhl.nl');
    vol = t.agent();
    volB = t.agent();
    expert = t.agent();
    expert2 = t.agent();
    await signIn(vol, 'vol@bieb.nl');
    await signIn(volB, 'vol-b@bieb.nl');
    await signIn(expert, 'expert@dhl.nl');
    await signIn(expert2, 'expert2@dhl.nl');
  });
  afterAll(() => t.close());

  beforeEach(() => {
    t.clock.set('2026-03-02T09:00:00Z');
    // Every test starts with nobody waiting, nobody in a chat and nobody available.
    resetEscalations(t.db);
  });

  const post = postForm;

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

  async function setPresence(agent: TestAgent, status: string): Promise<void> {
    const res = await post(agent, '/escalations', '/escalations/presence', { status });
    expect(res.status).toBe(303);
  }

  async function escalate(question: number, description = 'DigiD-app wil niet activeren'): Promise<Response> {
    return post(vol, `/escalations/new?question=${question}`, '/escalations', { question: String(question), description });
  }

  async function escalated(question: number): Promise<number> {
    const res = await escalate(question);
    expect(res.status).toBe(303);
    const m = /^\/escalations\/(\d+)$/.exec(res.headers.location);
    expect(m).not.toBeNull();
    return Number(m![1]);
  }

  const outcomeKeyOf = (question: number): string =>
    t.db.prepare('SELECT x.key FROM questions q JOIN taxonomy x ON x.id = q.outcome_id WHERE q.id = ?').pluck().get(question) as string;

  test('escalate → the expert sees it in the queue, accepts → closes with an outcome → the intake question shows that outcome', async () => {
    await setPresence(expert, 'available');
    const q = addQuestion(branchA);
    const form = await vol.get(`/escalations/new?question=${q}`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('1 expert beschikbaar');
    const id = await escalated(q);

    const waiting = await vol.get(`/escalations/${id}`);
    expect(waiting.status).toBe(200);
    expect(waiting.text).toContain('Wacht op een expert');
    expect(waiting.text).toMatch(/data-field="position">1</);
    expect(waiting.text).toMatch(/data-field="availableExperts">1</);
    expect(waiting.text).toContain('ongeveer 5 minuten');

    const console = await expert.get('/escalations');
    expect(console.status).toBe(200);
    expect(console.text).toContain('<title>(1) Digihulplijn');
    expect(console.text).toContain('DigiD-app wil niet activeren');
    expect(console.text).toContain('Centrale Bibliotheek');

    const accepted = await post(expert, '/escalations', `/escalations/${id}/accept`, {});
    expect(accepted.status).toBe(303);
    expect(accepted.headers.location).toBe(`/escalations/${id}`);
    expect((await vol.get(`/escalations/${id}`)).text).toContain('In gesprek');

    const closed = await post(expert, `/escalations/${id}`, `/escalations/${id}/close`, { outcome: 'referred' });
    expect(closed.status).toBe(303);
    expect(outcomeKeyOf(q)).toBe('referred');
    const list = await vol.get(`/intake?branch=${branchA}`);
    expect(list.text).toContain('Doorverwezen');
    const page = await vol.get(`/escalations/${id}`);
    expect(page.text).toContain('Afgerond');
    expect(page.text).toContain('Doorverwezen naar een partner');
    // The transcript stays linked to the question through the escalation.
    expect(t.db.prepare('SELECT question_id FROM escalations WHERE id = ?').pluck().get(id)).toBe(q);
    const actions = t.deps.audit.find({ limit: 1000, offset: 0 }).filter((e) => e.subjectId === String(id)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['escalation.created', 'escalation.accepted', 'escalation.closed']));
  });

  test('a description with personal data is refused with the reason, and nothing is queued', async () => {
    await setPresence(expert, 'available');
    const q = addQuestion(branchA);
    const res = await escalate(q, 'Mevrouw belt terug op 06-12345678');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Haal het telefoonnummer uit de omschrijving');
    expect(t.db.prepare('SELECT count(*) FROM escalations WHERE question_id = ?').pluck().get(q)).toBe(0);
  });

  test('no expert available: answered at once with the fallback (0800-1508, hours, callback form); the callback reaches the experts and is marked done', async () => {
    const q = addQuestion(branchA);
    const res = await escalate(q);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/escalations/callback?question=${q}&reason=no_expert`);
    // Not queued: nobody would take it, so the volunteer must not wait for it.
    expect(t.db.prepare('SELECT count(*) FROM escalations WHERE question_id = ?').pluck().get(q)).toBe(0);
    const fallback = await vol.get(res.headers.location);
    expect(fallback.status).toBe(200);
    expect(fallback.text).toContain('0800-1508');
    expect(fallback.text).toContain('maandag 09:00–17:00');
    expect(fallback.text).toContain('name="consent"');

    const noConsent = await post(vol, res.headers.location, '/escalations/callbacks', { question: String(q), escalation: '', phone: '06 12345678', preferred_moment: 'dinsdagochtend' });
    expect(noConsent.status).toBe(400);
    expect(noConsent.text).toContain('Vraag de bezoeker om toestemming');
    expect(noConsent.text).toContain('06 12345678');
    expect(noConsent.headers['cache-control']).toBe('no-store');
    const sent = await post(vol, res.headers.location, '/escalations/callbacks', { question: String(q), escalation: '', phone: '06 12345678', preferred_moment: 'dinsdagochtend', consent: 'on' });
    expect(sent.status).toBe(303);
    const callbackId = t.db.prepare('SELECT id FROM callback_requests WHERE question_id = ?').pluck().get(q) as number;

    const console = await expert.get('/escalations');
    expect(console.text).toContain(`/escalations/callbacks/${callbackId}`);
    expect(console.text).toContain('dinsdagochtend');
    // The phone number is not on the console: reading it is its own, audited request.
    expect(console.text).not.toContain('06 12345678');
    // Every look is the same personal_data.viewed entry a booking or borrower gets, about this callback request.
    const looks = (): number =>
      t.deps.audit.find({ action: 'personal_data.viewed', limit: 1000, offset: 0 }).filter((e) => e.subjectType === 'callback_request' && e.subjectId === String(callbackId)).length;
    const viewsBefore = looks();
    const shown = await expert.get(`/escalations/callbacks/${callbackId}`);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('06 12345678');
    expect(shown.headers['cache-control']).toBe('no-store');
    expect(looks()).toBe(viewsBefore + 1);
    // Volunteers never read it back.
    expect((await vol.get(`/escalations/callbacks/${callbackId}`)).status).toBe(403);

    const done = await post(expert, '/escalations', `/escalations/callbacks/${callbackId}/done`, {});
    expect(done.status).toBe(303);
    expect((await expert.get('/escalations')).text).not.toContain(`/escalations/callbacks/${callbackId}"`);
    const actions = t.deps.audit.find({ limit: 1000, offset: 0 }).filter((e) => e.subjectId === String(callbackId)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['callback.created', 'personal_data.viewed', 'callback.done']));
  });

  test('outside the Digihulplijn hours: the fallback at once, even with an expert signed in as available', async () => {
    await setPresence(expert, 'available');
    t.clock.set('2026-03-07T10:00:00Z'); // Saturday
    const q = addQuestion(branchA);
    const res = await escalate(q);
    expect(res.headers.location).toBe(`/escalations/callback?question=${q}&reason=closed`);
  });

  test('an available expert without activity turns away, and then counts as not available', async () => {
    await setPresence(expert, 'available');
    t.clock.advanceMinutes(11);
    const q = addQuestion(branchA);
    expect((await escalate(q)).headers.location).toBe(`/escalations/callback?question=${q}&reason=no_expert`);
    // Opening the console is activity again.
    await expert.get('/escalations');
    expect(t.deps.escalations.availableCount()).toBe(1);
  });

  test('a waiting escalation can be turned into a callback request: it leaves the queue', async () => {
    await setPresence(expert, 'available');
    const q = addQuestion(branchA);
    const id = await escalated(q);
    const url = `/escalations/callback?question=${q}&escalation=${id}&reason=waiting`;
    const sent = await post(vol, url, '/escalations/callbacks', { question: String(q), escalation: String(id), phone: '020 1234567', preferred_moment: '', consent: 'on' });
    expect(sent.status).toBe(303);
    expect(t.db.prepare('SELECT status FROM escalations WHERE id = ?').pluck().get(id)).toBe('cancelled');
  });

  test('transfer to another available expert; the escalation moves to their chats', async () => {
    await setPresence(expert, 'available');
    await setPresence(expert2, 'available');
    const id = await escalated(addQuestion(branchA));
    expect((await post(expert, '/escalations', `/escalations/${id}/accept`, {})).status).toBe(303);
    const page = await expert.get(`/escalations/${id}`);
    expect(page.text).toContain(`<option value="${expert2Id}"`);
    const moved = await post(expert, `/escalations/${id}`, `/escalations/${id}/transfer`, { to: String(expert2Id) });
    expect(moved.status).toBe(303);
    expect(t.db.prepare('SELECT expert_id FROM escalations WHERE id = ?').pluck().get(id)).toBe(expert2Id);
    // The first expert no longer holds it: the page is gone for them, the second expert can open it.
    expect((await expert.get(`/escalations/${id}`)).status).toBe(404);
    expect((await expert2.get(`/escalations/${id}`)).status).toBe(200);
    expect(expertId).not.toBe(expert2Id);
  });

  test('an expert holding the maximum number of chats is refused another one', async () => {
    await setPresence(expert, 'available');
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push(await escalated(addQuestion(branchA)));
    for (const id of ids.slice(0, 3)) expect((await post(expert, '/escalations', `/escalations/${id}/accept`, {})).status).toBe(303);
    const fourth = await post(expert, '/escalations', `/escalations/${ids[3]}/accept`, {});
    expect(fourth.status).toBe(409);
    expect(fourth.text).toContain('maximum aantal gesprekken');
    expect(t.db.prepare('SELECT status FROM escalations WHERE id = ?').pluck().get(ids[3])).toBe('queued');
  });

  test('a volunteer of branch B gets 404 on branch A’s escalation pages and actions', async () => {
    await setPresence(expert, 'available');
    const q = addQuestion(branchA);
    const id = await escalated(q);
    expect((await volB.get(`/escalations/${id}`)).status).toBe(404);
    expect((await volB.get(`/escalations/new?question=${q}`)).status).toBe(404);
    expect((await volB.get(`/escalations/callback?question=${q}`)).status).toBe(404);
    expect((await volB.get(`/escalations?branch=${branchA}`)).status).toBe(404);
    expect((await post(volB, '/escalations', `/escalations/${id}/cancel`, {})).status).toBe(404);
    expect((await post(volB, '/escalations', '/escalations', { question: String(q), description: 'x' })).status).toBe(404);
    expect((await post(volB, '/escalations', '/escalations/callbacks', { question: String(q), escalation: '', phone: '0612345678', consent: 'on' })).status).toBe(404);
    // Their own branch's list does not show it either.
    expect((await volB.get('/escalations')).text).not.toContain(`/escalations/${id}"`);
    // Another expert, who does not hold it, cannot read the conversation page either.
    expect((await expert2.get(`/escalations/${id}`)).status).toBe(404);
  });

  test('experts get 403 on the desk, bookings, devices and loans', async () => {
    for (const url of [`/desk?branch=${branchA}`, '/appointments', '/devices', '/loans']) {
      expect(`${url}: ${(await expert.get(url)).status}`).toBe(`${url}: 403`);
    }
  });

  test('the desk shows the branch’s open escalations with their place in the queue', async () => {
    await setPresence(expert, 'available');
    const id = await escalated(addQuestion(branchA));
    const desk = await vol.get(`/desk?branch=${branchA}`);
    expect(desk.status).toBe(200);
    expect(desk.text).toContain(`href="/escalations/${id}"`);
    expect(desk.text).toContain('plaats 1 in de wachtrij');
    expect((await volB.get(`/desk?branch=${branchB}`)).text).not.toContain(`href="/escalations/${id}"`);
  });

  test('the retention purge (privacy feature) blanks transcripts and callback phone numbers after 90 days, and keeps the rows', async () => {
    await setPresence(expert, 'available');
    const q = addQuestion(branchA);
    const id = await escalated(q);
    expect((await post(expert, '/escalations', `/escalations/${id}/accept`, {})).status).toBe(303);
    t.deps.chat.appendSystem(id, 'Mevrouw Jansen heeft een vraag');
    expect((await post(expert, `/escalations/${id}`, `/escalations/${id}/close`, { outcome: 'solved' })).status).toBe(303);
    const cb = await post(vol, `/escalations/callback?question=${q}`, '/escalations/callbacks', { question: String(q), escalation: '', phone: '06 12345678', preferred_moment: 'ochtend', consent: 'on' });
    expect(cb.status).toBe(303);
    const messages = (): string[] => t.db.prepare('SELECT body FROM chat_messages WHERE escalation_id = ? ORDER BY seq').pluck().all(id) as string[];
    const phone = (): string => t.db.prepare('SELECT phone FROM callback_requests WHERE question_id = ?').pluck().get(q) as string;

    t.clock.advanceMinutes(89 * 24 * 60);
    t.deps.purge.run();
    expect(messages()).toContain('Mevrouw Jansen heeft een vraag');
    expect(phone()).toBe('06 12345678');

    t.clock.advanceMinutes(2 * 24 * 60);
    const report = t.deps.purge.run();
    expect(report.chats).toBeGreaterThanOrEqual(1);
    expect(report.callbacks).toBeGreaterThanOrEqual(1);
    expect(messages().length).toBe(3);
    expect(messages().every((b) => b === '')).toBe(true);
    expect(phone()).toBe('');
    const row = t.db.prepare('SELECT status, outcome, personal_data_purged_at IS NOT NULL AS purged FROM escalations WHERE id = ?').get(id);
    expect(row).toEqual({ status: 'closed', outcome: 'solved', purged: 1 });
    // A second pass has nothing left to do for these.
    const again = t.deps.purge.run();
    expect(again.chats + again.callbacks).toBe(0);
  });
});
