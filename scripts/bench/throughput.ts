/**
 * npm run bench:throughput — pages of the real app against a bare Node `http` server that returns a static
 * buffer of exactly the same bytes, in the same run, with the same load tool (autocannon), the same number
 * of connections and the same duration, both on 127.0.0.1.
 *
 * Two rows of SPEC §6:
 * - cached, 50 connections: what an anonymous visitor gets (`/` comes from the 5-second micro-cache in
 *   http/page-cache.ts; `/book/time` is not in it and always renders). Budget: ratio >= 0.5, p99 < 50 ms,
 *   for `/` (the page the micro-cache exists for).
 * - uncached, 10 connections: the full render path. The micro-cache is bypassed by sending any cookie other
 *   than the language choice (the cache never answers those); `/desk` is signed in as the demo volunteer
 *   with a real session cookie. Budget: p99 < 50 ms; the ratio is reported against the 15 % goal.
 *
 * Fairness: both serve the body UNcompressed (autocannon sends no Accept-Encoding, so the app's compression
 * middleware passes it through), both run in their own child process, and the app runs as in production
 * (NODE_ENV=production, view cache on, logs at warn) on a database with the demo data.
 *
 * Settings: BENCH_DURATION (10 s per run), BENCH_CACHED_CONNECTIONS (50), BENCH_UNCACHED_CONNECTIONS (10).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Database from '../../server/db/driver';
import { Session, cpuMs, freePort, printTable, productionEnv, request, seededDatabase, startCompiledServer, tempDataDir } from './bench-lib';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CACHED_CONNECTIONS = Number(process.env.BENCH_CACHED_CONNECTIONS ?? process.env.BENCH_CONNECTIONS ?? 50);
const UNCACHED_CONNECTIONS = Number(process.env.BENCH_UNCACHED_CONNECTIONS ?? 10);
/** SPEC §6: "as close as it can get to 15 %"; issue 8 asks at least 5× the 0.031 measured before. */
const UNCACHED_GOAL = 0.155;

interface Bare {
  url: string;
  stop: () => void;
}

