import request from 'supertest';
import { startLiveServer, type LiveServer } from '../helpers/live-server';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp';
import { freePort } from '../helpers/compiled-server';
import { createBranch, csrfFrom, tempDir } from '../helpers/test-app';
import { FakeClock } from '../../server/lib/clock';

/**
 * SPEC §7 "SMTP down: bookings still succeed, mail waits in the outbox and is sent once when SMTP returns",
 * with a restart in the middle (issue 12 item 7): the SMTP server is unreachable, 100 citizens book through
 * the real HTTP server with its background jobs on, the server stops and starts again on the same data folder
 * and port while SMTP is still down, then SMTP comes back on its port and exactly 100 confirmations arrive,
 * each once.
 *
 * Time: the outbox backs off 30 s, 1 min, 2 min … after failed attempts. Production keeps those delays; the
 * test moves its fake clock (shared by both server runs) past them and asks the running sender for its next
 * round instead of waiting for its 15-second timer.
 */
jest.setTimeout(120_000);

const BOOKINGS = 100;
const DESKS = 10;
// Tuesday 17 March 2026, 09:00 … 13:30 in Amsterdam (UTC+1): ten half-hour slots of ten desks. Two weeks
// ahead, so the day-before reminders stay out of this test's day of fake time.
const SLOTS = Array.from({ length: BOOKINGS / DESKS }, (_, i) => new Date(Date.UTC(2026, 2, 17, 8, 30 * i)).toISOString());
const emailOf = (n: number): string => `uitval-${n}@example.nl`;

async function book(url: string, branch: number, start: string, n: number): Promise<number> {
  // Every citizen from their own address, as in real life, so the per-address confirm limit stays on.
  const ip = `10.0.${n >> 8}.${n & 255}`;
  const agent = request.agent(url);
  const details = `/book/details?branch=${branch}&topic=digid&start=${encodeURIComponent(start)}`;
  const page = await agent.get(details).set('X-Forwarded-For', ip);
  const posted = await agent
    .post(details)
    .set('X-Forwarded-For', ip)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), name: `Burger ${n}`, email: emailOf(n), phone: '', language: 'nl' });
  if (posted.status !== 303) throw new Error(`details ${n}: ${posted.status}`);
  const check = await agent.get('/book/check').set('X-Forwarded-For', ip);
  const res = await agent
    .post('/book')
    .set('X-Forwarded-For', ip)
    .type('form')
    .send({ _csrf: csrfFrom(check.text), key: /name="key" value="([^"]+)"/.exec(check.text)![1], consent: 'on', website: '' });
  return res.status;
}

let server: LiveServer | null = null;
let smtp: TestSmtpServer | null = null;
afterEach(async () => {
  await server?.close();
  await smtp?.stop();
  server = null;
  smtp = null;
});

test('SMTP down, 100 bookings, a restart while still down, SMTP back: exactly 100 confirmations, each once', async () => {
  // A port nobody listens on: find one, take the server away again.
  const probe = await startSmtpServer();
  const smtpPort = probe.port;
  await probe.stop();
  const clock = new FakeClock('2026-03-02T08:00:00Z');
  const dir = tempDir('dichterbij-outage-');
  const port = await freePort();
  const env = { SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, TRUST_PROXY: '1' };
  const start = (): Promise<LiveServer> => startLiveServer({ dir, port, clock, backgroundJobs: true, env });
  /** The outbox by kind and status, once the sender (its timer may be in a round too) has nothing in hand. */
  const outbox = async (s: LiveServer): Promise<Record<string, number>> => {
    for (let i = 0; i < 100 && s.deps.db.prepare("SELECT count(*) FROM outbox WHERE status = 'sending'").pluck().get() !== 0; i++) await new Promise((r) => setTimeout(r, 50));
    const rows = s.deps.db.prepare('SELECT kind, status, count(*) AS n FROM outbox GROUP BY kind, status').all() as { kind: string; status: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [`${r.kind} ${r.status}`, r.n]));
  };

  server = await start();
  const branch = createBranch(server.deps, { desks: DESKS });
  const statuses: number[] = [];
  for (let batch = 0; batch < BOOKINGS; batch += 20) {
    const url = server.url;
    statuses.push(...(await Promise.all(Array.from({ length: 20 }, (_, i) => book(url, branch, SLOTS[Math.floor((batch + i) / DESKS)], batch + i)))));
  }
  expect(statuses.filter((s) => s === 303)).toHaveLength(BOOKINGS);
  expect(server.deps.db.prepare('SELECT count(*) FROM appointments').pluck().get()).toBe(BOOKINGS);
  // The background sender tried (SMTP refused), so every confirmation waits, none sent, none given up.
  await server.deps.outboxSender.runOnce();
  expect(await outbox(server)).toEqual({ 'appointment-confirmation pending': BOOKINGS });
  const tried = server.deps.db.prepare('SELECT count(*) FROM outbox WHERE attempts > 0').pluck().get() as number;
  expect(tried).toBeGreaterThan(0);

  // Restart on the same folder and port; SMTP still down. The new process tries again and fails again.
  await server.close();
  server = await start();
  clock.advance(60 * 60_000);
  await server.deps.outboxSender.runOnce();
  await server.deps.outboxSender.runOnce();
  expect(await outbox(server)).toEqual({ 'appointment-confirmation pending': BOOKINGS });
  expect(server.deps.db.prepare("SELECT count(*) FROM outbox WHERE last_error LIKE '%ECONNREFUSED%'").pluck().get()).toBeGreaterThan(0);

  // SMTP comes back on its port. Past the longest backoff so far, the sender's next rounds deliver everything.
  smtp = await startSmtpServer(smtpPort);
  clock.advance(6 * 60 * 60_000);
  for (let round = 0; round < 10 && smtp.messages.length < BOOKINGS; round++) {
    await server.deps.outboxSender.runOnce();
  }
  await smtp.waitFor(BOOKINGS, 30_000);
  // Rounds long after: nothing more is sent (also not by the 15-second timer meanwhile).
  for (let i = 0; i < 3; i++) {
    clock.advance(6 * 60 * 60_000);
    await server.deps.outboxSender.runOnce();
  }
  await new Promise((r) => setTimeout(r, 300));

  expect(smtp.messages).toHaveLength(BOOKINGS);
  const ids = smtp.messages.map((m) => m.messageId);
  expect(new Set(ids).size).toBe(BOOKINGS);
  const recipients = smtp.messages.flatMap((m) => (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address))).sort();
  expect(recipients).toEqual(Array.from({ length: BOOKINGS }, (_, n) => emailOf(n)).sort());
  expect(await outbox(server)).toEqual({ 'appointment-confirmation sent': BOOKINGS });
});
