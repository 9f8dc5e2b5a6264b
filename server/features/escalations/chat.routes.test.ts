import type TestAgent from 'supertest/lib/agent';
import { createBranch, createTestApp, createUser, csrfToken, signedIn, type TestApp } from '../../../tests/helpers/test-app';
import { addEscalation } from '../../../tests/helpers/chat';
import { SYSTEM_ACTOR } from '../../lib/actor';

/** The chat without JavaScript (form post, PRG) and the JSON catch-up, on the real app. */
let t: TestApp;
let volunteer: TestAgent;
let expert: TestAgent;
let escalation: number;
let branchB: number;

const count = (): number => t.db.prepare('SELECT count(*) FROM chat_messages WHERE escalation_id = ?').pluck().get(escalation) as number;

/** Any signed-in page gives a CSRF token of the session; the form itself is on the escalation page. */
async function post(agent: TestAgent, id: number, body: Record<string, string>): Promise<{ status: number; location: string | undefined }> {
  const token = await csrfToken(agent, '/account/password');
  const res = await agent.post(`/escalations/${id}/messages`).type('form').send({ _csrf: token, ...body });
  return { status: res.status, location: res.headers.location as string | undefined };
}

beforeEach(async () => {
  t = createTestApp();
  const a = createBranch(t.deps, { name: 'Vestiging A' });
  branchB = createBranch(t.deps, { name: 'Vestiging B' });
  await createUser(t.deps, 'volunteer', [a], 'vol-a@bieb.nl');
  await createUser(t.deps, 'volunteer', [branchB], 'vol-b@bieb.nl');
  const expertId = await createUser(t.deps, 'expert', [], 'expert@bieb.nl');
  await createUser(t.deps, 'expert', [], 'expert-2@bieb.nl');
  await createUser(t.deps, 'admin', [], 'admin@bieb.nl');
  escalation = addEscalation(t.deps, { branchId: a, expertId });
  volunteer = await signedIn(t, 'vol-a@bieb.nl');
  expert = await signedIn(t, 'expert@bieb.nl');
});
afterEach(() => t.close());

test('a form post stores the message and redirects back to the conversation; a double submit is stored once', async () => {
  const form = { body: 'Mevrouw krijgt geen sms-code', clientId: 'render-1' };
  expect(await post(volunteer, escalation, form)).toEqual({ status: 303, location: `/escalations/${escalation}#chat` });
  expect(await post(volunteer, escalation, form)).toEqual({ status: 303, location: `/escalations/${escalation}#chat` });
  expect(count()).toBe(1);
  const res = await expert.get(`/escalations/${escalation}/messages?after=0`).expect(200);
  expect(res.body.messages).toEqual([expect.objectContaining({ seq: 1, senderRole: 'volunteer', body: 'Mevrouw krijgt geen sms-code', kind: 'message' })]);
});

test('without a token the post is refused (CSRF stays on)', async () => {
  await volunteer.post(`/escalations/${escalation}/messages`).type('form').send({ body: 'x', clientId: 'a' }).expect(403);
  expect(count()).toBe(0);
});

test('an empty message, a closed conversation and too many messages come back as a message on the page, nothing stored', async () => {
  expect(await post(volunteer, escalation, { body: '  \r\n ', clientId: 'e-1' })).toMatchObject({ status: 303 });
  expect(count()).toBe(0);
  expect((await volunteer.get('/account/password')).text).toContain('Typ eerst een bericht');
  for (let i = 1; i <= 30; i++) await post(volunteer, escalation, { body: `Bericht ${i}`, clientId: `r-${i}` });
  expect(count()).toBe(30);
  expect(await post(volunteer, escalation, { body: 'Te veel', clientId: 'r-31' })).toMatchObject({ status: 303 });
  expect(count()).toBe(30);
  // The next page says why (a flash), in the person's language.
  expect((await volunteer.get('/account/password')).text).toContain('Wacht een minuut');
  t.clock.advanceMinutes(1);
  await post(volunteer, escalation, { body: 'Weer toegestaan', clientId: 'r-32' });
  expect(count()).toBe(31);

  t.db.prepare(`UPDATE escalations SET status = 'closed', outcome = 'solved', closed_at = ? WHERE id = ?`).run(t.clock.now().toISOString(), escalation);
  expect(await post(volunteer, escalation, { body: 'Na afloop', clientId: 'c-1' })).toMatchObject({ status: 303 });
  expect(count()).toBe(31);
  expect((await volunteer.get('/account/password')).text).toContain('geen berichten sturen');
  // A closed transcript stays readable for the branch.
  expect((await volunteer.get(`/escalations/${escalation}/messages`).expect(200)).body.messages).toHaveLength(31);
});

