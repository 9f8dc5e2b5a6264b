import request from 'supertest';
import { startLiveServer, type LiveServer } from '../../../tests/helpers/live-server';
import { signInLive } from '../../../tests/helpers/arrival';
import { createBranch, createUser } from '../../../tests/helpers/test-app';

/**
 * Two experts press "accept" on the same escalation at the same moment, against the running server (two
 * HTTP requests really in flight together): exactly one wins, the other is told it is taken. The guard is
 * the `WHERE status = 'queued'` of the accept UPDATE (escalations.repository.ts).
 */
describe('accepting one escalation from two experts at once', () => {
  let server: LiveServer;
  let vol: { cookie: string; csrf: string };
  let experts: { cookie: string; csrf: string }[];
  let branch: number;

  beforeAll(async () => {
    server = await startLiveServer({ env: { STAFF_IDLE_MINUTES: '100000', SESSION_ABSOLUTE_HOURS: '100000' } });
    branch = createBranch(server.deps, { name: 'Centrale Bibliotheek' });
    await createUser(server.deps, 'volunteer', [branch], 'vol@bieb.nl');
    await createUser(server.deps, 'expert', [], 'expert1@dhl.nl');
    await createUser(server.deps, 'expert', [], 'expert2@dhl.nl');
    vol = await signInLive(server.url, 'vol@bieb.nl');
    experts = [await signInLive(server.url, 'expert1@dhl.nl'), await signInLive(server.url, 'expert2@dhl.nl')];
    for (const e of experts) {
      const res = await request(server.url).post('/escalations/presence').set('Cookie', e.cookie).type('form').send({ _csrf: e.csrf, status: 'available' });
      expect(res.status).toBe(303);
    }
  });
  afterAll(() => server.close());

  function addQuestion(): number {
    const db = server.deps.db;
    const tax = server.deps.categories.taxonomy();
    const id = (kind: Parameters<typeof tax.byKey>[0], key: string): number => tax.byKey(kind, key)!.id;
    const now = server.deps.clock.now().toISOString();
    const visit = Number(db.prepare(`INSERT INTO visits (branch_id, channel_id, started_at, local_date, created_at) VALUES (?, ?, ?, '2026-03-02', ?)`).run(branch, id('channel', 'desk'), now, now).lastInsertRowid);
    return Number(
      db
        .prepare(
          `INSERT INTO questions (visit_id, branch_id, channel_id, local_date, local_month, type_id, organisation_id, help_id, duration_id, outcome_id, source, created_at, updated_at)
           VALUES (?, ?, ?, '2026-03-02', '2026-03', ?, ?, ?, ?, ?, 'form', ?, ?)`,
        )
        .run(visit, branch, id('channel', 'desk'), id('question_type', 'digital_government'), id('organisation', 'digid'), id('help', 'together'), id('duration', 'm15_30'), id('outcome', 'escalated'), now, now)
        .lastInsertRowid,
    );
  }

  test('exactly one wins, every time; the other gets a clear 409 and the escalation has one expert', async () => {
    for (let round = 0; round < 3; round++) {
      const q = addQuestion();
      const created = await request(server.url).post('/escalations').set('Cookie', vol.cookie).type('form').send({ _csrf: vol.csrf, question: String(q), description: 'DigiD-app activeren lukt niet' });
      expect(created.status).toBe(303);
      const id = Number(/\/escalations\/(\d+)$/.exec(created.headers.location)![1]);

      const answers = await Promise.all(
        experts.map((e) => request(server.url).post(`/escalations/${id}/accept`).set('Cookie', e.cookie).type('form').send({ _csrf: e.csrf })),
      );
      const statuses = answers.map((r) => r.status).sort();
      expect(`round ${round}: ${statuses.join(', ')}`).toBe(`round ${round}: 303, 409`);
      const loser = answers.find((r) => r.status === 409)!;
      expect(loser.text).toContain('Een andere expert heeft deze vraag al aangenomen.');
      const winnerIndex = answers.findIndex((r) => r.status === 303);
      const row = server.deps.db.prepare('SELECT status, expert_id FROM escalations WHERE id = ?').get(id) as { status: string; expert_id: number };
      const winnerId = server.deps.db.prepare('SELECT id FROM users WHERE email = ?').pluck().get(`expert${winnerIndex + 1}@dhl.nl`);
      expect(row).toEqual({ status: 'active', expert_id: winnerId });
      // One accept in the audit log and one system line in the conversation, not two.
      expect(server.deps.db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'escalation.accepted' AND subject_id = ?`).pluck().get(String(id))).toBe(1);
      expect(server.deps.db.prepare(`SELECT count(*) FROM chat_messages WHERE escalation_id = ? AND kind = 'system'`).pluck().get(id)).toBe(1);
    }
  });
});
