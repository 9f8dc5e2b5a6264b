/**
 * npm run purge
 * The retention purge for cron: the same pass the server runs every hour (server/features/privacy/purge.service.ts),
 * safe while the server runs (short batches, the database waits for the lock). Prints and audits counts per
 * kind, never a personal value.
 */
import { loadConfig, ConfigError } from '../server/config';
import { openDatabase } from '../server/db/open';
import { migrate } from '../server/db/migrate';
import { MIGRATIONS_DIR } from '../server/paths';
import { systemClock } from '../server/lib/clock';
import { createLogger } from '../server/lib/logger';
import { buildDeps } from '../server/deps';
import type { Actor } from '../server/lib/actor';

const PURGE_SCRIPT_ACTOR: Actor = Object.freeze({ userId: null, label: 'npm run purge', ip: null, user: null, system: true });

function main(): void {
  const config = loadConfig();
  const db = openDatabase(config.databasePath);
  try {
    migrate(db, MIGRATIONS_DIR);
    const deps = buildDeps(config, db, { clock: systemClock, logger: createLogger('silent') });
    const report = deps.purge.run(PURGE_SCRIPT_ACTOR);
    const periods = deps.retention.current();
    console.log(`Retention purge at ${systemClock.now().toISOString()}`);
    for (const [kind, count] of Object.entries(report)) {
      const period = kind in periods ? ` (after ${periods[kind as keyof typeof periods]} days)` : '';
      console.log(`  ${kind.padEnd(18)} ${String(count).padStart(6)}${period}`);
    }
  } finally {
    db.close();
  }
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    console.error(`Purge failed: ${err instanceof ConfigError ? err.message : String((err as Error).stack ?? err)}`);
    process.exit(1);
  }
}
