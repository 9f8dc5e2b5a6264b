import { createBranch, createTestApp, createUser, type TestApp } from '../../../tests/helpers/test-app';
import type { Actor } from '../../lib/actor';
import { SYSTEM_ACTOR } from '../../lib/actor';
import { ForbiddenError } from '../../http/errors';
import type { DeviceInput, LendInput } from '../loans/loans.model';
import { STAT_DIMENSIONS } from '../intake/intake.repository';
import type { RetentionKind } from './retention.model';

/**
 * The retention purge with the fake clock: for each kind of personal data, one day before its period ends
 * nothing is touched, one day after exactly that record is blanked; statistics read the same before and after.
 */
const DAY = 24 * 3600_000;
let t: TestApp;
let branch: number;
let vol: Actor;
let coord: Actor;
let tagCounter = 0;

function actorFor(id: number): Actor {
  const u = t.deps.users.get(id);
  return { userId: id, label: u.email, ip: null, user: { ...u, mustChangePassword: false } };
}
const at = (iso: string, days: number): string => new Date(new Date(iso).getTime() + days * DAY).toISOString();

beforeEach(async () => {
  t = createTestApp();
  branch = createBranch(t.deps);
  vol = actorFor(await createUser(t.deps, 'volunteer', [branch]));
  coord = actorFor(await createUser(t.deps, 'coordinator', [branch]));
});
afterEach(() => t.close());

function tax(kind: string, key: string): number {
  return t.deps.categories.taxonomy().byKey(kind as never, key)!.id;
}

function insertAppointment(endsAt: string, status = 'done', tag = 'x'): number {
  const starts = at(endsAt, -1 / 48);
  tagCounter++;
  const code = `ABC${'DEFGHJKMNP'[tagCounter % 10]}${'QRSTUVWXYZ'[Math.floor(tagCounter / 10) % 10]}2`;
  return Number(
    t.db
      .prepare(
        `INSERT INTO appointments (branch_id, starts_at, ends_at, local_date, local_time, topic_key, code, token_hash, status, name, email, phone, needs, channel, cancel_reason, created_at, updated_at)
         VALUES (?, ?, ?, ?, '10:00', 'digid', ?, ?, ?, ?, ?, '0612345678', '{"interpreter":true}', 'online', ?, ?, ?)`,
      )
      .run(branch, starts, endsAt, endsAt.slice(0, 10), code, `hash-${tagCounter}`, status, `Naam ${tag}`, `burger-${tag}@example.nl`, status === 'cancelled' ? 'ziek' : null, starts, starts).lastInsertRowid,
  );
}

function insertQuestion(now: string): number {
  const visit = Number(
    t.db.prepare(`INSERT INTO visits (branch_id, channel_id, started_at, local_date, created_at) VALUES (?, ?, ?, ?, ?)`).run(branch, tax('channel', 'desk'), now, now.slice(0, 10), now)
      .lastInsertRowid,
  );
  return Number(
    t.db
      .prepare(
        `INSERT INTO questions (visit_id, branch_id, channel_id, local_date, local_month, type_id, organisation_id, help_id, duration_id, outcome_id, source, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'form', ?, ?)`,
      )
      .run(visit, branch, tax('channel', 'desk'), now.slice(0, 10), now.slice(0, 7), tax('question_type', 'digital_government'), tax('organisation', 'digid'), tax('help', 'together'), tax('duration', 'm15_30'), tax('outcome', 'solved'), now, now)
      .lastInsertRowid,
  );
}

function insertClosedChat(closedAt: string): number {
  const created = at(closedAt, -1 / 24);
  const question = insertQuestion(created);
  const id = Number(
    t.db
      .prepare(
        `INSERT INTO escalations (branch_id, question_id, type_id, organisation_id, description, status, created_at, accepted_at, closed_at, outcome, last_seq)
         VALUES (?, ?, ?, ?, 'DigiD-app activeren lukt niet', 'closed', ?, ?, ?, 'solved', 2)`,
      )
      .run(branch, question, tax('question_type', 'digital_government'), tax('organisation', 'digid'), created, at(created, 1 / 96), closedAt).lastInsertRowid,
  );
  const msg = t.db.prepare(`INSERT INTO chat_messages (escalation_id, seq, sender_role, body, sent_at) VALUES (?, ?, 'volunteer', ?, ?)`);
  msg.run(id, 1, 'Mevrouw Jansen, 06-11112222, kan niet inloggen', created);
  msg.run(id, 2, 'Probeer de sms-controle', created);
  return id;
}

