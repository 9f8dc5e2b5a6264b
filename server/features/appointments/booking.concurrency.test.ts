import path from 'node:path';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { startLiveServer, type LiveServer } from '../../../tests/helpers/live-server';
import { buildOnce, freePort, startCompiledServer, type CompiledServer } from '../../../tests/helpers/compiled-server';
import { createBranch, csrfFrom, tempDir, testConfig } from '../../../tests/helpers/test-app';
import { openDatabase } from '../../db/open';
import { migrate } from '../../db/migrate';
import { MIGRATIONS_DIR } from '../../paths';
import { buildDeps, type Deps } from '../../deps';
import { FakeClock, systemClock } from '../../lib/clock';
import { createLogger } from '../../lib/logger';
import { localDate } from '../../lib/time';

const START = '2026-03-03T09:00:00.000Z'; // Tuesday 10:00 in Amsterdam
const PEOPLE = 50;

/** One citizen: their own cookie jar (session), CSRF token and idempotency key, ready to press "book". */
async function preparedCitizen(url: string, branch: number, n: number, start = START): Promise<{ agent: TestAgent; body: Record<string, string> }> {
  const agent = request.agent(url);
  const details = `/book/details?branch=${branch}&topic=digid&start=${encodeURIComponent(start)}`;
  const page = await agent.get(details);
  const posted = await agent
    .post(details)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), name: `Burger ${n}`, email: `burger${n}@example.nl`, phone: '', language: 'nl' });
  if (posted.status !== 303) throw new Error(`details: ${posted.status} ${posted.text.slice(0, 300)}`);
  const check = await agent.get('/book/check');
  return { agent, body: { _csrf: csrfFrom(check.text), key: /name="key" value="([^"]+)"/.exec(check.text)![1], consent: 'on', website: '' } };
}

describe('the last free desk, 50 people at once, through the real HTTP server', () => {
  let server: LiveServer;
  beforeAll(async () => {
    server = await startLiveServer({ clock: new FakeClock('2026-03-02T08:00:00Z') });
  });
  afterAll(() => server.close());

  test('exactly one booking, 49 friendly "taken" pages, never more bookings than desks', async () => {
    const deps = server.deps;
    const branch = createBranch(deps, { desks: 3 });
    fillAllButOneDesk(deps, branch, START);
    const citizens = [];
    for (let n = 0; n < PEOPLE; n++) citizens.push(await preparedCitizen(server.url, branch, n));

    const started = process.hrtime.bigint();
    const responses = await Promise.all(citizens.map((c) => c.agent.post('/book').type('form').send(c.body)));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // Shown when run with --verbose; the figure goes in the engineer's note, not in an assertion.
    process.stdout.write(`50 simultaneous booking POSTs answered in ${ms.toFixed(0)} ms (${((PEOPLE / ms) * 1000).toFixed(0)} req/s)\n`);

    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 303)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(PEOPLE - 1);
    for (const r of responses.filter((x) => x.status === 409)) expect(r.text).toContain('Deze tijd is net weg');
    const active = deps.db
      .prepare("SELECT count(*) FROM appointments WHERE branch_id = ? AND starts_at = ? AND status NOT IN ('cancelled', 'no_show')")
      .pluck()
      .get(branch, START);
    expect(active).toBe(3);
    expect(deps.db.prepare("SELECT count(*) FROM outbox WHERE kind = 'appointment-confirmation'").pluck().get()).toBe(1);
    expect(deps.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});

/** Two earlier bookings leave the last of three desks: where both tests start. */
function fillAllButOneDesk(deps: Deps, branch: number, startsAt: string): void {
  for (let i = 0; i < 2; i++) {
    deps.booking.book({ userId: null, label: 'public', ip: null }, {
      branchId: branch, topicKey: 'digid', startsAt, name: `Eerder ${i}`, email: null, phone: '0612345678', needs: {}, language: 'nl', channel: 'online', idempotencyKey: null, capacityOverride: false,
    });
  }
}

describe('the last free desk, 50 people at once, through two server processes on one database file', () => {
  jest.setTimeout(180_000);
  beforeAll(() => buildOnce(), 120_000);

  test('exactly one booking, 49 friendly "taken" pages, whichever process each request reaches', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'dichterbij.sqlite');
    const secret = 'two-processes-two-processes-two-processes';
    // The test's own connection: set-up before and the count after (real clock, like the two servers).
    const db = openDatabase(file);
    migrate(db, MIGRATIONS_DIR);
    const deps = buildDeps(testConfig(dir, { DATABASE_PATH: file, SESSION_SECRET: secret }), db, { clock: systemClock, logger: createLogger('silent') });
    const branch = createBranch(deps, { desks: 3, horizonDays: 28 });
    deps.branches.replaceOpeningHours({ userId: null, label: 'test', ip: null, system: true }, branch, [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '09:00', closes: '17:00' })));
    const [day] = deps.availability.nextFreeDays(branch, localDate(systemClock.now()), 1).days;
    const start = day.slots[day.slots.length - 1].startsAt; // the day's last time: hours of notice to spare
    fillAllButOneDesk(deps, branch, start);

    const servers: CompiledServer[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        servers.push(await startCompiledServer({ PORT: String(await freePort()), DATABASE_PATH: file, SESSION_SECRET: secret, NODE_ENV: 'test' }));
      }
      // Each citizen prepares on (and has their session at) the process that will take their confirmation.
      const citizens = [];
      for (let n = 0; n < PEOPLE; n++) citizens.push({ url: servers[n % 2].url, ...(await preparedCitizen(servers[n % 2].url, branch, n, start)) });

      const responses = await Promise.all(citizens.map((c) => c.agent.post('/book').type('form').send(c.body)));

      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 303)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(PEOPLE - 1);
      for (const r of responses.filter((x) => x.status === 409)) expect(r.text).toContain('Deze tijd is net weg');
      // Both processes really took part: each answered its half (none of them failed or timed out).
      for (const s of servers) expect(citizens.filter((c, i) => c.url === s.url && [303, 409].includes(statuses[i]))).toHaveLength(PEOPLE / 2);
    } finally {
      for (const s of servers) {
        s.child.kill('SIGTERM');
        await s.exited;
      }
    }
    const active = db
      .prepare("SELECT count(*) FROM appointments WHERE branch_id = ? AND starts_at = ? AND status NOT IN ('cancelled', 'no_show')")
      .pluck()
      .get(branch, start);
    expect(active).toBe(3);
    expect(db.prepare("SELECT count(*) FROM outbox WHERE kind = 'appointment-confirmation'").pluck().get()).toBe(1);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    await deps.outboxSender.stop();
    db.close();
  });
});
