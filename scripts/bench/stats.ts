/**
 * npm run bench:stats — the statistics page over a million registered questions (SPEC 6: ≤ 1 s).
 *
 * Seeds the demo data, tops the branches up to BENCH_BRANCHES (20) and adds BENCH_QUESTIONS (1,000,000)
 * questions spread over the last BENCH_MONTHS (36) complete months, written straight into the database file
 * in one transaction with prepared statements (the triggers of 0008 keep question_counts as they go). Then,
 * before starting the server, it times the questions part of one month for all branches, grouped from the
 * questions themselves and read from question_counts; starts the compiled server in production mode and,
 * signed in as the demo admin, times the monthly /stats page for all branches (and a quarter and a year)
 * over HTTP: BENCH_RUNS (10) sequential requests each after one warm-up, uncached.
 *
 * The exports are timed the same way (the quarterly CSV within 1 s); then the per-question IDO export of one
 * month and of a full year is downloaded while the server's RSS is sampled: streaming keeps it flat.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from '../../server/db/driver';
import { MIGRATIONS_DIR } from '../../server/paths';
import { Session, freePort, printTable, productionEnv, seededDatabase, startCompiledServer } from './bench-lib';

const QUESTIONS = Number(process.env.BENCH_QUESTIONS ?? 1_000_000);
const BRANCHES = Number(process.env.BENCH_BRANCHES ?? 20);
const MONTHS = Number(process.env.BENCH_MONTHS ?? 36);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const ADMIN = 'admin@demo.test';

function month(offset: number): string {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  return d.toISOString().slice(0, 7);
}

/** Adds branches and questions straight into the database file, before the server opens it. */
function seedQuestions(databasePath: string): { branches: number; seconds: number } {
  const db = new Database(databasePath);
  db.pragma('journal_mode = WAL');
  const started = process.hrtime.bigint();
  const now = new Date().toISOString();
  const existing = db.prepare('SELECT count(*) FROM branches').pluck().get() as number;
  const addBranch = db.prepare('INSERT INTO branches (name, city, created_at, updated_at) VALUES (?, ?, ?, ?)');
  const ids = (kind: string): number[] => db.prepare('SELECT id FROM taxonomy WHERE kind = ? ORDER BY sort_order').pluck().all(kind) as number[];
  const types = ids('question_type');
  const organisations = db.prepare("SELECT id FROM taxonomy WHERE kind = 'organisation' ORDER BY sort_order").pluck().all() as number[];
  const topicsOf = new Map<number, number[]>(organisations.map((o) => [o, db.prepare("SELECT id FROM taxonomy WHERE kind = 'topic' AND parent_id = ?").pluck().all(o) as number[]]));
  const helps = ids('help');
  const durations = ids('duration');
  const outcomes = ids('outcome');
  const channels = ids('channel');
  const partners = db.prepare('SELECT id FROM partners').pluck().all() as number[];
  const visit = db.prepare('INSERT INTO visits (branch_id, channel_id, started_at, local_date, created_at) VALUES (?, ?, ?, ?, ?)');
  const question = db.prepare(
    `INSERT INTO questions (visit_id, branch_id, channel_id, local_date, local_month, type_id, organisation_id, topic_id, help_id, partner_id,
       duration_id, outcome_id, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'tally', ?, ?)`,
  );
  // A small deterministic generator: the same data on every run, skewed like a real desk (DigiD first).
  let seed = 42;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const skewed = <T>(list: T[]): T => list[Math.min(list.length - 1, Math.floor(Math.abs(rand(1000) - rand(1000)) / (1000 / list.length)))]!;
  // Through the triggers of 0008 every row costs eight upserts of question_counts. To seed fast, the bench
  // takes them off, writes the questions, fills question_counts with the migration's own backfill statement
  // and puts the triggers back, all in the one transaction: the same counts, a few times faster.
  const triggers = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'questions' AND name LIKE 'question_counts_%'").all() as { name: string; sql: string }[];
  const backfill = /INSERT INTO question_counts[\s\S]*?;/.exec(fs.readFileSync(path.join(MIGRATIONS_DIR, '0008_create_question_counts.sql'), 'utf8'))?.[0];
  if (!backfill || triggers.length !== 3) throw new Error('migration 0008 is not what this bench expects');
  let branchIds: number[] = [];
  db.transaction(() => {
    for (const trigger of triggers) db.exec(`DROP TRIGGER ${trigger.name}`);
    for (let i = existing; i < BRANCHES; i++) addBranch.run(`Bench-vestiging ${i + 1}`, 'Benchdorp', now, now);
    branchIds = db.prepare('SELECT id FROM branches ORDER BY id').pluck().all() as number[];
    const perMonth = Math.ceil(QUESTIONS / MONTHS);
    let written = 0;
    for (let m = MONTHS; m >= 1 && written < QUESTIONS; m--) {
      const ym = month(-m);
      for (let i = 0; i < perMonth && written < QUESTIONS; i++, written++) {
        const date = `${ym}-${String(1 + (i % 28)).padStart(2, '0')}`;
        const branch = branchIds[i % branchIds.length]!;
        const channel = skewed(channels);
        const visitId = visit.run(branch, channel, `${date}T10:00:00.000Z`, date, now).lastInsertRowid;
        const organisation = skewed(organisations);
        const topics = topicsOf.get(organisation) ?? [];
        question.run(
          visitId, branch, channel, date, ym, skewed(types), organisation, topics.length && rand(4) ? skewed(topics) : null, skewed(helps),
          rand(8) === 0 ? partners[rand(partners.length)]! : null, skewed(durations), skewed(outcomes), now, now,
        );
      }
    }
    db.exec('DELETE FROM question_counts');
    db.exec(backfill);
    for (const trigger of triggers) db.exec(trigger.sql);
  })();
  const counted = db.prepare("SELECT sum(count) FROM question_counts WHERE dimension = 'type'").pluck().get();
  const questions = db.prepare('SELECT count(*) FROM questions').pluck().get();
  if (counted !== questions) throw new Error(`question_counts holds ${String(counted)} questions, the table ${String(questions)}`);
  db.exec('ANALYZE');
  db.close();
  return { branches: branchIds.length, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/**
 * The questions part of the report for one month of all branches, straight against the file: grouping the
 * questions themselves (what 0008 replaced; through the old questions_month index) against reading the
 * per-month totals of question_counts. The "measure first" figures behind migration 0008.
 */
function queryTimings(databasePath: string, ym: string): string[][] {
  const db = new Database(databasePath, { readonly: true });
  const branchIds = JSON.stringify(db.prepare('SELECT id FROM branches').pluck().all());
  const variants: [string, string][] = [
    [
      'GROUP BY over questions',
      `SELECT type_id, organisation_id, topic_id, help_id, partner_id, duration_id, outcome_id, channel_id, count(*) AS n
       FROM questions INDEXED BY questions_month WHERE local_month BETWEEN @m AND @m AND branch_id IN (SELECT value FROM json_each(@b))
       GROUP BY type_id, organisation_id, topic_id, help_id, partner_id, duration_id, outcome_id, channel_id`,
    ],
    [
      'question_counts (0008)',
      `SELECT dimension, value_id, sum(count) AS n FROM question_counts
       WHERE local_month BETWEEN @m AND @m AND branch_id IN (SELECT value FROM json_each(@b)) GROUP BY dimension, value_id HAVING sum(count) > 0`,
    ],
  ];
  const rows: string[][] = [];
  for (const [name, sql] of variants) {
    const stmt = db.prepare(sql);
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ m: ym, b: branchIds }) as { detail: string }[]).map((p) => p.detail).join(' / ');
    const count = stmt.all({ m: ym, b: branchIds }).length;
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = process.hrtime.bigint();
      stmt.all({ m: ym, b: branchIds });
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    times.sort((a, b) => a - b);
    rows.push([name, `${times[2]!.toFixed(1)} ms`, String(count), plan]);
  }
  db.close();
  return rows;
}

