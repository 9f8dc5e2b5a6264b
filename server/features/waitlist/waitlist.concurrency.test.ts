import request from 'supertest';
import { startLiveServer, type LiveServer } from '../../../tests/helpers/live-server';
import { createBranch, csrfFrom } from '../../../tests/helpers/test-app';
import { FakeClock } from '../../lib/clock';
import { localDate } from '../../lib/time';

const PUBLIC = { userId: null, label: 'public', ip: null };
const ALL_WEEK = { weekdays: [1, 2, 3, 4, 5], dayParts: ['morning', 'afternoon', 'evening'] as ('morning' | 'afternoon' | 'evening')[] };

describe('two people accepting offers for the same freed slot, through the real HTTP server', () => {
  let server: LiveServer;
  const clock = new FakeClock('2026-03-02T09:00:00Z');
  beforeAll(async () => {
    server = await startLiveServer({ clock });
  });
  afterAll(() => server.close());

  test('exactly one booking: the expired offer loses, a double click of the live one books once', async () => {
    const deps = server.deps;
    const branch = createBranch(deps, { desks: 1, horizonDays: 1 });
    for (const day of deps.availability.freeDays(branch, localDate(clock.now()), 3)) {
      for (const slot of day.slots) {
        deps.booking.book(PUBLIC, { branchId: branch, topicKey: 'digid', startsAt: slot.startsAt, name: 'Vol', email: null, phone: '0612345678', needs: {}, language: 'nl', channel: 'online', idempotencyKey: null, capacityOverride: false });
      }
    }
    deps.waitlist.join(PUBLIC, { branchId: branch, topicKey: 'digid', name: 'Anna', email: 'anna@example.nl', phone: null, language: 'nl', ...ALL_WEEK });
    deps.waitlist.join(PUBLIC, { branchId: branch, topicKey: 'digid', name: 'Bert', email: 'bert@example.nl', phone: null, language: 'nl', ...ALL_WEEK });
    const freed = deps.db.prepare("SELECT id, starts_at FROM appointments WHERE local_date = '2026-03-03' AND local_time = '11:00'").get() as { id: number; starts_at: string };
    deps.booking.cancelByStaff({ ...PUBLIC, system: true }, freed.id, 'Afgezegd');
    // Anna's offer runs out; the job passes the slot to Bert. Anna still has her e-mail with the link.
    clock.advance(4 * 3600_000);
    deps.waitlist.runPass();
    const links = (deps.db.prepare("SELECT to_address, text_body FROM outbox WHERE subject LIKE 'Er is een tijd vrij%' ORDER BY id").all() as { to_address: string; text_body: string }[]).map((m) => ({
      to: m.to_address,
      path: /\/waitlist\/offer\/[A-Za-z0-9_-]{43}/.exec(m.text_body)![0],
    }));
    expect(links.map((l) => l.to)).toEqual(['anna@example.nl', 'bert@example.nl']);

    // Anna and Bert (twice: a double click on two devices) each have the offer page open, then all press at once.
    const ready = await Promise.all(
      [links[0], links[1], links[1]].map(async (l) => {
        const agent = request.agent(server.url);
        const page = await agent.get(l.path);
        return { agent, path: l.path, csrf: page.status === 200 ? csrfFrom(page.text) : null, pageStatus: page.status };
      }),
    );
    expect(ready.map((r) => r.pageStatus)).toEqual([410, 200, 200]);
    // Anna's form from before the expiry: take the token of a fresh page of the same session.
    const annaCsrf = csrfFrom((await ready[0].agent.get('/waitlist')).text);
    const answers = await Promise.all(ready.map((r) => r.agent.post(r.path).type('form').send({ _csrf: r.csrf ?? annaCsrf })));
    expect(answers.map((a) => a.status)).toEqual([410, 303, 303]);
    expect(answers[1].headers.location).toBe(answers[2].headers.location);

    const bookings = deps.db.prepare("SELECT name FROM appointments WHERE starts_at = ? AND status = 'booked'").all(freed.starts_at);
    expect(bookings).toEqual([{ name: 'Bert' }]);
    expect(deps.db.prepare("SELECT status FROM waitlist_offers ORDER BY id").pluck().all()).toEqual(['expired', 'accepted']);
  });
});