/** A bare Node http server returning one file for every request, in its own process. */
async function startBareServer(bodyFile: string, contentType: string): Promise<Bare> {
  const port = await freePort();
  const code = `
    const http = require('node:http');
    const body = require('node:fs').readFileSync(${JSON.stringify(bodyFile)});
    http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': ${JSON.stringify(contentType)}, 'content-length': body.length });
      res.end(body);
    }).listen(${port}, '127.0.0.1', () => process.send('ready'));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (c) => reject(new Error(`bare server exited ${c}`)));
  });
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill('SIGTERM') };
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  failures: number;
  /** Requests answered, warm-up included. */
  answered: number;
}

async function load(url: string, connections: number, headers: Record<string, string>): Promise<Load> {
  // Warm-up (JIT, EJS cache, SQLite page cache) so both sides are measured hot.
  const warm = await autocannon({ url, connections, duration: 2, headers });
  const r = await autocannon({ url, connections, duration: DURATION_S, headers });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, failures: r.errors + r.timeouts + r.non2xx, answered: warm.requests.total + r.requests.total };
}

interface Case {
  page: string;
  mode: 'cached' | 'uncached';
  path: string;
  headers: Record<string, string>;
}

interface Row {
  c: Case;
  bytes: number;
  app: Load;
  bare: Load;
  /** CPU time of the app process per request (Linux only): stays comparable when other work shares the CPU. */
  cpuMsPerRequest: number | null;
}

/** Measures one page and a bare server with the same bytes, at the mode's number of connections. */
async function measure(appUrl: string, appPid: number | undefined, c: Case): Promise<Row> {
  const page = await request(appUrl + c.path, { headers: c.headers });
  if (page.status !== 200 || page.headers['content-encoding']) throw new Error(`unexpected ${c.path}: ${page.status} ${String(page.headers['content-encoding'])}`);
  const bodyFile = path.join(tempDataDir(), 'page.html');
  fs.writeFileSync(bodyFile, page.body);
  const bare = await startBareServer(bodyFile, String(page.headers['content-type']));
  try {
    if (!(await request(bare.url)).body.equals(page.body)) throw new Error('bare server does not return the same bytes');
    const connections = c.mode === 'cached' ? CACHED_CONNECTIONS : UNCACHED_CONNECTIONS;
    const before = cpuMs(appPid);
    const app = await load(appUrl + c.path, connections, c.headers);
    const after = cpuMs(appPid);
    const bareLoad = await load(bare.url, connections, {});
    const cpuMsPerRequest = before === null || after === null ? null : (after - before) / app.answered;
    return { c, bytes: page.body.length, app, bare: bareLoad, cpuMsPerRequest };
  } finally {
    bare.stop();
  }
}

function firstBookableBranch(databasePath: string): number {
  const db = new Database(databasePath, { readonly: true });
  try {
    return db.prepare("SELECT b.id FROM branches b JOIN user_branches ub ON ub.branch_id = b.id JOIN users u ON u.id = ub.user_id WHERE u.email = 'volunteer@demo.test' ORDER BY b.id LIMIT 1").pluck().get() as number;
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  const databasePath = await seededDatabase();
  const branchId = firstBookableBranch(databasePath);
  const app = await startCompiledServer(productionEnv(databasePath, await freePort()));
  try {
    const volunteer = new Session(app.url);
    await volunteer.signIn('volunteer@demo.test', 'demo-demo-demo');
    const signedIn = volunteer.cookieHeader();
    const bypass = { cookie: 'bench=1' };
    const bookTime = `/book/time?branch=${branchId}&topic=digid`;
    const cases: Case[] = [
      { page: '/', mode: 'cached', path: '/', headers: {} },
      { page: '/book/time', mode: 'cached', path: bookTime, headers: {} },
      { page: '/', mode: 'uncached', path: '/', headers: bypass },
      { page: '/book/time', mode: 'uncached', path: bookTime, headers: bypass },
      { page: '/desk', mode: 'uncached', path: `/desk?branch=${branchId}`, headers: signedIn },
    ];
    console.log(
      `Throughput, app against bare node:http serving the same bytes (uncompressed), autocannon ${DURATION_S} s per run, 127.0.0.1; ` +
        `cached ${CACHED_CONNECTIONS} connections, uncached ${UNCACHED_CONNECTIONS}; ${process.platform} ${process.arch}, Node ${process.version}, ${os.cpus().length} CPU(s), load average ${os.loadavg()[0].toFixed(1)}.`,
    );
    console.log('/desk has no cached row: a signed-in page is never shared. /book/time is not in the micro-cache, so its "cached" row is a full render at 50 connections.');
    const rows: Row[] = [];
    for (const c of cases) rows.push(await measure(app.url, app.child.pid, c));
    printTable(
      ['page', 'mode', 'conns', 'bytes', 'app req/s', 'p50', 'p99', 'app CPU/req', 'bare req/s', 'ratio', 'failed'],
      rows.map((r) => [
        r.c.page,
        r.c.mode,
        String(r.c.mode === 'cached' ? CACHED_CONNECTIONS : UNCACHED_CONNECTIONS),
        String(r.bytes),
        r.app.rps.toFixed(0),
        `${r.app.p50} ms`,
        `${r.app.p99} ms`,
        r.cpuMsPerRequest === null ? '-' : `${r.cpuMsPerRequest.toFixed(2)} ms`,
        r.bare.rps.toFixed(0),
        (r.app.rps / r.bare.rps).toFixed(3),
        String(r.app.failures),
      ]),
    );
    let ok = true;
    for (const r of rows) {
      const ratio = r.app.rps / r.bare.rps;
      if (r.app.failures > 0) ok = false;
      if (r.c.mode === 'cached' && r.c.page === '/') {
        const met = ratio >= 0.5 && r.app.p99 < 50;
        ok &&= met;
        console.log(`SPEC §6 cached ${r.c.page}: ratio >= 0.5 and p99 < 50 ms: ${met ? 'ok' : 'NOT MET'}`);
      }
      if (r.c.mode === 'uncached') {
        const met = r.app.p99 < 50;
        ok &&= met;
        console.log(`SPEC §6 uncached ${r.c.page}: p99 < 50 ms ${met ? 'ok' : 'NOT MET'}; ratio ${ratio.toFixed(3)} ${ratio >= UNCACHED_GOAL ? '>=' : '<'} ${UNCACHED_GOAL} (goal 0.15)`);
      }
    }
    if (!ok) process.exitCode = 1;
  } finally {
    await app.stop();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