function insertCallback(createdAt: string, doneAt: string | null): number {
  return Number(
    t.db
      .prepare(
        `INSERT INTO callback_requests (branch_id, description, phone, preferred_moment, consent_at, status, created_at, done_at)
         VALUES (?, 'Belastingaangifte', '0612345678', 'dinsdagochtend', ?, ?, ?, ?)`,
      )
      .run(branch, createdAt, doneAt ? 'done' : 'open', createdAt, doneAt).lastInsertRowid,
  );
}

const laptop = (tag: string): DeviceInput => ({ type: 'laptop', assetTag: tag, serial: `SN-${tag}`, makeModel: 'Lenovo', kit: [], notes: '' });
const lendInput = (tag: string, contact: string): LendInput => ({
  assetTag: tag,
  borrower: { name: 'Fatima El Amrani', contact, libraryCard: '2000123' },
  dueDate: null,
  kitOut: [],
  agreementAccepted: true,
  depositCents: 0,
  allowExtra: false,
});

/** Lends at `lentAt`, takes back at `returnedAt`, wipes at `wipedAt` (null: not yet). Returns the borrower id. */
function loanCycle(tag: string, contact: string, lentAt: string, returnedAt: string | null, wipedAt: string | null): number {
  t.clock.set(lentAt);
  const device = t.deps.devices.add(vol, branch, laptop(tag));
  const loan = t.deps.loans.lend(vol, branch, lendInput(tag, contact));
  if (returnedAt) {
    t.clock.set(returnedAt);
    t.deps.loans.takeBack(vol, loan.id, { kitReturned: [], condition: 'damaged', conditionNote: 'Scherm kapot, zei mevrouw El Amrani' });
  }
  if (wipedAt) {
    t.clock.set(wipedAt);
    t.deps.loans.confirmWipe(vol, device, { wiped: true, accountsRemoved: false });
  }
  return loan.borrowerId;
}

/** What the statistics count: the existing per-day and per-dimension queries and the countable columns of every table the purge touches. */
function statsSnapshot(dates: string[]): unknown {
  const all = (sql: string): unknown[] => t.db.prepare(sql).all();
  return {
    appointmentsPerDay: dates.map((d) => t.deps.appointments.countsByStatus(vol, branch, d)),
    questions: Object.keys(STAT_DIMENSIONS).map((dim) => t.deps.intake.countBy(dim as never, [branch], '2026-01')),
    appointments: all(`SELECT branch_id, local_date, status, channel, topic_key, count(*) n FROM appointments GROUP BY 1, 2, 3, 4, 5`),
    loans: all(`SELECT branch_id, device_id, substr(lent_at, 1, 7) m, returned_at IS NOT NULL r, condition, count(*) n FROM loans GROUP BY 1, 2, 3, 4, 5`),
    escalations: all(`SELECT status, outcome, created_at, accepted_at, closed_at, last_seq FROM escalations ORDER BY id`),
    messages: all(`SELECT escalation_id, count(*) n FROM chat_messages GROUP BY 1`),
    callbacks: all(`SELECT branch_id, status, created_at, done_at FROM callback_requests ORDER BY id`),
  };
}

function appointmentRow(id: number): Record<string, unknown> {
  return t.db.prepare(`SELECT name, email, phone, needs, cancel_reason, status, personal_data_purged_at FROM appointments WHERE id = ?`).get(id) as Record<string, unknown>;
}
function borrowerRow(id: number): Record<string, unknown> {
  return t.db.prepare(`SELECT name, contact, library_card, personal_data_purged_at FROM borrowers WHERE id = ?`).get(id) as Record<string, unknown>;
}

