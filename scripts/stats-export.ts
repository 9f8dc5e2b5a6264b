/**
 * npm run stats:export -- --from 2026-10 --to 2026-12 --branch <id|all> --format csv|xlsx|ido --out <file>
 * The exports of /stats for scheduled reporting (cron). Runs as the system (every branch), writes
 * `stats.exported` to the audit log like a download does. Bad arguments: a clear message and exit code 2.
 */
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { loadConfig, ConfigError, type Config } from '../server/config';
import { openDatabase } from '../server/db/open';
import { migrate } from '../server/db/migrate';
import { MIGRATIONS_DIR } from '../server/paths';
import { buildDeps } from '../server/deps';
import { systemClock, type Clock } from '../server/lib/clock';
import { createLogger } from '../server/lib/logger';
import { localDate } from '../server/lib/time';
import type { Actor } from '../server/lib/actor';
import { AppError } from '../server/http/errors';
import { parseStatsQuery } from '../server/features/stats/stats.query';
import type { StatsQuery } from '../server/features/stats/stats.report';
import type { ExportFormat } from '../server/features/stats/stats.export.service';

export const USAGE = 'Usage: npm run stats:export -- --from YYYY-MM [--to YYYY-MM] --branch <id|all> --format csv|xlsx|ido --out <file>';
const FORMATS: readonly ExportFormat[] = ['csv', 'xlsx', 'ido'];
const CLI_ACTOR: Actor = Object.freeze({ userId: null, label: 'command line (stats:export)', ip: null, user: null, system: true });

export class UsageError extends Error {}

export interface ExportArgs {
  query: StatsQuery;
  format: ExportFormat;
  out: string;
  lang: string;
}

const QUERY_MESSAGES: Record<string, string> = {
  'errors.month_missing': 'is missing (YYYY-MM)',
  'errors.month_invalid': 'is not a month (YYYY-MM, from 2000)',
  'errors.to_before_from': 'lies before --from',
  'errors.range_too_long': 'makes the period longer than 36 months',
  'errors.branch_invalid': 'is not a branch id or "all"',
  'errors.in_future': 'lies in the future',
};

/** argv (without node and the script) → what to export; throws UsageError with a message a person can act on. */
export function parseArgs(argv: readonly string[], today: string): ExportArgs {
  const values: Record<string, string> = {};
  const known = ['from', 'to', 'branch', 'format', 'out', 'lang'];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(argv[i]!);
    if (!m || !known.includes(m[1]!)) throw new UsageError(`Unknown argument "${argv[i]}".`);
    const value = m[2] ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`--${m[1]} needs a value.`);
    if (m[1]! in values) throw new UsageError(`--${m[1]} is given twice.`);
    values[m[1]!] = value;
  }
  for (const required of ['from', 'branch', 'format', 'out']) if (!values[required]) throw new UsageError(`--${required} is missing.`);
  if (!(FORMATS as readonly string[]).includes(values.format!)) throw new UsageError(`--format must be csv, xlsx or ido, not "${values.format}".`);
  const lang = values.lang ?? 'nl';
  if (!['nl', 'en'].includes(lang)) throw new UsageError('--lang must be nl or en.');
  const parsed = parseStatsQuery({ from: values.from, to: values.to ?? values.from, branch: values.branch }, today);
  if (!parsed.ok) {
    const [field, key] = Object.entries(parsed.errors)[0]!;
    throw new UsageError(`--${field} ${QUERY_MESSAGES[key] ?? 'is not valid'}.`);
  }
  return { query: parsed.query, format: values.format as ExportFormat, out: values.out!, lang };
}

async function finish(stream: fs.WriteStream): Promise<void> {
  if (!stream.writableFinished) {
    stream.end();
    await once(stream, 'finish');
  }
}

/** Runs one export; returns the exit code (0 done, 2 bad arguments, 1 anything else). */
export async function main(argv: readonly string[], options: { config?: Config; clock?: Clock } = {}): Promise<number> {
  const clock = options.clock ?? systemClock;
  let args: ExportArgs;
  try {
    args = parseArgs(argv, localDate(clock.now()));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`stats:export: ${err.message}\n${USAGE}`);
    return 2;
  }
  const config = options.config ?? loadConfig();
  const db = openDatabase(config.databasePath);
  try {
    migrate(db, MIGRATIONS_DIR);
    const deps = buildDeps(config, db, { clock, logger: createLogger('silent') });
    const exports = deps.statsExport;
    let rows: number | null = null;
    let write: (file: fs.WriteStream) => Promise<void>;
    // Checked (the branch exists) and audited before the file is created.
    try {
      if (args.format === 'csv') {
        const csv = await exports.csv(CLI_ACTOR, args.query, args.lang);
        write = async (file) => void file.write(csv);
      } else if (args.format === 'xlsx') {
        const report = await exports.xlsxReport(CLI_ACTOR, args.query, args.lang);
        write = (file) => exports.writeXlsx(report, file);
      } else {
        const stream = exports.idoExport(CLI_ACTOR, args.query, args.lang);
        write = async (file) => {
          rows = await stream(file);
        };
      }
    } catch (err) {
      if (err instanceof AppError && err.status === 404) {
        console.error(`stats:export: --branch ${args.query.branchId} does not exist.\n${USAGE}`);
        return 2;
      }
      throw err;
    }
    fs.mkdirSync(path.dirname(path.resolve(args.out)), { recursive: true });
    const file = fs.createWriteStream(args.out);
    await write(file);
    await finish(file);
    console.error(`Export written to ${path.resolve(args.out)}${rows === null ? '' : ` (${rows} questions)`}`);
    return 0;
  } finally {
    db.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2))
    .then((code) => {
      process.exitCode = code;
    })
    .catch((err: unknown) => {
      const known = err instanceof ConfigError;
      console.error(`stats:export failed: ${known ? (err as Error).message : String((err as Error).stack ?? err)}`);
      process.exitCode = 1;
    });
}
