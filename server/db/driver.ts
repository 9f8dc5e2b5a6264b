/**
 * The ONE place that loads the SQLite driver. Everything else imports `Database` from here, never from
 * 'better-sqlite3' itself (types only are fine: both majors share them).
 *
 * Two majors of better-sqlite3 are installed side by side (package.json):
 *  - `better-sqlite3-13` (npm alias of better-sqlite3 13): Node-API, prebuilt, no compiler. It is built for
 *    Node-API 10, which Node has only from 22.14 on; loading it on Node 20 crashes the process (segfault),
 *    so it is never even required there.
 *  - `better-sqlite3` 12: compiled against the running Node's ABI. Works on Node 20 and 22, but aborts the
 *    process at teardown on Node >= 24.19 (`Assertion failed: (env) != nullptr` in its Statement destructor,
 *    nodejs/node#65446).
 * The choice: 13 wherever the runtime offers Node-API 10, else 12. `chooseDriver` is pure so it can be tested
 * for every runtime from any runtime; `driver` says what this process actually loaded.
 */
import type BetterSqlite3 from 'better-sqlite3';

export type DatabaseConstructor = typeof BetterSqlite3;
export type DriverPackage = 'better-sqlite3' | 'better-sqlite3-13';

export interface DriverChoice {
  /** The package name under node_modules. */
  package: DriverPackage;
  major: 12 | 13;
  /** Why, in one line (shown by `npm run driver-info`). */
  reason: string;
}

/** better-sqlite3 13 is compiled with NAPI_VERSION=10. */
export const NODE_API_FOR_13 = 10;

/** Picks the driver for a runtime, given its `process.versions` (only `node` and `napi` are read). */
export function chooseDriver(versions: { node: string; napi?: string }): DriverChoice {
  const napi = Number(versions.napi ?? 0);
  const major = Number(versions.node.split('.')[0]);
  if (Number.isInteger(napi) && napi >= NODE_API_FOR_13 && major >= 22) {
    return { package: 'better-sqlite3-13', major: 13, reason: `Node ${versions.node} has Node-API ${napi} (13 needs ${NODE_API_FOR_13})` };
  }
  return {
    package: 'better-sqlite3',
    major: 12,
    reason: `Node ${versions.node} has Node-API ${napi || '?'} < ${NODE_API_FOR_13}: 13 would crash here, using 12`,
  };
}

export interface DriverInfo extends DriverChoice {
  /** The installed version of the chosen package, e.g. "13.2.0". */
  version: string;
  node: string;
  napi: string;
  /** Node's module ABI (NODE_MODULE_VERSION), which a compiled 12 must match. */
  abi: string;
}

const choice = chooseDriver(process.versions);

function load(): { Database: DatabaseConstructor; version: string } {
  try {
    /* eslint-disable @typescript-eslint/no-require-imports -- the package name is chosen at run time */
    const Database = require(choice.package) as DatabaseConstructor;
    const { version } = require(`${choice.package}/package.json`) as { version: string };
    /* eslint-enable @typescript-eslint/no-require-imports */
    return { Database, version };
  } catch (err) {
    const hint =
      choice.major === 12
        ? 'better-sqlite3 12 is compiled for the running Node: run `npm rebuild better-sqlite3` (a C++ toolchain is needed where no prebuilt binary exists)'
        : 'run `npm ci` (better-sqlite3-13 is an optional dependency that ships prebuilt binaries)';
    throw new Error(`Cannot load the SQLite driver ${choice.package} on Node ${process.version}: ${(err as Error).message}. ${hint}`, { cause: err });
  }
}

const loaded = load();

/** The better-sqlite3 constructor for this runtime: `new Database(file, options)`. */
export const Database: DatabaseConstructor = loaded.Database;
/** Its types under the same name, so `Database.Database` and `Database.Options` read as with 'better-sqlite3'. */
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace Database {
  type Database = BetterSqlite3.Database;
  type Options = BetterSqlite3.Options;
}

/** Which driver this process uses, for the start-up log line, `npm run driver-info` and tests. */
export const driver: DriverInfo = Object.freeze({
  ...choice,
  version: loaded.version,
  node: process.version,
  napi: process.versions.napi ?? '?',
  abi: process.versions.modules,
});

/** One line: "better-sqlite3 13.2.0 on Node v24.21.0 (Node-API 10, ABI 137)". */
export function describeDriver(): string {
  return `better-sqlite3 ${driver.version} on Node ${driver.node} (Node-API ${driver.napi}, ABI ${driver.abi})`;
}

/** The SQLite library version inside the loaded driver (opens an in-memory database). */
export function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return String(db.prepare('SELECT sqlite_version() AS v').pluck().get());
  } finally {
    db.close();
  }
}

export default Database;
