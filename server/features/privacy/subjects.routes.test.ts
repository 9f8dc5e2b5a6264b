import { createBranch, createTestApp, createUser, csrfFrom, signedIn, type TestApp } from '../../../tests/helpers/test-app';
import type { Actor } from '../../lib/actor';

let t: TestApp;
let branchA: number;
let branchB: number;
const ids: Record<string, number> = {};
let codeCounter = 0;

function booking(branch: number, name: string, email: string | null, phone: string | null): number {
  codeCounter++;
  const now = '2026-03-02T08:00:00.000Z';
  return Number(
    t.db
      .prepare(
        `INSERT INTO appointments (branch_id, starts_at, ends_at, local_date, local_time, topic_key, code, token_hash, status, name, email, phone, channel, created_at, updated_at)
         VALUES (?, '2026-03-02T13:00:00.000Z', '2026-03-02T13:30:00.000Z', '2026-03-02', '14:00', 'digid', ?, ?, 'done', ?, ?, ?, 'online', ?, ?)`,
      )
      .run(branch, `ABC${codeCounter.toString(8).padStart(3, '0').replace(/[01]/g, (d) => (d === '0' ? 'X' : 'Y'))}`, `h${codeCounter}`, name, email, phone, now, now).lastInsertRowid,
  );
}

