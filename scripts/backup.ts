/**
 * npm run backup -- [file]
 * Online backup of the database (safe while the server runs). Default file:
 * data/backups/dichterbij-<YYYYMMDD-HHmmss>.sqlite. The copy is integrity-checked before we report success.
 */
import path from 'node:path';
import { loadConfig, ConfigError } from '../server/config';
import { backupDatabase, BackupError } from '../server/db/backup';
import { MIGRATIONS_DIR } from '../server/paths';
import { systemClock } from '../server/lib/clock';

export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
}

async function main(): Promise<void> {
  const config = loadConfig();
  const target = process.argv[2] ?? path.join(config.dataDir, 'backups', `dichterbij-${timestamp(systemClock.now())}.sqlite`);
  const check = await backupDatabase(config.databasePath, target, MIGRATIONS_DIR);
  console.log(`Backup written to ${path.resolve(target)}`);
  console.log(`integrity_check: ok · schema versions: ${check.versions.join(', ')} · accounts: ${check.users}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    const known = err instanceof BackupError || err instanceof ConfigError;
    console.error(`Backup failed: ${known ? (err as Error).message : String((err as Error).stack ?? err)}`);
    process.exit(1);
  });
}