test('internal notes: only the expert writes them and only the expert side reads them', async () => {
  await post(expert, escalation, { body: 'Notitie voor mezelf', clientId: 'n-1', kind: 'note' });
  await post(volunteer, escalation, { body: 'Probeer een notitie', clientId: 'n-2', kind: 'note' }).then((r) => expect(r.status).toBe(403));
  expect((await expert.get(`/escalations/${escalation}/messages`).expect(200)).body.messages.map((m: { kind: string }) => m.kind)).toEqual(['note']);
  expect((await volunteer.get(`/escalations/${escalation}/messages`).expect(200)).body.messages).toEqual([]);
});

test('the catch-up returns only what came after the given seq, in order', async () => {
  for (let i = 1; i <= 4; i++) t.deps.chat.appendSystem(escalation, `Regel ${i}`);
  const res = await volunteer.get(`/escalations/${escalation}/messages?after=2`).expect(200);
  expect(res.body.messages.map((m: { seq: number }) => m.seq)).toEqual([3, 4]);
  await volunteer.get(`/escalations/${escalation}/messages?after=-1`).expect(400);
});

test('another branch\'s volunteer and an expert who does not hold it get 404; an admin 403; unknown ids 404', async () => {
  t.deps.chat.appendSystem(escalation, 'Een expert heeft de vraag aangenomen');
  const outsiders = [await signedIn(t, 'vol-b@bieb.nl'), await signedIn(t, 'expert-2@bieb.nl')];
  for (const agent of outsiders) {
    await agent.get(`/escalations/${escalation}/messages`).expect(404);
    expect((await post(agent, escalation, { body: 'Meelezen', clientId: 'x-1' })).status).toBe(404);
    expect((await post(agent, escalation, { body: '', clientId: 'x-2' })).status).toBe(404);
  }
  const admin = await signedIn(t, 'admin@bieb.nl');
  await admin.get(`/escalations/${escalation}/messages`).expect(403);
  await volunteer.get(`/escalations/999999/messages`).expect(404);
  await volunteer.get(`/escalations/abc/messages`).expect(404);
  expect(count()).toBe(1);
  // The branch B volunteer's own escalation is theirs, not A's volunteer's.
  const theirs = addEscalation(t.deps, { branchId: branchB, expertId: null, status: 'queued' });
  await volunteer.get(`/escalations/${theirs}/messages`).expect(404);
  expect(() => t.deps.chat.post({ ...SYSTEM_ACTOR }, { escalationId: theirs, clientId: 'q', body: 'x' })).toThrow();
});

test('markup in a message is stored as typed and comes back as text, never as HTML', async () => {
  const markup = '<script>alert(1)</script><b>vet</b> & "quotes"';
  await post(volunteer, escalation, { body: markup, clientId: 'm-1' });
  const res = await expert.get(`/escalations/${escalation}/messages`).expect(200);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  expect(res.body.messages[0].body).toBe(markup);
});

test('the escalation page shows the conversation as text, with a fresh clientId per render for the no-JS form', async () => {
  const markup = '<script>alert(1)</script><img src=x onerror=alert(2)> & "quotes"';
  await post(volunteer, escalation, { body: markup, clientId: 'm-1' });
  for (const agent of [volunteer, expert]) {
    const page = await agent.get(`/escalations/${escalation}`).expect(200);
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; &amp; &#34;quotes&#34;');
    expect(page.text).not.toContain('<script>alert(1)');
    expect(page.text).not.toContain('<img src=x');
  }
  const ids = await Promise.all([1, 2].map(async () => /name="clientId" value="([^"]+)"/.exec((await volunteer.get(`/escalations/${escalation}`)).text)?.[1]));
  expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
  expect(ids[0]).not.toBe(ids[1]);
  // The volunteer's form has no note choice; the expert's has.
  expect((await volunteer.get(`/escalations/${escalation}`)).text).not.toContain('name="kind"');
  expect((await expert.get(`/escalations/${escalation}`)).text).toContain('name="kind"');
});