describe('bookings: 30 days after the appointment', () => {
  test('one day before: untouched; one day after: blanked, status and dates kept; statistics identical', () => {
    const end = '2026-01-10T10:30:00.000Z';
    const done = insertAppointment(end, 'done', 'a');
    const cancelled = insertAppointment(end, 'cancelled', 'b');
    const later = insertAppointment(at(end, 2), 'no_show', 'c');
    const dates = ['2026-01-10', '2026-01-12'];

    t.clock.set(at(end, 29));
    expect(t.deps.purge.run().bookings).toBe(0);
    expect(appointmentRow(done)).toMatchObject({ name: 'Naam a', email: 'burger-a@example.nl', personal_data_purged_at: null });

    const before = statsSnapshot(dates);
    t.clock.set(at(end, 31));
    const report = t.deps.purge.run();
    expect(report.bookings).toBe(2);
    for (const id of [done, cancelled]) {
      expect(appointmentRow(id)).toMatchObject({ name: '', email: null, phone: null, needs: '{}', personal_data_purged_at: at(end, 31) });
    }
    expect(appointmentRow(cancelled).cancel_reason).toBe('');
    expect(appointmentRow(done).status).toBe('done');
    // Ended two days later: one day before its own boundary.
    expect(appointmentRow(later)).toMatchObject({ name: 'Naam c', phone: '0612345678', personal_data_purged_at: null });
    expect(statsSnapshot(dates)).toEqual(before);

    t.clock.set(at(end, 33));
    expect(t.deps.purge.run().bookings).toBe(1);
    expect(appointmentRow(later)).toMatchObject({ name: '', personal_data_purged_at: at(end, 33) });
    expect(statsSnapshot(dates)).toEqual(before);
  });

  test('idempotent and audited with counts only', () => {
    insertAppointment('2026-01-10T10:30:00.000Z', 'done', 'geheim');
    t.clock.set('2026-03-01T00:00:00.000Z');
    expect(t.deps.purge.run().bookings).toBe(1);
    const entries = t.deps.audit.find({ action: 'retention.purged', limit: 10, offset: 0 });
    expect(entries).toHaveLength(1);
    expect(entries[0].details).toMatchObject({ counts: { bookings: 1, borrowers: 0 }, periods: { bookings: 30 } });
    expect(JSON.stringify(entries[0].details)).not.toContain('geheim');
    // A second pass finds nothing and writes no new entry.
    expect(Object.values(t.deps.purge.run()).every((n) => n === 0)).toBe(true);
    expect(t.deps.audit.find({ action: 'retention.purged', limit: 10, offset: 0 })).toHaveLength(1);
  });

  test('sent mail with the booking data is blanked with the same period; waiting mail is not', () => {
    const insert = t.db.prepare(
      `INSERT INTO outbox (message_id, kind, to_address, subject, text_body, html_body, status, next_attempt_at, created_at) VALUES (?, 'booking', 'burger@example.nl', 'Uw afspraak, Naam', 'Beste Naam', '<p>Beste Naam</p>', ?, ?, ?)`,
    );
    const created = '2026-01-01T10:00:00.000Z';
    insert.run('m1', 'sent', created, created);
    insert.run('m2', 'pending', created, created);
    t.clock.set(at(created, 29));
    expect(t.deps.purge.run().booking_mail).toBe(0);
    t.clock.set(at(created, 31));
    expect(t.deps.purge.run().booking_mail).toBe(1);
    const rows = t.db.prepare(`SELECT message_id, to_address, text_body, status FROM outbox ORDER BY id`).all();
    expect(rows).toEqual([
      { message_id: 'm1', to_address: '', text_body: '', status: 'sent' },
      { message_id: 'm2', to_address: 'burger@example.nl', text_body: 'Beste Naam', status: 'pending' },
    ]);
  });

  test('the period is a setting: 14 days purges sooner', () => {
    const end = '2026-01-10T10:30:00.000Z';
    const id = insertAppointment(end);
    t.deps.retention.save(SYSTEM_ACTOR, { settings: { ...t.deps.retention.current(), bookings: 14 }, contact: '' });
    t.clock.set(at(end, 13));
    expect(t.deps.purge.run().bookings).toBe(0);
    t.clock.set(at(end, 15));
    expect(t.deps.purge.run().bookings).toBe(1);
    expect(appointmentRow(id).name).toBe('');
  });

  test('a large backlog is purged in batches, all of it', () => {
    for (let i = 0; i < 45; i++) insertAppointment(at('2026-01-01T10:30:00.000Z', i / 24), 'done', `n${i}`);
    t.clock.set('2026-03-15T00:00:00.000Z');
    expect(t.deps.purge.run(SYSTEM_ACTOR, 10).bookings).toBe(45);
    expect(t.db.prepare(`SELECT count(*) FROM appointments WHERE personal_data_purged_at IS NULL`).pluck().get()).toBe(0);
  });
});

