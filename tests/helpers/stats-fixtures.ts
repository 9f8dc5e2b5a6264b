import type { Db } from '../../server/db/open';
import { zonedInstant } from '../../server/lib/time';

/**
 * A small, hand-written world for the statistics tests: every record is listed here as data, so a test can
 * count its expectations from these lists (or by hand) without asking the code under test. Dates are
 * chosen around the edges of 2026-Q3 (July–September) and its previous quarter (April–June).
 */
export type BranchKey = 'A' | 'B' | 'C';

export interface QuestionFixture {
  branch: BranchKey;
  date: string;
  type: string;
  organisation: string;
  topic: string | null;
  help: string;
  partner: string | null;
  duration: string;
  outcome: string;
  channel: string;
}

const q = (branch: BranchKey, date: string, type: string, organisation: string, topic: string | null, help: string, partner: string | null, duration: string, outcome: string, channel: string): QuestionFixture => ({
  branch, date, type, organisation, topic, help, partner, duration, outcome, channel,
});

export const QUESTIONS: QuestionFixture[] = [
  q('A', '2026-07-01', 'digital_government', 'digid', 'activeren', 'together', null, 'm5_15', 'solved', 'desk'),
  q('A', '2026-07-15', 'digital_government', 'belastingdienst', 'aangifte', 'together', null, 'm30_60', 'solved', 'appointment'),
  q('A', '2026-08-03', 'digital_government', 'toeslagen', 'wijzigen', 'referred', 'toeslagen', 'm15_30', 'referred', 'desk'),
  q('A', '2026-09-30', 'other', 'none', 'telefoon_tablet', 'together', null, 'm15_30', 'partly', 'phone'),
  q('A', '2026-09-12', 'library_service', 'other', null, 'information', null, 'lt5', 'solved', 'online'),
  q('A', '2026-06-30', 'digital_government', 'digid', 'app', 'together', null, 'm15_30', 'solved', 'desk'),
  q('A', '2026-04-01', 'digital_government', 'digid', 'activeren', 'information', 'digid', 'lt5', 'referred', 'desk'),
  q('A', '2026-10-01', 'digital_government', 'digid', 'activeren', 'together', null, 'm5_15', 'solved', 'desk'),
  q('A', '2026-03-31', 'digital_government', 'digid', 'activeren', 'together', null, 'm5_15', 'solved', 'desk'),
  q('B', '2026-08-20', 'digital_government', 'uwv', 'ww', 'referred', 'uwv', 'm15_30', 'referred', 'desk'),
  q('B', '2026-05-05', 'other', 'none', 'computer', 'course', null, 'gt60', 'follow_up', 'appointment'),
  q('C', '2026-07-07', 'digital_government', 'digid', 'aanvragen', 'together', null, 'm5_15', 'solved', 'desk'),
];

export interface AppointmentFixture { branch: BranchKey; date: string; status: string; channel: 'online' | 'phone' | 'desk' }
export const APPOINTMENTS: AppointmentFixture[] = [
  { branch: 'A', date: '2026-07-02', status: 'done', channel: 'online' },
  { branch: 'A', date: '2026-07-03', status: 'no_show', channel: 'online' },
  { branch: 'A', date: '2026-08-04', status: 'cancelled', channel: 'desk' },
  { branch: 'A', date: '2026-09-05', status: 'arrived', channel: 'phone' },
  { branch: 'A', date: '2026-06-10', status: 'done', channel: 'online' },
  { branch: 'B', date: '2026-07-02', status: 'done', channel: 'online' },
];

export interface WalkinFixture { branch: BranchKey; date: string; number: number; status: string; created: string; called: string | null }
export const WALKINS: WalkinFixture[] = [
  { branch: 'A', date: '2026-07-02', number: 1, status: 'done', created: '2026-07-02T09:00:00Z', called: '2026-07-02T09:10:00Z' },
  { branch: 'A', date: '2026-07-02', number: 2, status: 'done', created: '2026-07-02T09:05:00Z', called: '2026-07-02T09:25:00Z' },
  { branch: 'A', date: '2026-08-02', number: 1, status: 'no_show', created: '2026-08-02T10:00:00Z', called: '2026-08-02T10:30:00Z' },
  { branch: 'A', date: '2026-09-02', number: 1, status: 'waiting', created: '2026-09-02T10:00:00Z', called: null },
  { branch: 'A', date: '2026-05-02', number: 1, status: 'done', created: '2026-05-02T09:00:00Z', called: '2026-05-02T09:04:00Z' },
];

