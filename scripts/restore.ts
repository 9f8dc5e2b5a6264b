/**
 * npm run restore -- <backup-file>
 * Puts a backup in place of the database configured by DATABASE_PATH. Stop the server first: we refuse
 * while something answers on the configured port. Refuses backups that fail integrity_check or carry a
 * schema version this release does not know. The replaced database is kept as <name>.before-restore-<stamp>.
 */
import path from 'node:path';
import { loadConfig, ConfigError, type Config } from '../server/config';
import { restoreDatabase, BackupError } from '../server/db/backup';
import { MIGRATIONS_DIR } from '../server/paths';
import { systemClock } from '../server/lib/clock';
import { timestamp } from './backup';

/** True when a Dichterbij server answers /healthz on the configured port. */
export async function serverIsRunning(config: Config): Promise<boolean> {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  try {
    const res = await fetch(`http://${host.includes(':') ? `[${host}]` : host}:${config.port}/healthz`, { signal: AbortSignal.timeout(1500) });
    return res.status === 200 || res.status === 503;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const source = process.argv[2];
  if (!source) throw new BackupError('usage: npm run restore -- <backup-file>');
  const config = loadConfig();
  if (await serverIsRunning(config)) {
    throw new BackupError(`a server is running on port ${config.port}; stop it first (the database must not change during a restore)`);
  }
  const { check, previous } = await restoreDatabase(source, config.databasePath, MIGRATIONS_DIR, timestamp(systemClock.now()));
  console.log(`Restored ${path.resolve(source)} to ${config.databasePath}`);
  console.log(`integrity_check: ok · schema versions: ${check.versions.join(', ')} · accounts: ${check.users}`);
  if (previous) console.log(`The database it replaced is kept as ${previous}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    const known = err instanceof BackupError || err instanceof ConfigError;
    console.error(`Restore failed: ${known ? (err as Error).message : String((err as Error).stack ?? err)}`);
    process.exit(1);
  });
}