describe('borrowers: 90 days after return AND wipe, never while a loan is open', () => {
  test('counted from the later of return and wipe; loan rows and device history stay', () => {
    const lent = '2026-01-05T10:00:00.000Z';
    const returned = '2026-01-20T10:00:00.000Z';
    const wiped = '2026-01-25T10:00:00.000Z';
    const borrower = loanCycle('LAP-1', '0611111111', lent, returned, wiped);
    const stats = (): unknown => statsSnapshot([]);
    const events = (): unknown => t.db.prepare(`SELECT id, kind, at FROM device_events ORDER BY id`).all();

    // 90 days after the return but only 85 after the wipe: kept.
    t.clock.set(at(returned, 91));
    expect(t.deps.purge.run().borrowers).toBe(0);
    // One day before 90 days after the wipe: kept.
    t.clock.set(at(wiped, 89));
    expect(t.deps.purge.run().borrowers).toBe(0);
    expect(borrowerRow(borrower)).toMatchObject({ name: 'Fatima El Amrani', contact: '0611111111', library_card: '2000123' });

    const before = stats();
    const history = events();
    t.clock.set(at(wiped, 91));
    expect(t.deps.purge.run().borrowers).toBe(1);
    expect(borrowerRow(borrower)).toEqual({ name: '', contact: '', library_card: null, personal_data_purged_at: at(wiped, 91) });
    expect(t.db.prepare(`SELECT condition_note, personal_data_purged_at FROM loans WHERE borrower_id = ?`).get(borrower)).toEqual({ condition_note: '', personal_data_purged_at: at(wiped, 91) });
    expect(stats()).toEqual(before);
    expect(events()).toEqual(history);
  });

  test('returned long ago but never wiped: kept (the device may still hold their files)', () => {
    const borrower = loanCycle('LAP-2', '0622222222', '2026-01-05T10:00:00.000Z', '2026-01-06T10:00:00.000Z', null);
    t.clock.set('2026-09-01T00:00:00.000Z');
    expect(t.deps.purge.run().borrowers).toBe(0);
    expect(borrowerRow(borrower).name).toBe('Fatima El Amrani');
  });

  test('an active loan keeps the borrower, however old their earlier loans are', () => {
    const borrower = loanCycle('LAP-3', '0633333333', '2026-01-05T10:00:00.000Z', '2026-01-06T10:00:00.000Z', '2026-01-07T10:00:00.000Z');
    t.clock.set('2026-08-01T10:00:00.000Z');
    t.deps.devices.add(vol, branch, laptop('LAP-4'));
    const again = t.deps.loans.lend(vol, branch, lendInput('LAP-4', '0633333333'));
    expect(again.borrowerId).toBe(borrower);
    t.clock.set('2027-06-01T00:00:00.000Z');
    expect(t.deps.purge.run().borrowers).toBe(0);
    expect(borrowerRow(borrower).contact).toBe('0633333333');
  });
});