export interface LoanFixture { branch: BranchKey; lent: string; due: string; returned: string | null }
export const LOANS: LoanFixture[] = [
  { branch: 'A', lent: '2026-07-05T10:00:00Z', due: '2026-07-19', returned: '2026-07-18T10:00:00Z' },
  { branch: 'A', lent: '2026-08-01T10:00:00Z', due: '2026-08-15', returned: '2026-08-20T10:00:00Z' },
  { branch: 'A', lent: '2026-09-20T10:00:00Z', due: '2026-09-28', returned: null },
  { branch: 'A', lent: '2026-06-20T10:00:00Z', due: '2026-07-04', returned: '2026-07-02T10:00:00Z' },
  { branch: 'A', lent: '2026-05-01T10:00:00Z', due: '2026-05-15', returned: '2026-05-20T10:00:00Z' },
  // 23:30 in Amsterdam on 30 September: still the third quarter.
  { branch: 'A', lent: '2026-09-30T21:30:00Z', due: '2026-10-09', returned: null },
  // 00:30 in Amsterdam on 1 October: the fourth quarter, although it is still 30 September in UTC.
  { branch: 'A', lent: '2026-09-30T22:30:00Z', due: '2026-10-14', returned: null },
];

export interface EscalationFixture { branch: BranchKey; created: string; accepted: string | null; status: 'queued' | 'active' | 'closed' | 'cancelled'; outcome: string | null }
export const ESCALATIONS: EscalationFixture[] = [
  { branch: 'A', created: '2026-07-01T09:00:00Z', accepted: '2026-07-01T09:05:00Z', status: 'closed', outcome: 'solved' },
  { branch: 'A', created: '2026-07-10T09:00:00Z', accepted: '2026-07-10T09:15:00Z', status: 'closed', outcome: 'referred' },
  { branch: 'A', created: '2026-08-10T09:00:00Z', accepted: null, status: 'cancelled', outcome: null },
  { branch: 'A', created: '2026-09-10T09:00:00Z', accepted: '2026-09-10T09:45:00Z', status: 'active', outcome: null },
  { branch: 'A', created: '2026-06-10T09:00:00Z', accepted: '2026-06-10T09:10:00Z', status: 'closed', outcome: 'follow_up' },
];

export const CALLBACKS: { branch: BranchKey; created: string }[] = [
  { branch: 'A', created: '2026-07-20T09:00:00Z' },
  { branch: 'A', created: '2026-09-01T09:00:00Z' },
  { branch: 'A', created: '2026-06-01T09:00:00Z' },
];

export const SURVEY: { branch: BranchKey; date: string; question: string; score: number; count: number }[] = [
  { branch: 'A', date: '2026-07-03', question: 'satisfaction', score: 5, count: 3 },
  { branch: 'A', date: '2026-07-03', question: 'satisfaction', score: 4, count: 1 },
  { branch: 'A', date: '2026-08-03', question: 'trust', score: 2, count: 2 },
  { branch: 'A', date: '2026-09-03', question: 'self_reliance', score: 3, count: 1 },
  { branch: 'A', date: '2026-06-03', question: 'satisfaction', score: 3, count: 2 },
];

