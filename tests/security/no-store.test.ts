import { createBranch, createTestApp, createUser, signedIn, type TestApp } from '../helpers/test-app';
import type { Actor } from '../../server/lib/actor';
import { addEscalation } from '../helpers/chat';

/**
 * Every page that shows a citizen's personal data answers `Cache-Control: no-store` (server/http/no-store.ts),
 * so the next person at a shared desk PC or kiosk cannot bring it back from the cache with the back button.
 * A new page with personal data belongs in this list.
 */
let t: TestApp;
let urls: { volunteer: string[]; admin: string[]; expert: string[] };

beforeAll(async () => {
  t = createTestApp();
  const branch = createBranch(t.deps);
  const volId = await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
  await createUser(t.deps, 'admin', [], 'admin@bieb.nl');
  const expertId = await createUser(t.deps, 'expert', [], 'expert@bieb.nl');
  const u = t.deps.users.get(volId);
  const vol: Actor = { userId: volId, label: u.email, ip: null, user: { ...u, mustChangePassword: false } };
  const now = '2026-03-02T08:00:00.000Z';
  const appointment = Number(
    t.db
      .prepare(
        `INSERT INTO appointments (branch_id, starts_at, ends_at, local_date, local_time, topic_key, code, token_hash, name, email, channel, created_at, updated_at)
         VALUES (?, '2026-03-02T13:00:00.000Z', '2026-03-02T13:30:00.000Z', '2026-03-02', '14:00', 'digid', 'ABCDEF', 'h', 'Jan Jansen', 'jan@example.nl', 'online', ?, ?)`,
      )
      .run(branch, now, now).lastInsertRowid,
  );
  const device = t.deps.devices.add(vol, branch, { type: 'laptop', assetTag: 'LAP-1', serial: '', makeModel: '', kit: [], notes: '' });
  const loan = t.deps.loans.lend(vol, branch, {
    assetTag: 'LAP-1',
    borrower: { name: 'Fatima El Amrani', contact: '0611111111', libraryCard: null },
    dueDate: null,
    kitOut: [],
    agreementAccepted: true,
    depositCents: 0,
    allowExtra: false,
  });
  const outbox = Number(
    t.db
      .prepare(`INSERT INTO outbox (message_id, kind, to_address, subject, text_body, html_body, next_attempt_at, created_at) VALUES ('m1', 'booking', 'jan@example.nl', 'Afspraak', 'Beste Jan', '<p>Beste Jan</p>', ?, ?)`)
      .run(now, now).lastInsertRowid,
  );
  // A chat (its transcript is personal data) and a callback request (a phone number).
  const escalation = addEscalation(t.deps, { branchId: branch, expertId });
  t.deps.chat.post({ userId: expertId, label: 'expert@bieb.nl', ip: null, user: { ...t.deps.users.get(expertId), mustChangePassword: false } }, { escalationId: escalation, clientId: 'c1', body: 'Welke gemeente?' });
  const callback = Number(
    t.db
      .prepare(`INSERT INTO callback_requests (branch_id, phone, preferred_moment, consent_at, created_at) VALUES (?, '0612345678', 'ochtend', ?, ?)`)
      .run(branch, now, now).lastInsertRowid,
  );
  urls = {
    volunteer: [
      '/appointments',
      `/appointments/${appointment}`,
      `/appointments/day?branch=${branch}&date=2026-03-02`,
      '/loans',
      `/loans/${loan.id}`,
      `/loans/${loan.id}/agreement`,
      `/loans/borrowers/${loan.borrowerId}`,
      '/loans/overdue',
      '/devices',
      `/devices/${device}`,
      `/escalations/${escalation}`,
      `/escalations/${escalation}/messages`,
    ],
    expert: [`/escalations/${escalation}`, `/escalations/${escalation}/messages`, `/escalations/callbacks/${callback}`],
    admin: ['/admin/outbox', `/admin/outbox/${outbox}`],
  };
});
afterAll(() => t.close());

test('pages with personal data: Cache-Control no-store', async () => {
  for (const [email, list] of [['vol@bieb.nl', urls.volunteer], ['expert@bieb.nl', urls.expert], ['admin@bieb.nl', urls.admin]] as const) {
    const agent = await signedIn(t, email);
    for (const url of list) {
      const res = await agent.get(url);
      expect({ url, status: res.status }).toEqual({ url, status: 200 });
      expect({ url, cache: res.headers['cache-control'] }).toEqual({ url, cache: 'no-store' });
    }
  }
});

test('the public statements hold no personal data and may be cached', async () => {
  for (const url of ['/privacy', '/toegankelijkheid']) {
    const res = await t.agent().get(url);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control'] ?? '').not.toContain('no-store');
  }
});
