/**
 * `npm run seed:demo`: demo branches, accounts and each feature's demo data, on the database of the
 * normal configuration (DATABASE_PATH). Refused in production, where demo passwords must never exist.
 */
import { loadConfig } from '../server/config';
import { openDatabase } from '../server/db/open';
import { migrate } from '../server/db/migrate';
import { MIGRATIONS_DIR } from '../server/paths';
import { buildDeps } from '../server/deps';
import { systemClock } from '../server/lib/clock';
import { createLogger } from '../server/lib/logger';
import { DEMO_PASSWORD, seedDemo, type FeatureSeeder } from '../server/features/demo/demo.seed';
import { seedAppointmentsDemo } from '../server/features/appointments/appointments.seed';
import { seedIntakeDemo } from '../server/features/intake/intake.seed';
import { seedLoansDemo } from '../server/features/loans/loans.seed';

/**
 * Each feature's demo data, run in this order after the branches and accounts exist. Add yours here:
 * a function `(deps, ctx, log) => Promise<void> | void` exported from server/features/<name>/<name>.seed.ts
 * that is idempotent (running the script twice must not double anything).
 */
const featureSeeders: FeatureSeeder[] = [
  seedIntakeDemo,
  seedAppointmentsDemo,
  seedLoansDemo,
];

export interface SeedOutput {
  log: (msg: string) => void;
  error: (msg: string) => void;
}

/** Runs the whole seed; returns the process exit code. Takes env so tests can run it for real. */
export async function runSeedDemo(env: Record<string, string | undefined> = process.env, out: SeedOutput = { log: console.log, error: console.error }): Promise<number> {
  if (env.NODE_ENV === 'production') {
    out.error('seed:demo refuses to run with NODE_ENV=production: it creates accounts with a publicly known password.');
    return 1;
  }
  const config = loadConfig(env);
  const db = openDatabase(config.databasePath);
  try {
    migrate(db, MIGRATIONS_DIR);
    const deps = buildDeps(config, db, { clock: systemClock, logger: createLogger(config.logLevel) });
    const ctx = await seedDemo(deps, out.log);
    for (const seeder of featureSeeders) await seeder(deps, ctx, out.log);
    await deps.outboxSender.stop();
  } finally {
    db.close();
  }
  out.log(`Demo data ready in ${config.databasePath}. Sign in with admin@demo.test, coordinator@demo.test, volunteer@demo.test or expert@demo.test and password ${DEMO_PASSWORD}.`);
  return 0;
}

if (require.main === module) {
  runSeedDemo().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