function callbackRequest(branch: number, phone: string, preferredMoment: string, description: string): number {
  const at = '2026-03-01T10:00:00.000Z';
  return Number(
    t.db
      .prepare(`INSERT INTO callback_requests (branch_id, phone, preferred_moment, description, consent_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(branch, phone, preferredMoment, description, at, at).lastInsertRowid,
  );
}

beforeEach(async () => {
  t = createTestApp();
  branchA = createBranch(t.deps, { desks: 10 });
  branchB = createBranch(t.deps, { desks: 10 });
  const volId = await createUser(t.deps, 'volunteer', [branchA], 'vol@bieb.nl');
  await createUser(t.deps, 'coordinator', [branchA], 'coord@bieb.nl');
  const u = t.deps.users.get(volId);
  const vol: Actor = { userId: volId, label: u.email, ip: null, user: { ...u, mustChangePassword: false } };
  ids.janA = booking(branchA, 'Jan Jansen', 'jan@example.nl', null);
  ids.janPhoneA = booking(branchA, 'Jan J.', null, '06-1234 5678');
  ids.janB = booking(branchB, 'Jan in B', 'jan@example.nl', null);
  ids.pietA = booking(branchA, 'Piet Pietersen', 'piet@example.nl', '0699999999');
  t.deps.devices.add(vol, branchA, { type: 'laptop', assetTag: 'LAP-1', serial: '', makeModel: '', kit: [], notes: '' });
  ids.borrower = t.deps.loans.lend(vol, branchA, {
    assetTag: 'LAP-1',
    borrower: { name: 'Jan Jansen', contact: 'jan@example.nl', libraryCard: '123' },
    dueDate: null,
    kitOut: [],
    agreementAccepted: true,
    depositCents: 0,
    allowExtra: false,
  }).borrowerId;
  ids.callback = Number(
    t.db
      .prepare(`INSERT INTO callback_requests (branch_id, phone, preferred_moment, consent_at, created_at) VALUES (?, '+31 6 1234 5678', 'ochtend', ?, ?)`)
      .run(branchA, '2026-03-01T10:00:00.000Z', '2026-03-01T10:00:00.000Z').lastInsertRowid,
  );
});
afterEach(() => t.close());

describe('callback requests of one person, found by phone', () => {
  beforeEach(() => {
    // Karin left two callbacks in branch A (once as 06…, once as +31…) and one in branch B; Piet one in A.
    ids.karinA = callbackRequest(branchA, '06 2222 3333', 'dinsdagochtend', 'Vraag over toeslagen');
    ids.karinIntlA = callbackRequest(branchA, '+31 6 2222 3333', 'na 15 uur', 'Vraag over DigiD');
    ids.karinB = callbackRequest(branchB, '06-22223333', 'woensdag', 'Vraag in B');
    ids.pietCb = callbackRequest(branchA, '06 4444 5555', 'vrijdagmiddag', 'Vraag van Piet');
  });
  const karin = '06-2222 3333';
  const callbackIds = (html: string): number[] => [...html.matchAll(/data-callback="(\d+)"/g)].map((m) => Number(m[1])).sort((a, b) => a - b);

  test('shown: this person\'s callbacks in my branches, however the number was written; the look audited by record', async () => {
    const { agent, token } = await coordinator();
    for (const typed of [karin, '+31622223333', '0031 6 2222 3333']) {
      const res = await agent.post('/admin/subjects').type('form').send({ _csrf: token, contact: typed });
      expect(res.status).toBe(200);
      expect({ typed, callbacks: callbackIds(res.text) }).toEqual({ typed, callbacks: [ids.karinA, ids.karinIntlA] });
      expect(res.text).toContain('dinsdagochtend');
      expect(res.text).toContain('Vraag over toeslagen');
      expect(res.text).not.toContain('Vraag in B');
      expect(res.text).not.toContain('vrijdagmiddag');
      expect(res.text).not.toMatch(/action="[^"]*2222/);
    }
    const looks = t.deps.audit.find({ action: 'personal_data.viewed', limit: 10, offset: 0 }).filter((e) => e.subjectType === 'data_subject');
    expect(looks).toHaveLength(3);
    for (const look of looks) expect(look.details).toEqual({ bookings: [], borrowers: [], callbacks: [ids.karinA, ids.karinIntlA], waitlist: [] });
    expect(JSON.stringify(looks)).not.toContain('2222');
  });

  test('exported as JSON and as a printable page: every callback of this person, nothing of anyone else; audited', async () => {
    const { agent, token } = await coordinator();
    const res = await agent.post('/admin/subjects/export').type('form').send({ _csrf: token, contact: karin, format: 'json' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const data = JSON.parse(res.text) as { bookings: unknown[]; borrowers: unknown[]; callbacks: Record<string, unknown>[] };
    expect(data.bookings).toEqual([]);
    expect(data.borrowers).toEqual([]);
    expect(data.callbacks).toEqual([
      expect.objectContaining({ id: ids.karinA, branchId: branchA, phone: '06 2222 3333', preferredMoment: 'dinsdagochtend', description: 'Vraag over toeslagen', status: 'open', consentAt: '2026-03-01T10:00:00.000Z', doneAt: null }),
      expect.objectContaining({ id: ids.karinIntlA, phone: '+31 6 2222 3333', preferredMoment: 'na 15 uur' }),
    ]);
    for (const other of ['4444', 'vrijdagmiddag', 'Vraag van Piet', 'Vraag in B', 'woensdag', 'Jan', 'Piet']) expect({ other, found: res.text.includes(other) }).toEqual({ other, found: false });

    const printable = await agent.post('/admin/subjects/export').type('form').send({ _csrf: token, contact: karin, format: 'html' });
    expect(printable.status).toBe(200);
    expect(callbackIds(printable.text)).toEqual([ids.karinA, ids.karinIntlA]);
    expect(printable.text).toContain('06 2222 3333');
    expect(printable.text).toContain('dinsdagochtend');
    expect(printable.text).not.toContain('vrijdagmiddag');
    expect(printable.text).not.toContain('Vraag in B');

    const exported = t.deps.audit.find({ action: 'subject.exported', limit: 5, offset: 0 });
    expect(exported.map((e) => e.details)).toEqual([
      { bookings: [], borrowers: [], callbacks: [ids.karinA, ids.karinIntlA], waitlist: [] },
      { bookings: [], borrowers: [], callbacks: [ids.karinA, ids.karinIntlA], waitlist: [] },
    ]);
  });

  test('erased: phone, moment and question blanked in my branches only, every callback still counted; audited with the records', async () => {
    const { agent, token } = await coordinator();
    const counts = (): unknown => t.db.prepare(`SELECT branch_id, status, count(*) n FROM callback_requests GROUP BY 1, 2 ORDER BY 1, 2`).all();
    const before = counts();
    const row = (id: number): unknown =>
      t.db.prepare(`SELECT phone, preferred_moment AS moment, description, personal_data_purged_at IS NOT NULL AS purged FROM callback_requests WHERE id = ?`).get(id);
    const done = await agent.post('/admin/subjects/erase').type('form').send({ _csrf: token, contact: karin, confirm: '1' });
    expect(done.status).toBe(303);
    for (const id of [ids.karinA, ids.karinIntlA]) expect(row(id)).toEqual({ phone: '', moment: '', description: '', purged: 1 });
    // Another branch's record of the same number, and another person's, are untouched.
    expect(row(ids.karinB)).toEqual({ phone: '06-22223333', moment: 'woensdag', description: 'Vraag in B', purged: 0 });
    expect(row(ids.pietCb)).toEqual({ phone: '06 4444 5555', moment: 'vrijdagmiddag', description: 'Vraag van Piet', purged: 0 });
    expect(counts()).toEqual(before);
    const erased = t.deps.audit.find({ action: 'subject.erased', limit: 5, offset: 0 });
    expect(erased).toHaveLength(1);
    expect(erased[0].details).toEqual({ bookings: 0, borrowers: 0, callbacks: 2, waitlist: 0, keptBorrowers: 0, records: { bookings: [], borrowers: [], callbacks: [ids.karinA, ids.karinIntlA], waitlist: [] } });
    expect(JSON.stringify(erased[0])).not.toContain('2222');
    expect((await agent.get('/admin/subjects')).text).toContain('2 terugbelverzoeken');
    // Nothing left to find for this person in my branches.
    const again = await agent.post('/admin/subjects').type('form').send({ _csrf: token, contact: karin });
    expect(callbackIds(again.text)).toEqual([]);
  });
});

async function coordinator(): Promise<{ agent: Awaited<ReturnType<typeof signedIn>>; token: string }> {
  const agent = await signedIn(t, 'coord@bieb.nl');
  const page = await agent.get('/admin/subjects');
  expect(page.status).toBe(200);
  return { agent, token: csrfFrom(page.text) };
}

test('search by e-mail: this person in my branches only, audited; the contact never in a URL', async () => {
  const { agent, token } = await coordinator();
  const res = await agent.post('/admin/subjects').type('form').send({ _csrf: token, contact: 'JAN@example.nl' });
  expect(res.status).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.text).toContain(`data-booking="${ids.janA}"`);
  expect(res.text).toContain(`data-borrower="${ids.borrower}"`);
  expect(res.text).not.toContain('Jan in B');
  expect(res.text).not.toContain('Piet');
  expect(res.text).not.toMatch(/action="[^"]*jan@/);
  const audit = t.deps.audit.find({ action: 'personal_data.viewed', limit: 5, offset: 0 }).find((e) => e.subjectType === 'data_subject');
  expect(audit?.details).toEqual({ bookings: [ids.janA], borrowers: [ids.borrower], callbacks: [], waitlist: [] });
  expect(JSON.stringify(audit)).not.toContain('jan@example.nl');
});

test('search by phone finds bookings and callback requests typed differently', async () => {
  const { agent, token } = await coordinator();
  const res = await agent.post('/admin/subjects').type('form').send({ _csrf: token, contact: '0612345678' });
  expect(res.text).toContain(`data-booking="${ids.janPhoneA}"`);
  expect(res.text).not.toContain(`data-booking="${ids.janA}"`);
  const intl = await agent.post('/admin/subjects').type('form').send({ _csrf: token, contact: '+31 6 1234 5678' });
  expect(intl.text).toContain(`data-callback="${ids.callback}"`);
});

test('export as JSON holds every record of this person and nothing of anyone else; audited', async () => {
  const { agent, token } = await coordinator();
  const res = await agent.post('/admin/subjects/export').type('form').send({ _csrf: token, contact: 'jan@example.nl', format: 'json' });
  expect(res.status).toBe(200);
  expect(res.headers['content-disposition']).toContain('attachment');
  const data = JSON.parse(res.text) as { bookings: { id: number }[]; borrowers: { id: number; loans: unknown[] }[]; callbacks: unknown[] };
  expect(data.bookings.map((b) => b.id)).toEqual([ids.janA]);
  expect(data.borrowers.map((b) => b.id)).toEqual([ids.borrower]);
  expect(data.borrowers[0].loans).toHaveLength(1);
  expect(res.text).not.toContain('Piet');
  expect(res.text).not.toContain('Jan in B');
  const printable = await agent.post('/admin/subjects/export').type('form').send({ _csrf: token, contact: 'jan@example.nl', format: 'html' });
  expect(printable.status).toBe(200);
  expect(printable.text).toContain('Jan Jansen');
  expect(t.deps.audit.find({ action: 'subject.exported', limit: 5, offset: 0 })).toHaveLength(2);
});

test('erase: needs the confirmation; blanks this person in my branches, keeps a borrower with a device out, keeps every count', async () => {
  const { agent, token } = await coordinator();
  const counts = (): unknown => t.db.prepare(`SELECT branch_id, status, count(*) n FROM appointments GROUP BY 1, 2`).all();
  const before = counts();
  const refused = await agent.post('/admin/subjects/erase').type('form').send({ _csrf: token, contact: 'jan@example.nl' });
  expect(refused.status).toBe(400);
  expect(refused.text).toContain('href="#confirm"');
  expect(t.db.prepare(`SELECT name FROM appointments WHERE id = ?`).pluck().get(ids.janA)).toBe('Jan Jansen');

  const done = await agent.post('/admin/subjects/erase').type('form').send({ _csrf: token, contact: 'jan@example.nl', confirm: '1' });
  expect(done.status).toBe(303);
  expect(t.db.prepare(`SELECT name, email FROM appointments WHERE id = ?`).get(ids.janA)).toEqual({ name: '', email: null });
  expect(t.db.prepare(`SELECT name FROM appointments WHERE id = ?`).pluck().get(ids.janB)).toBe('Jan in B');
  expect(t.db.prepare(`SELECT name FROM appointments WHERE id = ?`).pluck().get(ids.pietA)).toBe('Piet Pietersen');
  // The laptop is still out: the borrower stays until it is back.
  expect(t.db.prepare(`SELECT name FROM borrowers WHERE id = ?`).pluck().get(ids.borrower)).toBe('Jan Jansen');
  expect(counts()).toEqual(before);
  const erased = t.deps.audit.find({ action: 'subject.erased', limit: 5, offset: 0 });
  expect(erased[0].details).toMatchObject({ bookings: 1, borrowers: 0, keptBorrowers: 1 });
  expect((await agent.get('/admin/subjects')).text).toContain('Gewist: 1 afspraken');
});

test('volunteers and bad input', async () => {
  const vol = await signedIn(t, 'vol@bieb.nl');
  expect((await vol.get('/admin/subjects')).status).toBe(403);
  const { agent, token } = await coordinator();
  const bad = await agent.post('/admin/subjects').type('form').send({ _csrf: token, contact: 'abc' });
  expect(bad.status).toBe(400);
  expect(bad.text).toContain('Vul een e-mailadres of een telefoonnummer in');
  expect((await agent.post('/admin/subjects/export').type('form').send({ _csrf: token, contact: 'jan@example.nl', format: 'pdf' })).status).toBe(400);
});
