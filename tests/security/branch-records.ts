import { SYSTEM_ACTOR } from '../../server/lib/actor';
import { createBranch, createUser, type TestApp } from '../helpers/test-app';
import type { Role } from '../../server/policy/policy';
import type { BranchRecords, Fixture } from './route-matrix';

const TODAY = '2026-03-02';

/**
 * One record of every kind ROUTE_MATRIX's URLs point at, in one branch: the fixture of the permission matrix
 * and of the hostile-input test. Typed as BranchRecords, so a new kind of record is added here once.
 * `expertId` holds the branch's escalation; `extraDevices` adds available laptops with these tag suffixes.
 */
export function insertBranchRecords(t: TestApp, branch: number, tag: string, expertId: number, extraDevices: string[] = []): BranchRecords {
  const db = t.db;
  const now = '2026-03-02T08:00:00.000Z';
  const tax = t.deps.categories.taxonomy();
  const id = (kind: Parameters<typeof tax.byKey>[0], key: string): number => tax.byKey(kind, key)!.id;
  const appointment = Number(
    db
      .prepare(
        `INSERT INTO appointments (branch_id, starts_at, ends_at, local_date, local_time, topic_key, code, token_hash, name, email, channel, created_at, updated_at)
         VALUES (?, '2026-03-02T13:00:00.000Z', '2026-03-02T13:30:00.000Z', ?, '14:00', 'digid', ?, ?, 'Naam ${tag}', 'burger-${tag}@example.nl', 'online', ?, ?)`,
      )
      .run(branch, TODAY, `ABCDE${tag === 'a' ? 'F' : 'G'}`, `hash-${tag}`, now, now).lastInsertRowid,
  );
  const walkin = Number(
    db
      .prepare(`INSERT INTO walkins (branch_id, local_date, number, ticket_token, created_at) VALUES (?, ?, 1, ?, ?)`)
      .run(branch, TODAY, `ticket-${tag}`, now).lastInsertRowid,
  );
  const visit = Number(
    db
      .prepare(`INSERT INTO visits (branch_id, channel_id, started_at, local_date, created_at) VALUES (?, ?, ?, ?, ?)`)
      .run(branch, id('channel', 'desk'), now, TODAY, now).lastInsertRowid,
  );
  const question = Number(
    db
      .prepare(
        `INSERT INTO questions (visit_id, branch_id, channel_id, local_date, local_month, type_id, organisation_id, help_id, duration_id, outcome_id, source, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'form', ?, ?)`,
      )
      .run(visit, branch, id('channel', 'desk'), TODAY, TODAY.slice(0, 7), id('question_type', 'digital_government'), id('organisation', 'digid'), id('help', 'together'), id('duration', 'm15_30'), id('outcome', 'solved'), now, now)
      .lastInsertRowid,
  );
  const closure = t.deps.branches.addClosure(SYSTEM_ACTOR, branch, { startDate: '2026-04-01', endDate: '2026-04-01', reason: `dicht ${tag}` });
  const partner = Number(
    db
      .prepare(`INSERT INTO partners (key, branch_id, name, kind, created_at, updated_at) VALUES (?, ?, ?, 'other', ?, ?)`)
      .run(`partner_${tag}`, branch, `Partner ${tag}`, now, now).lastInsertRowid,
  );
  const tile = Number(
    db
      .prepare(
        `INSERT INTO tally_tiles (branch_id, label_nl, label_en, type_id, organisation_id, help_id, duration_id, outcome_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(branch, `Tegel ${tag}`, `Tile ${tag}`, id('question_type', 'digital_government'), id('organisation', 'digid'), id('help', 'together'), id('duration', 'm15_30'), id('outcome', 'solved'), now)
      .lastInsertRowid,
  );
  const loans = insertLoanRecords(t, branch, tag, now, extraDevices);
  const escalation = Number(
    db
      .prepare(
        `INSERT INTO escalations (branch_id, question_id, type_id, organisation_id, description, status, expert_id, created_at, accepted_at)
         VALUES (?, ?, ?, ?, 'Vraag over DigiD', 'active', ?, ?, ?)`,
      )
      .run(branch, question, id('question_type', 'digital_government'), id('organisation', 'digid'), expertId, now, now).lastInsertRowid,
  );
  const callback = Number(
    db
      .prepare(`INSERT INTO callback_requests (branch_id, question_id, phone, preferred_moment, consent_at, created_at) VALUES (?, ?, '0612345678', 'ochtend', ?, ?)`)
      .run(branch, question, now, now).lastInsertRowid,
  );
  const deskPc = Number(
    db.prepare(`INSERT INTO desk_pcs (branch_id, name, registered_at) VALUES (?, ?, ?)`).run(branch, `Balie ${tag}`, now).lastInsertRowid,
  );
  const waitlistEntry = Number(
    db
      .prepare(
        `INSERT INTO waitlist_entries (branch_id, topic_key, name, phone, weekdays, day_parts, created_at, updated_at)
         VALUES (?, 'digid', ?, '0612345678', '1,2,3', 'morning', ?, ?)`,
      )
      .run(branch, `Wachtende ${tag}`, now, now).lastInsertRowid,
  );
  const waitlistOffer = Number(
    db
      .prepare(
        `INSERT INTO waitlist_offers (entry_id, branch_id, starts_at, token_hash, expires_at, created_at, updated_at)
         VALUES (?, ?, '2099-01-05T09:00:00.000Z', ?, '2099-01-05T08:00:00.000Z', ?, ?)`,
      )
      .run(waitlistEntry, branch, `matrix-offer-${tag}`, now, now).lastInsertRowid,
  );
  return { branch, appointment, walkin, question, closure, partner, tile, ...loans, escalation, callback, deskPc, waitlistEntry, waitlistOffer };
}

/** Loans: an available device, one on loan, one waiting for its wipe, and a waiting reservation. */
function insertLoanRecords(t: TestApp, branch: number, tag: string, now: string, extraDevices: string[]): Pick<BranchRecords, 'device' | 'loan' | 'borrower' | 'wipeDevice' | 'reservation'> {
  const device = (n: string): number =>
    Number(
      t.db
        .prepare(`INSERT INTO devices (branch_id, type, asset_tag, kit, created_at, updated_at) VALUES (?, 'laptop', ?, '["lader"]', ?, ?)`)
        .run(branch, `M-${tag}-${n}`, now, now).lastInsertRowid,
    );
  for (const extra of extraDevices) device(extra);
  const available = device('1');
  const lent = device('2');
  const wipeDevice = device('3');
  const borrower = Number(
    t.db
      .prepare(`INSERT INTO borrowers (branch_id, name, contact, contact_kind, created_at, updated_at) VALUES (?, ?, ?, 'email', ?, ?)`)
      .run(branch, `Lener ${tag}`, `lener-${tag}@example.nl`, now, now).lastInsertRowid,
  );
  const loanSql = `INSERT INTO loans (branch_id, device_id, borrower_id, due_date, agreement_accepted_at, kit_out, extra_allowed_by, lent_at, created_at, updated_at)
    VALUES (?, ?, ?, '2026-03-30', ?, '["lader"]', ?, ?, ?, ?)`;
  const loan = Number(t.db.prepare(loanSql).run(branch, lent, borrower, now, null, now, now, now).lastInsertRowid);
  // The device waiting for its wipe: lent (with an allowance, the borrower has a loan) and returned.
  const done = Number(t.db.prepare(loanSql).run(branch, wipeDevice, borrower, now, 1, now, now, now).lastInsertRowid);
  t.db.prepare(`UPDATE loans SET returned_at = ?, condition = 'fine' WHERE id = ?`).run(now, done);
  t.db.prepare(`INSERT INTO device_events (device_id, loan_id, kind, at) VALUES (?, ?, 'returned', ?)`).run(wipeDevice, done, now);
  const reservation = Number(
    t.db
      .prepare(`INSERT INTO device_reservations (branch_id, borrower_id, device_type, wanted_from, created_at, updated_at) VALUES (?, ?, 'tablet', '2026-03-10', ?, ?)`)
      .run(branch, borrower, now, now).lastInsertRowid,
  );
  return { device: available, loan, borrower, wipeDevice, reservation };
}

/** The people of the matrix: one of each role in branch A (experts and admins in none), a volunteer of B. */
export const MATRIX_EMAILS: Record<Role, string> = { volunteer: 'vol-a@bieb.nl', coordinator: 'coord-a@bieb.nl', expert: 'expert@bieb.nl', admin: 'admin@bieb.nl' };

/**
 * Two branches with one record of every kind each, the people in MATRIX_EMAILS, a second expert holding B's
 * escalation and a failed outbox message: what ROUTE_MATRIX's URLs point at. `extraDevicesA`: see insertBranchRecords.
 */
export async function buildMatrixFixture(t: TestApp, extraDevicesA: string[] = []): Promise<Fixture> {
  const now = '2026-03-02T08:00:00.000Z';
  const a = createBranch(t.deps, { name: 'Vestiging A' });
  const b = createBranch(t.deps, { name: 'Vestiging B' });
  await createUser(t.deps, 'volunteer', [a], MATRIX_EMAILS.volunteer);
  await createUser(t.deps, 'coordinator', [a], MATRIX_EMAILS.coordinator);
  await createUser(t.deps, 'expert', [], MATRIX_EMAILS.expert);
  await createUser(t.deps, 'admin', [], MATRIX_EMAILS.admin);
  const other = await createUser(t.deps, 'volunteer', [b], 'vol-b@bieb.nl');
  const expertA = t.db.prepare('SELECT id FROM users WHERE email = ?').pluck().get(MATRIX_EMAILS.expert) as number;
  const expertB = await createUser(t.deps, 'expert', [], 'expert-b@bieb.nl');
  const outboxId = Number(
    t.db
      .prepare(
        `INSERT INTO outbox (message_id, kind, to_address, subject, text_body, html_body, status, next_attempt_at, created_at)
         VALUES ('<m1@test>', 'test', 'x@example.nl', 'Onderwerp', 'tekst', '<p>tekst</p>', 'failed', ?, ?)`,
      )
      .run(now, now).lastInsertRowid,
  );
  return {
    A: insertBranchRecords(t, a, 'a', expertA, extraDevicesA),
    B: insertBranchRecords(t, b, 'b', expertB),
    userId: other,
    outboxId,
    categoryId: t.deps.categories.taxonomy().byKey('organisation', 'digid')!.id,
  };
}