describe('chat transcripts and callback requests: 90 days', () => {
  test('transcript bodies blanked 90 days after the close; times, outcome and message count kept', () => {
    const closed = '2026-01-10T12:00:00.000Z';
    const id = insertClosedChat(closed);
    const open = insertClosedChat(at(closed, 2));
    const bodies = (e: number): unknown => t.db.prepare(`SELECT body FROM chat_messages WHERE escalation_id = ? ORDER BY seq`).pluck().all(e);
    t.clock.set(at(closed, 89));
    expect(t.deps.purge.run().chats).toBe(0);
    const before = statsSnapshot([]);
    t.clock.set(at(closed, 91));
    expect(t.deps.purge.run().chats).toBe(1);
    expect(bodies(id)).toEqual(['', '']);
    expect(bodies(open)).toEqual(['Mevrouw Jansen, 06-11112222, kan niet inloggen', 'Probeer de sms-controle']);
    expect(statsSnapshot([])).toEqual(before);
  });

  test('callback requests: 90 days after done, or after the request when never done', () => {
    const created = '2026-01-10T12:00:00.000Z';
    const done = insertCallback(created, at(created, 5));
    const open = insertCallback(created, null);
    const row = (id: number): unknown => t.db.prepare(`SELECT phone, preferred_moment, status FROM callback_requests WHERE id = ?`).get(id);
    t.clock.set(at(created, 89));
    expect(t.deps.purge.run().callbacks).toBe(0);
    const before = statsSnapshot([]);
    t.clock.set(at(created, 91));
    expect(t.deps.purge.run().callbacks).toBe(1);
    expect(row(open)).toEqual({ phone: '', preferred_moment: '', status: 'open' });
    expect(row(done)).toEqual({ phone: '0612345678', preferred_moment: 'dinsdagochtend', status: 'done' });
    t.clock.set(at(created, 96));
    expect(t.deps.purge.run().callbacks).toBe(1);
    expect(row(done)).toEqual({ phone: '', preferred_moment: '', status: 'done' });
    expect(statsSnapshot([])).toEqual(before);
  });
});

describe('the audit log (1 year) and failed sign-ins (30 days)', () => {
  test('entries older than the period are removed, younger ones stay', () => {
    const start = '2025-01-10T12:00:00.000Z';
    t.clock.set(start);
    t.deps.audit.record(SYSTEM_ACTOR, { action: 'thing.old' });
    t.clock.set(at(start, 2));
    t.deps.audit.record(SYSTEM_ACTOR, { action: 'thing.younger' });
    const actions = (): string[] => t.db.prepare(`SELECT action FROM audit_log WHERE action LIKE 'thing.%' ORDER BY id`).pluck().all() as string[];
    t.clock.set(at(start, 364));
    expect(t.deps.purge.run().audit).toBe(0);
    t.clock.set(at(start, 366));
    expect(t.deps.purge.run().audit).toBeGreaterThanOrEqual(1);
    expect(actions()).toEqual(['thing.younger']);
  });

  test('failed sign-in records', () => {
    const insert = t.db.prepare(`INSERT INTO sign_in_failures (key, failures, window_started_at, locked_until) VALUES (?, 3, ?, NULL)`);
    insert.run('account:a@example.nl', '2026-01-10T12:00:00.000Z');
    insert.run('account:b@example.nl', '2026-01-12T12:00:00.000Z');
    t.clock.set('2026-02-08T12:00:00.000Z');
    expect(t.deps.purge.run().sign_in_failures).toBe(0);
    t.clock.set('2026-02-10T12:00:00.000Z');
    expect(t.deps.purge.run().sign_in_failures).toBe(1);
    expect(t.db.prepare(`SELECT key FROM sign_in_failures`).pluck().all()).toEqual(['account:b@example.nl']);
  });
});

test('an unfinished booking ends with its session: ended sessions are removed, live ones stay', () => {
  t.clock.set('2026-03-02T09:00:00.000Z');
  const insert = t.db.prepare(`INSERT INTO sessions (sid, data, expires_at) VALUES (?, ?, ?)`);
  const draft = JSON.stringify({ drafts: { booking: { name: 'Jan Jansen', email: 'jan@example.nl' } } });
  insert.run('ended', draft, t.clock.now().getTime() - 1000);
  insert.run('live', draft, t.clock.now().getTime() + 60_000);
  expect(t.deps.purge.run().expired_sessions).toBe(1);
  expect(t.db.prepare(`SELECT sid FROM sessions`).pluck().all()).toEqual(['live']);
});

test('a signed-in person needs retention.configure to run the purge by hand', () => {
  expect(() => t.deps.purge.run(coord)).toThrow(ForbiddenError);
});

test('every kind has a period and a purge count', () => {
  const kinds: RetentionKind[] = ['bookings', 'borrowers', 'chats', 'callbacks', 'waitlist', 'audit', 'sign_in_failures'];
  expect(Object.keys(t.deps.retention.current()).sort()).toEqual([...kinds].sort());
});
