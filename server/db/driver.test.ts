import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import ts from 'typescript';
import Database, { chooseDriver, describeDriver, driver, sqliteVersion } from './driver';
import { openDatabase } from './open';
import { ROOT_DIR } from '../paths';

describe('the SQLite driver choice (server/db/driver.ts)', () => {
  test.each([
    // [node, Node-API, expected major]
    ['20.19.0', '9', 12],
    ['20.20.2', '9', 12], // these machines: 13 would segfault (Node-API 10 never shipped on 20.x)
    ['22.13.1', '9', 12],
    ['22.14.0', '10', 13],
    ['24.18.1', '10', 13],
    ['24.21.0', '10', 13], // 12 aborts at teardown from 24.19 on (nodejs/node#65446)
    ['26.10.0', '10', 13],
  ] as const)('Node %s with Node-API %s gets better-sqlite3 %i', (node, napi, major) => {
    const choice = chooseDriver({ node, napi });
    expect(choice.major).toBe(major);
    expect(choice.package).toBe(major === 13 ? 'better-sqlite3-13' : 'better-sqlite3');
  });

  test('a runtime that does not say its Node-API version, or an odd one, gets 12', () => {
    expect(chooseDriver({ node: '20.20.2' }).major).toBe(12);
    expect(chooseDriver({ node: '24.21.0', napi: 'x' }).major).toBe(12);
    expect(chooseDriver({ node: '20.20.2', napi: '10' }).major).toBe(12);
  });

  test('this process loaded the major chosen for its runtime, and says which', () => {
    const expected = chooseDriver(process.versions);
    expect(driver.package).toBe(expected.package);
    expect(driver.version.split('.')[0]).toBe(String(expected.major));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(Database).toBe(require(expected.package));
    const [major, minor] = process.versions.node.split('.').map(Number);
    if (major === 20) expect(driver.major).toBe(12);
    if (major > 24 || (major === 24 && minor >= 19)) expect(driver.major).toBe(13);
    expect(describeDriver()).toBe(`better-sqlite3 ${driver.version} on Node ${process.version} (Node-API ${process.versions.napi}, ABI ${process.versions.modules})`);
    expect(sqliteVersion()).toMatch(/^3\.\d+\.\d+$/);
  });

  test('a database opened through it works: WAL, FULL sync, foreign keys, integrity_check ok, data survives a reopen', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dichterbij-driver-'));
    try {
      const file = path.join(dir, 'd.sqlite');
      const db = openDatabase(file);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      db.exec('CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER NOT NULL REFERENCES p(id), v TEXT NOT NULL)');
      db.prepare('INSERT INTO p (id) VALUES (1)').run();
      const insert = db.prepare('INSERT INTO c (p, v) VALUES (?, ?)');
      db.transaction(() => {
        for (let i = 0; i < 100; i++) insert.run(1, `v${i} ✓ <b>`);
      })();
      expect(() => insert.run(2, 'orphan')).toThrow(/FOREIGN KEY/);
      db.close();

      const again = new Database(file, { readonly: true, fileMustExist: true });
      expect(again.prepare('SELECT count(*) FROM c').pluck().get()).toBe(100);
      expect(again.prepare('SELECT v FROM c ORDER BY rowid DESC LIMIT 1').pluck().get()).toBe('v99 ✓ <b>');
      expect(again.pragma('integrity_check', { simple: true })).toBe('ok');
      again.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a process that used it exits cleanly: no abort when statements are collected or outlive it', () => {
    // The driver module, transpiled into the repository so the child resolves node_modules as the server does.
    const dir = path.join(ROOT_DIR, 'test-output', `driver-child-${process.pid}`);
    fs.mkdirSync(dir, { recursive: true });
    const source = fs.readFileSync(path.join(__dirname, 'driver.ts'), 'utf8');
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
    fs.writeFileSync(path.join(dir, 'driver.js'), js.outputText);
    const child = `
      const { Database, driver } = require(${JSON.stringify(path.join(dir, 'driver.js'))});
      const db = new Database(${JSON.stringify(path.join(dir, 'child.sqlite'))});
      db.pragma('journal_mode = WAL');
      db.exec('CREATE TABLE IF NOT EXISTS t (v TEXT)');
      const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
      const select = db.prepare('SELECT count(*) AS n FROM t');
      for (let i = 0; i < 50; i++) insert.run('x' + i);
      const iterator = db.prepare('SELECT v FROM t').iterate();
      iterator.next();
      // Throw-away statements, some made from a vm context as jest's test environment does, collected by the GC:
      // better-sqlite3 12 aborts in their destructor on Node >= 24.19 (nodejs/node#65446).
      const vm = require('node:vm');
      const context = vm.createContext({ db });
      for (let i = 0; i < 2000; i++) vm.runInContext('db.prepare("SELECT count(*) FROM t").get()', context);
      for (let i = 0; i < 2000; i++) db.prepare('SELECT ? AS x').get(i);
      global.gc();
      vm.runInContext('for (let i = 0; i < 200000; i++) ({ a: [i] })', context);
      global.gc();
      console.log(JSON.stringify({ major: driver.major, n: select.get().n }));
      // No close, no finalize: the remaining statements die with the environment.
    `;
    try {
      const run = spawnSync(process.execPath, ['--expose-gc', '-e', child], { cwd: ROOT_DIR, encoding: 'utf8', timeout: 20_000 });
      expect(run.stderr).not.toMatch(/Assertion failed|Segmentation|Aborted/);
      expect({ status: run.status, signal: run.signal }).toEqual({ status: 0, signal: null });
      expect(JSON.parse(run.stdout)).toEqual({ major: driver.major, n: 50 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