interface Measurement {
  name: string;
  path: string;
  /** Milliseconds the slowest run may take (SPEC 6), or null to only report. */
  budgetMs: number | null;
}

async function time(session: Session, m: Measurement): Promise<{ times: number[]; bytes: number }> {
  const first = await session.fetch(m.path);
  if (first.status !== 200) throw new Error(`${m.path} answered ${first.status}`);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const res = await session.fetch(m.path);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (res.status !== 200) throw new Error(`${m.path} answered ${res.status}`);
  }
  return { times: times.sort((a, b) => a - b), bytes: first.body.length };
}

/** Resident memory of a process in MB, from /proc (Linux); NaN elsewhere. */
function rssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}

/** One download of the per-question export while sampling the server's RSS: flat memory means no growth with the period. */
async function exportMemory(session: Session, pid: number, name: string, pathname: string): Promise<string[]> {
  const before = rssMb(pid);
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 20);
  const t0 = process.hrtime.bigint();
  const res = await session.fetch(pathname);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(sampler);
  peak = Math.max(peak, rssMb(pid));
  if (res.status !== 200) throw new Error(`${pathname} answered ${res.status}`);
  const rows = res.body.toString('utf8').split('\r\n').filter(Boolean).length - 1;
  return [name, rows.toLocaleString('en'), `${(res.body.length / 1024 / 1024).toFixed(1)} MB`, `${seconds.toFixed(1)} s`, `${before.toFixed(0)} MB`, `${peak.toFixed(0)} MB`, `${(peak - before).toFixed(0)} MB`];
}

