import type TestAgent from 'supertest/lib/agent';
import { createTestApp, createBranch, csrfFrom, type TestApp } from '../../../tests/helpers/test-app';
import { FakeClock } from '../../lib/clock';

/** Walks the public flow up to the check page; returns the check page's HTML. */
async function fillBooking(agent: TestAgent, branch: number, start: string, details: Record<string, string> = {}): Promise<string> {
  const page = await agent.get(`/book/details?branch=${branch}&topic=digid&start=${encodeURIComponent(start)}`);
  if (page.status !== 200) throw new Error(`details page: ${page.status}`);
  const res = await agent
    .post(`/book/details?branch=${branch}&topic=digid&start=${encodeURIComponent(start)}`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), name: 'Jan de Vries', email: 'jan@example.nl', phone: '', language: 'nl', ...details });
  if (res.status !== 303) throw new Error(`details post: ${res.status}`);
  const check = await agent.get('/book/check');
  return check.text;
}

function confirmBody(check: string, extra: Record<string, string> = {}): Record<string, string> {
  return { _csrf: csrfFrom(check), key: /name="key" value="([^"]+)"/.exec(check)![1], consent: 'on', website: '', ...extra };
}

describe('public booking flow /book', () => {
  let t: TestApp;
  let branch: number;
  const start = '2026-03-03T09:00:00.000Z'; // Tuesday 10:00 in Amsterdam
  beforeEach(() => {
    t = createTestApp({ clock: new FakeClock('2026-03-02T08:00:00Z') });
    branch = createBranch(t.deps, { desks: 1, name: 'Centrale Bibliotheek' });
  });
  afterEach(() => t.close());

  test('steps 1–3 are GET forms without a session; times are listed per day in plain words', async () => {
    const one = await t.agent().get('/book');
    expect(one.status).toBe(200);
    expect(one.text).toContain('action="/book/topic"');
    expect(one.headers['set-cookie']).toBeUndefined();
    const two = await t.agent().get(`/book/topic?branch=${branch}`);
    expect(two.text).toContain('DigiD: aanvragen, activeren of de DigiD app');
    const three = await t.agent().get(`/book/time?branch=${branch}&topic=digid`);
    expect(three.status).toBe(200);
    expect(three.text).toContain('Vrije tijden op maandag 2 maart');
    expect(three.text).toContain(`value="${start}"`);
    expect(three.text).toContain('Latere dagen');
    expect(three.headers['set-cookie']).toBeUndefined();
  });

  test('missing choices give 400 with the error summary on the same step', async () => {
    const noBranch = await t.agent().get('/book/topic');
    expect(noBranch.status).toBe(400);
    expect(noBranch.text).toContain('href="#branch"');
    const noTopic = await t.agent().get(`/book/time?branch=${branch}`);
    expect(noTopic.status).toBe(400);
    expect(noTopic.text).toContain('href="#topic"');
    const noTime = await t.agent().get(`/book/details?branch=${branch}&topic=digid`);
    expect(noTime.status).toBe(400);
    expect(noTime.text).toContain('href="#start"');
    expect((await t.agent().get('/book/time?branch=999&topic=digid')).status).toBe(404);
  });

  test('details: name and one contact required; 400 keeps values and escapes markup', async () => {
    const agent = t.agent();
    const url = `/book/details?branch=${branch}&topic=digid&start=${encodeURIComponent(start)}`;
    const page = await agent.get(url);
    const res = await agent.post(url).type('form').send({ _csrf: csrfFrom(page.text), name: '<script>x</script>', email: '', phone: '', language: 'nl' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('href="#email"');
    expect(res.text).toContain('Vul een e-mailadres of een telefoonnummer in');
    expect(res.text).toContain('value="&lt;script&gt;x&lt;/script&gt;"');
    const bad = await agent.post(url).type('form').send({ _csrf: csrfFrom(page.text), name: 'Jan', email: 'nope', phone: '12', language: 'nl' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('href="#phone"');
    const noCsrf = await agent.post(url).type('form').send({ name: 'Jan', email: 'jan@example.nl', language: 'nl' });
    expect(noCsrf.status).toBe(403);
  });

  test('confirm books once; a double submit and a back-and-repost land on the same booking', async () => {
    const agent = t.agent();
    // One language question (issue #15 item 7): another language, and which one, shows on the check page.
    const check = await fillBooking(agent, branch, start, { phone: '06 12345678', help_language: 'other', other_language: 'Arabisch' });
    expect(check).toContain('dinsdag 3 maart 2026, 10:00');
    expect(check).toContain('Arabisch');
    const body = confirmBody(check);
    const [a, b] = await Promise.all([agent.post('/book').type('form').send(body), agent.post('/book').type('form').send(body)]);
    expect(a.status).toBe(303);
    expect(b.status).toBe(303);
    expect(a.headers.location).toBe(b.headers.location);
    expect(a.headers.location).toMatch(/^\/appointments\/[A-Za-z0-9_-]{43}\?booked=1$/);
    const again = await agent.post('/book').type('form').send(body);
    expect(again.headers.location).toBe(a.headers.location);
    expect(t.db.prepare('SELECT count(*) FROM appointments').pluck().get()).toBe(1);
    expect(t.db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(1);
    const card = await agent.get(a.headers.location);
    expect(card.status).toBe(200);
    expect(card.text).toContain('Uw afspraak is gemaakt.');
    expect(card.text).toMatch(/class="code">[23456789A-HJKMNP-Z]{7}</);
    expect(card.text).toContain('Neem dit mee');
    // Back to the check page after booking: it says so instead of offering a second booking.
    const back = await agent.get('/book/check');
    expect(back.text).toContain('U heeft deze afspraak al gemaakt.');
    expect(back.text).not.toContain('action="/book"');
  });

  test('consent is required; the honeypot refuses robots; no draft means start again', async () => {
    const agent = t.agent();
    const check = await fillBooking(agent, branch, start);
    const noConsent = await agent.post('/book').type('form').send(confirmBody(check, { consent: '' }));
    expect(noConsent.status).toBe(400);
    expect(noConsent.text).toContain('href="#consent"');
    const robot = await agent.post('/book').type('form').send(confirmBody(check, { website: 'http://spam.example' }));
    expect(robot.status).toBe(400);
    expect(t.db.prepare('SELECT count(*) FROM appointments').pluck().get()).toBe(0);
    const fresh = await t.agent().get('/book/check');
    expect(fresh.text).toContain('Begin opnieuw');
  });

  test('a time taken meanwhile gives 409 with the nearest free times', async () => {
    const agent = t.agent();
    const check = await fillBooking(agent, branch, start);
    t.deps.booking.book({ userId: null, label: 'public', ip: null }, {
      branchId: branch, topicKey: 'other', startsAt: start, name: 'X', email: null, phone: '0612345678', needs: {}, language: 'nl', channel: 'online', idempotencyKey: null, capacityOverride: false,
    });
    const res = await agent.post('/book').type('form').send(confirmBody(check));
    expect(res.status).toBe(409);
    expect(res.text).toContain('Deze tijd is net weg');
    expect(res.text).toContain('dinsdag 3 maart, 09:30');
    expect(res.text).toContain('dinsdag 3 maart, 10:30');
    expect(t.db.prepare('SELECT count(*) FROM appointments').pluck().get()).toBe(1);
  });

  test('English pages and e-mail when the citizen chose English', async () => {
    const agent = t.agent();
    await agent.get('/language/en?back=/book');
    const three = await agent.get(`/book/time?branch=${branch}&topic=digid`);
    expect(three.text).toContain('Free times on Monday 2 March');
    const check = await fillBooking(agent, branch, start, { language: 'en' });
    const res = await agent.post('/book').type('form').send(confirmBody(check));
    expect(res.status).toBe(303);
    expect(t.db.prepare('SELECT subject FROM outbox').pluck().get()).toBe('Your appointment on Tuesday 3 March 2026 at 10:00');
  });

  test('language is asked once: Dutch or another language, and only then which one; the consent stands out', async () => {
    const agent = t.agent();
    const url = `/book/details?branch=${branch}&topic=digid&start=${encodeURIComponent(start)}`;
    const page = await agent.get(url);
    expect(page.text.match(/In welke taal/g)).toHaveLength(1);
    expect(page.text).not.toContain('name="language"');
    expect(page.text).not.toContain('need_interpreter');
    expect(page.text).not.toContain('need_other_language');
    expect(page.text).toMatch(/id="help_language" name="help_language" value="nl" checked/);
    const missing = await agent.post(url).type('form').send({ _csrf: csrfFrom(page.text), name: 'Jan', email: 'jan@example.nl', help_language: 'other', other_language: '' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('Vul in welke taal u spreekt');
    expect(missing.text).toContain('href="#other_language"');
    const check = await fillBooking(agent, branch, start, { help_language: 'other', other_language: 'Turks' });
    expect(check).toContain('class="field consent-box"');
    expect(check).toContain('Uw toestemming');
    await agent.post('/book').type('form').send(confirmBody(check));
    expect(t.db.prepare('SELECT needs, language FROM appointments').get()).toEqual({ needs: '{"otherLanguage":"Turks"}', language: 'nl' });
  });

  test('wrong methods get 405', async () => {
    const agent = t.agent();
    const page = await agent.get(`/book/details?branch=${branch}&topic=digid&start=${encodeURIComponent(start)}`);
    const token = csrfFrom(page.text);
    expect((await agent.put('/book').set('x-csrf-token', token)).status).toBe(405);
    expect((await agent.delete('/book/time').set('x-csrf-token', token)).status).toBe(405);
    expect((await agent.post('/book/check').set('x-csrf-token', token)).status).toBe(405);
  });
});
