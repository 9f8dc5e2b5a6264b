import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT_DIR } from '../../server/paths';
import { buildOnce } from '../helpers/compiled-server';
import { createBranch, createTestApp } from '../helpers/test-app';

/** `npm run purge` (for cron): the compiled script purges, prints counts per kind and audits the pass. */
test('npm run purge blanks expired bookings, prints counts and audits them', async () => {
  buildOnce();
  const t = createTestApp();
  const branch = createBranch(t.deps);
  // Far in the past for the real clock the script uses.
  t.db
    .prepare(
      `INSERT INTO appointments (branch_id, starts_at, ends_at, local_date, local_time, topic_key, code, token_hash, status, name, email, channel, created_at, updated_at)
       VALUES (?, '2025-01-10T09:00:00.000Z', '2025-01-10T09:30:00.000Z', '2025-01-10', '10:00', 'digid', 'ABCDEF', 'h1', 'done', 'Jan Jansen', 'jan@example.nl', 'online', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')`,
    )
    .run(branch);
  const dbPath = t.config.databasePath;
  await t.close();
  const run = (): string =>
    execFileSync(process.execPath, [path.join(ROOT_DIR, 'dist', 'scripts', 'purge.js')], {
      env: { ...process.env, NODE_ENV: 'test', DATABASE_PATH: dbPath, SESSION_SECRET: 'test-secret-test-secret-test-secret-1234' },
      encoding: 'utf8',
    });
  const first = run();
  expect(first).toMatch(/bookings\s+1 \(after 30 days\)/);
  expect(first).not.toContain('Jan Jansen');
  // Idempotent: nothing left the second time.
  expect(run()).toMatch(/bookings\s+0/);

  const { openDatabase } = await import('../../server/db/open');
  const db = openDatabase(dbPath);
  try {
    expect(db.prepare(`SELECT name, email FROM appointments`).get()).toEqual({ name: '', email: null });
    const audit = db.prepare(`SELECT actor_label, details FROM audit_log WHERE action = 'retention.purged'`).all() as { actor_label: string; details: string }[];
    expect(audit).toHaveLength(1);
    expect(audit[0].actor_label).toBe('npm run purge');
    expect(JSON.parse(audit[0].details).counts.bookings).toBe(1);
  } finally {
    db.close();
  }
}, 120_000);