/** Writes every fixture record straight into the tables (as the features would have). */
export function seedStatsFixtures(db: Db, branches: Record<BranchKey, number>): void {
  const now = '2026-10-05T10:00:00Z';
  const tax = db.prepare<{ kind: string; key: string }, { id: number }>('SELECT id FROM taxonomy WHERE kind = @kind AND key = @key');
  const taxId = (kind: string, key: string): number => {
    const row = tax.get({ kind, key });
    if (!row) throw new Error(`no ${kind} ${key}`);
    return row.id;
  };
  const topicId = (organisation: string, key: string): number =>
    (db.prepare('SELECT t.id FROM taxonomy t JOIN taxonomy o ON o.id = t.parent_id WHERE t.kind = ? AND o.key = ? AND t.key = ?').get('topic', organisation, key) as { id: number }).id;
  const partnerId = (key: string): number => (db.prepare('SELECT id FROM partners WHERE key = ?').get(key) as { id: number }).id;
  const visit = db.prepare(
    'INSERT INTO visits (branch_id, channel_id, started_at, local_date, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const question = db.prepare(
    `INSERT INTO questions (visit_id, branch_id, channel_id, local_date, local_month, type_id, organisation_id, topic_id, help_id, partner_id, duration_id, outcome_id, source, created_at, updated_at)
     VALUES (@visit, @branch, @channel, @date, substr(@date, 1, 7), @type, @organisation, @topic, @help, @partner, @duration, @outcome, 'form', @now, @now)`,
  );
  let firstQuestion = 0;
  db.transaction(() => {
    for (const f of QUESTIONS) {
      const channel = taxId('channel', f.channel);
      const visitId = Number(visit.run(branches[f.branch], channel, `${f.date}T10:00:00Z`, f.date, now).lastInsertRowid);
      const id = Number(
        question.run({
          visit: visitId, branch: branches[f.branch], channel, date: f.date, type: taxId('question_type', f.type), organisation: taxId('organisation', f.organisation),
          topic: f.topic ? topicId(f.organisation, f.topic) : null, help: taxId('help', f.help), partner: f.partner ? partnerId(f.partner) : null,
          duration: taxId('duration', f.duration), outcome: taxId('outcome', f.outcome), now,
        }).lastInsertRowid,
      );
      if (f.branch === 'A' && !firstQuestion) firstQuestion = id;
    }
    APPOINTMENTS.forEach((a, i) => {
      const starts = zonedInstant(a.date, '10:00')!.toISOString();
      const ends = zonedInstant(a.date, '10:30')!.toISOString();
      db.prepare(
        `INSERT INTO appointments (branch_id, starts_at, ends_at, local_date, local_time, topic_key, code, token_hash, status, channel, created_at, updated_at)
         VALUES (?, ?, ?, ?, '10:00', 'digid', ?, ?, ?, ?, ?, ?)`,
      ).run(branches[a.branch], starts, ends, a.date, `STAT${'23456789'[i]}${'ABCDEFGH'[i]}`, `token-${i}`, a.status, a.channel, now, now);
    });
    WALKINS.forEach((w, i) => {
      db.prepare('INSERT INTO walkins (branch_id, local_date, number, status, ticket_token, created_at, called_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
        branches[w.branch], w.date, w.number, w.status, `ticket-${i}`, w.created, w.called,
      );
    });
    LOANS.forEach((l, i) => {
      const device = Number(
        db.prepare("INSERT INTO devices (branch_id, type, asset_tag, created_at, updated_at) VALUES (?, 'laptop', ?, ?, ?)").run(branches[l.branch], `STAT-${i}`, now, now).lastInsertRowid,
      );
      const borrower = Number(
        db.prepare("INSERT INTO borrowers (branch_id, name, contact, contact_kind, created_at, updated_at) VALUES (?, 'Lener', ?, 'email', ?, ?)").run(branches[l.branch], `lener${i}@test.nl`, now, now).lastInsertRowid,
      );
      const loan = Number(
        db.prepare('INSERT INTO loans (branch_id, device_id, borrower_id, due_date, agreement_accepted_at, lent_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
          branches[l.branch], device, borrower, l.due, l.lent, l.lent, now, now,
        ).lastInsertRowid,
      );
      if (l.returned) db.prepare("UPDATE loans SET returned_at = ?, condition = 'fine' WHERE id = ?").run(l.returned, loan);
    });
    for (const e of ESCALATIONS) {
      const closed = e.status === 'closed' || e.status === 'cancelled' ? e.created.replace('09:', '11:') : null;
      db.prepare(
        `INSERT INTO escalations (branch_id, question_id, type_id, organisation_id, description, status, created_at, accepted_at, closed_at, outcome)
         VALUES (?, ?, ?, ?, 'Vraag', ?, ?, ?, ?, ?)`,
      ).run(branches[e.branch], firstQuestion, taxId('question_type', 'digital_government'), taxId('organisation', 'digid'), e.status, e.created, e.accepted, closed, e.outcome);
    }
    for (const c of CALLBACKS) {
      db.prepare("INSERT INTO callback_requests (branch_id, phone, consent_at, created_at) VALUES (?, '0612345678', ?, ?)").run(branches[c.branch], c.created, c.created);
    }
    for (const s of SURVEY) {
      db.prepare('INSERT INTO survey_counts (branch_id, local_date, question, score, count) VALUES (?, ?, ?, ?, ?)').run(branches[s.branch], s.date, s.question, s.score, s.count);
    }
  })();
}
