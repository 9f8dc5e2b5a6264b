import type TestAgent from 'supertest/lib/agent';
import { createTestApp, createBranch, createUser, csrfFrom, signIn, type TestApp } from '../../../tests/helpers/test-app';
import { addBooking } from '../../../tests/helpers/arrival';

const TODAY = '2026-03-02';

/**
 * Issue #15 item 3: every desk button keeps the volunteer on the desk, at the panel they pressed it in, with a
 * message that names the person or number. One test per action, each following the redirect to the message.
 */
describe('desk actions return to the desk with a message naming who', () => {
  let t: TestApp;
  let branch: number;
  let desk: TestAgent;
  let token: string;

  beforeEach(async () => {
    t = createTestApp();
    branch = createBranch(t.deps, { name: 'Centrale Bibliotheek', desks: 3 });
    await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
    desk = t.agent();
    await signIn(desk, 'vol@bieb.nl');
    token = csrfFrom((await desk.get('/desk')).text);
  });
  afterEach(() => t.close());

  /** Posts a desk button and returns where it went plus the message shown there. */
  async function press(path: string, form: Record<string, string> = {}): Promise<{ location: string; message: string }> {
    const res = await desk.post(path).type('form').send({ _csrf: token, ...form });
    expect(res.status).toBe(303);
    const location = res.headers.location as string;
    const page = await desk.get(location.replace(/#.*$/, ''));
    const match = /<div class="notice notice-success" role="status"><p>([^<]*)<\/p>/.exec(page.text);
    return { location, message: match?.[1] ?? '' };
  }

  const walkin = (): number => t.deps.arrival.takeNumber(branch, 'digid').id;
  const booking = (name: string, code: string): number => addBooking(t.deps, { branchId: branch, date: TODAY, time: '10:30', code, name });

  test('Oproepen: "Nummer 1 opgeroepen naar balie 2", back at the queue panel', async () => {
    const id = walkin();
    expect(await press(`/queue/walkins/${id}/call`, { desk: '2' })).toEqual({ location: `/desk?branch=${branch}#queue-panel`, message: 'Nummer 1 opgeroepen naar balie 2.' });
  });

  test('Oproepen for an appointment names the person and the desk', async () => {
    const id = booking('Mevrouw Jansen', 'K7M2QXA');
    t.deps.arrival.checkIn(branch, 'K7M2QXA', null);
    expect(await press(`/queue/appointments/${id}/call`, { desk: '3' })).toEqual({
      location: `/desk?branch=${branch}#queue-panel`,
      message: 'Mevrouw Jansen (afspraak 10:30) opgeroepen naar balie 3.',
    });
  });

  test('Helpen (start) stays on the desk and names the number', async () => {
    const id = walkin();
    const res = await press(`/queue/walkins/${id}/start`);
    expect(res.location).toBe(`/desk?branch=${branch}#queue-panel`);
    expect(res.message).toContain('U helpt nu Nummer 1.');
  });

  test('Helpen (start) for an appointment names the person', async () => {
    const id = booking('Mevrouw Jansen', 'K7M2QXA');
    t.deps.arrival.checkIn(branch, 'K7M2QXA', null);
    const res = await press(`/queue/appointments/${id}/start`);
    expect(res.location).toBe(`/desk?branch=${branch}#queue-panel`);
    expect(res.message).toContain('U helpt nu Mevrouw Jansen (afspraak 10:30).');
  });

  test('Klaar and Niet gekomen in the queue name the number', async () => {
    const a = walkin();
    const b = walkin();
    expect(await press(`/queue/walkins/${a}/done`)).toEqual({ location: `/desk?branch=${branch}#queue-panel`, message: 'Nummer 1 is klaar.' });
    expect(await press(`/queue/walkins/${b}/no-show`)).toEqual({ location: `/desk?branch=${branch}#queue-panel`, message: 'Nummer 2 is niet gekomen.' });
  });

  test.each([
    ['arrived', 'Mevrouw Jansen (10:30 uur) is aanwezig.'],
    ['no_show', 'Mevrouw Jansen (10:30 uur) is niet gekomen.'],
    ['done', 'Mevrouw Jansen (10:30 uur) is klaar.'],
  ])('appointments panel: %s returns to the appointments panel on the desk', async (status, message) => {
    const id = booking('Mevrouw Jansen', 'K7M2QXA');
    const page = await desk.get('/desk');
    // The desk's buttons carry back=desk; the same buttons on /appointments do not.
    expect(page.text).toContain(`action="/appointments/${id}/status?back=desk"`);
    expect(await press(`/appointments/${id}/status?back=desk`, { status })).toEqual({ location: `/desk?branch=${branch}#appointments-today`, message });
  });

  test('without a name the appointment is named by its code', async () => {
    const id = booking('', 'K7M2QXB');
    expect((await press(`/appointments/${id}/status?back=desk`, { status: 'arrived' })).message).toBe('Afspraak K7M2QXB (10:30 uur) is aanwezig.');
  });

  test('the desk is ordered by urgency: queue, then appointments, then registration', async () => {
    const page = (await desk.get('/desk')).text;
    const at = ['id="queue-panel"', 'id="appointments-today"', 'id="intake"'].map((s) => page.indexOf(s));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });
});