async function main(): Promise<void> {
  const databasePath = await seededDatabase();
  const seeded = seedQuestions(databasePath);
  const last = month(-1);
  const quarterStart = month(-3);
  console.log(
    `Statistics over ${QUESTIONS.toLocaleString('en')} questions, ${MONTHS} months, ${seeded.branches} branches (seeded in ${seeded.seconds.toFixed(1)} s); ` +
      `${RUNS} sequential requests each after a warm-up; ${process.platform} ${process.arch}, Node ${process.version}, ${os.cpus().length} CPU(s).`,
  );
  console.log('\nThe questions part of one month, all branches:');
  printTable(['query', 'median', 'rows', 'plan'], queryTimings(databasePath, last));

  const MEASUREMENTS: Measurement[] = [
    { name: `/stats month ${last}, all branches`, path: `/stats?period=month&month=${last}&branch=all`, budgetMs: 1000 },
    { name: `/stats/print month ${last}, all`, path: `/stats/print?from=${last}&to=${last}&branch=all`, budgetMs: 1000 },
    { name: `/stats quarter ${quarterStart}..${last}, all`, path: `/stats?period=range&from=${quarterStart}&to=${last}&branch=all`, budgetMs: null },
    { name: `/stats 12 months to ${last}, all`, path: `/stats?period=range&from=${month(-12)}&to=${last}&branch=all`, budgetMs: null },
    { name: `/stats/export.csv quarter ${quarterStart}..${last}, all`, path: `/stats/export.csv?from=${quarterStart}&to=${last}&branch=all`, budgetMs: 1000 },
    { name: `/stats/export.xlsx quarter ${quarterStart}..${last}, all`, path: `/stats/export.xlsx?from=${quarterStart}&to=${last}&branch=all`, budgetMs: null },
  ];

  const server = await startCompiledServer(productionEnv(databasePath, await freePort()));
  let failed = false;
  try {
    const session = new Session(server.url);
    await session.signIn(ADMIN, 'demo-demo-demo');
    const rows: string[][] = [];
    for (const m of MEASUREMENTS) {
      const { times, bytes } = await time(session, m);
      const max = times[times.length - 1]!;
      const verdict = m.budgetMs === null ? '' : max <= m.budgetMs ? `ok (≤ ${m.budgetMs} ms)` : `OVER ${m.budgetMs} ms`;
      if (m.budgetMs !== null && max > m.budgetMs) failed = true;
      rows.push([m.name, `${times[0]!.toFixed(0)} ms`, `${times[Math.floor(times.length / 2)]!.toFixed(0)} ms`, `${max.toFixed(0)} ms`, `${(bytes / 1024).toFixed(0)} KB`, verdict]);
    }
    console.log('\nOver HTTP (compiled server, production mode):');
    printTable(['request', 'min', 'median', 'max', 'body', 'budget'], rows);
    console.log('\nThe per-question (IDO) export, streamed; server memory sampled every 20 ms during the download:');
    const memoryRows: string[][] = [];
    for (const [name, from] of [['one month', last], ['a full year', month(-12)]] as const) {
      memoryRows.push(await exportMemory(session, server.child.pid!, name, `/stats/export-ido.csv?from=${from}&to=${last}&branch=all`));
    }
    printTable(['IDO export', 'rows', 'body', 'time', 'RSS before', 'peak RSS during', 'growth'], memoryRows);
  } finally {
    await server.stop();
  }
  if (failed) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
