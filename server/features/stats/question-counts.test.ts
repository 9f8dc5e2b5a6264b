import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../db/open';
import { migrate } from '../../db/migrate';
import { MIGRATIONS_DIR } from '../../paths';
import { createBranch, createTestApp, tempDir, type TestApp } from '../../../tests/helpers/test-app';
import { seedStatsFixtures } from '../../../tests/helpers/stats-fixtures';

/**
 * question_counts (migration 0008) must always equal what counting the questions themselves gives, after
 * registrations, edits (of every counted column, the month and the branch) and deletes, also the cascade
 * from a deleted visit.
 */
const DIMENSIONS: [string, string][] = [
  ['type', 'type_id'], ['organisation', 'organisation_id'], ['topic', 'ifnull(topic_id, 0)'], ['help', 'help_id'],
  ['partner', 'ifnull(partner_id, 0)'], ['duration', 'duration_id'], ['outcome', 'outcome_id'], ['channel', 'channel_id'],
];

function countedFromQuestions(t: Pick<TestApp, 'db'>): string[] {
  return DIMENSIONS.flatMap(([dim, col]) =>
    (t.db.prepare(`SELECT local_month, branch_id, ${col} AS v, count(*) AS n FROM questions GROUP BY local_month, branch_id, ${col}`).all() as { local_month: string; branch_id: number; v: number; n: number }[]).map(
      (r) => `${r.local_month} ${r.branch_id} ${dim} ${r.v} ${r.n}`,
    ),
  ).sort();
}

function summary(t: Pick<TestApp, 'db'>): string[] {
  return (t.db.prepare('SELECT local_month, branch_id, dimension, value_id, count FROM question_counts WHERE count > 0').all() as Record<string, string | number>[])
    .map((r) => `${r.local_month} ${r.branch_id} ${r.dimension} ${r.value_id} ${r.count}`)
    .sort();
}

describe('question_counts', () => {
  let t: TestApp;
  beforeAll(() => {
    t = createTestApp();
    const ids = { A: createBranch(t.deps), B: createBranch(t.deps), C: createBranch(t.deps) };
    seedStatsFixtures(t.db, ids);
  });
  afterAll(() => t.close());

  it('follows registrations, edits and deletes in the same transaction', () => {
    expect(summary(t).length).toBeGreaterThan(50);
    expect(summary(t)).toEqual(countedFromQuestions(t));

    const other = (kind: string, not: number) => (t.db.prepare('SELECT id FROM taxonomy WHERE kind = ? AND id <> ? LIMIT 1').get(kind, not) as { id: number }).id;
    const q = t.db.prepare('SELECT * FROM questions ORDER BY id LIMIT 1').get() as Record<string, number | string | null>;
    t.db.prepare('UPDATE questions SET type_id = ?, outcome_id = ?, topic_id = NULL, partner_id = (SELECT min(id) FROM partners) WHERE id = ?').run(other('question_type', q.type_id as number), other('outcome', q.outcome_id as number), q.id);
    expect(summary(t)).toEqual(countedFromQuestions(t));

    const branchB = t.db.prepare('SELECT branch_id FROM questions WHERE branch_id <> ? LIMIT 1').get(q.branch_id) as { branch_id: number };
    t.db.prepare("UPDATE questions SET branch_id = ?, local_date = '2025-12-24', local_month = '2025-12' WHERE id = ?").run(branchB.branch_id, q.id);
    expect(summary(t)).toEqual(countedFromQuestions(t));

    // The escalations of the fixture point at the first question of A; delete another one, and a whole visit.
    const last = t.db.prepare('SELECT id, visit_id FROM questions ORDER BY id DESC LIMIT 1').get() as { id: number; visit_id: number };
    t.db.prepare('DELETE FROM visits WHERE id = ?').run(last.visit_id);
    expect(t.db.prepare('SELECT count(*) AS n FROM questions WHERE id = ?').get(last.id)).toEqual({ n: 0 });
    expect(summary(t)).toEqual(countedFromQuestions(t));
  });
});

describe('migration 0008 on a database that already has questions', () => {
  it('fills question_counts from the questions registered before it', () => {
    const dir = tempDir();
    const before = path.join(dir, 'migrations');
    fs.mkdirSync(before);
    const all = fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort();
    for (const f of all.filter((name) => name < '0008')) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(before, f));
    const db = openDatabase(path.join(dir, 'old.sqlite'));
    migrate(db, before);
    const now = new Date().toISOString();
    const branch = (name: string): number => Number(db.prepare('INSERT INTO branches (name, created_at, updated_at) VALUES (?, ?, ?)').run(name, now, now).lastInsertRowid);
    seedStatsFixtures(db, { A: branch('A'), B: branch('B'), C: branch('C') });
    for (const f of all.filter((name) => name >= '0008')) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(before, f));
    migrate(db, before);
    expect(summary({ db }).length).toBeGreaterThan(50);
    expect(summary({ db })).toEqual(countedFromQuestions({ db }));
    db.close();
  });
});
