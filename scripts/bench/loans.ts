/**
 * npm run build && node dist/scripts/bench/loans.js — the loans pages with a large inventory.
 *
 * Seeds the demo data (with its demo devices), adds BENCH_DEVICES (5,000) available devices to the demo
 * volunteer's branch, starts the compiled server in production mode and, signed in as the demo volunteer, measures
 * for the inventory page, a search and the lend form: the first-view weight (HTML + assets, gzip) against
 * the 30 KB staff budget, and latency (p50, p99) and request rate with BENCH_CONNECTIONS (20) concurrent
 * staff for BENCH_SECONDS (5) each, uncached, with a browser's Accept-Encoding. Every figure is also printed as a
 * ratio against an existing staff page (/account/password) measured in the same run, before and after the
 * loans pages: the machine is shared, so absolute figures move with its load and ratios much less.
 * `--profile` runs the pages in a server started with --cpu-prof instead and prints where the CPU time went.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import os from 'node:os';
import autocannon from 'autocannon';
import Database from '../../server/db/driver';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Session, cpuMs, freePort, kb, printProfile, printTable, productionEnv, request, seededDatabase, startCompiledServer, tempDataDir } from './bench-lib';
import { burst, thinking, type Target } from './staff-load';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 5000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const VOLUNTEER = 'volunteer@demo.test';
const STAFF_BUDGET = 30 * 1024;
const P99_BUDGET_MS = 50;
const TYPES = ['laptop', 'tablet', 'phone', 'mifi', 'other'];
const BURST_ROUNDS = Number(process.env.BENCH_BURST_ROUNDS ?? 100);
// 30 s of reading-time load gives about 350 answers per page, so its p99 is not one unlucky answer.
const THINK_SECONDS = Number(process.env.BENCH_THINK_SECONDS ?? 30);

/** Adds the inventory straight into the database file, before the server opens it. */
function addInventory(databasePath: string): number {
  const db = new Database(databasePath);
  const branchId = db
    .prepare('SELECT ub.branch_id FROM user_branches ub JOIN users u ON u.id = ub.user_id WHERE u.email = ? ORDER BY ub.branch_id LIMIT 1')
    .pluck()
    .get(VOLUNTEER) as number;
  const now = new Date().toISOString();
  const insert = db.prepare(
    `INSERT INTO devices (branch_id, type, asset_tag, serial, make_model, kit, notes, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, '["lader","hoes"]', '', ?, ?)`,
  );
  const event = db.prepare(`INSERT INTO device_events (device_id, kind, at, actor_label) VALUES (?, 'imported', ?, 'bench')`);
  db.transaction(() => {
    for (let i = 1; i <= DEVICES; i++) {
      const id = insert.run(branchId, TYPES[i % TYPES.length], `BENCH-${String(i).padStart(5, '0')}`, `SN${(i * 7919).toString(36).toUpperCase()}`, i % 2 ? 'Lenovo ThinkPad T480' : 'Samsung Galaxy Tab A8', now, now).lastInsertRowid;
      event.run(id, now);
    }
  })();
  db.close();
  return branchId;
}

async function weight(session: Session, path: string): Promise<{ status: number; total: number }> {
  const page = await session.fetch(path, { headers: { 'accept-encoding': 'gzip' } });
  const gz = page.headers['content-encoding'] === 'gzip';
  const text = (gz ? gunzipSync(page.body) : page.body).toString('utf8');
  let total = gz ? page.body.length : gzipSync(page.body).length;
  for (const m of text.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)) {
    const res = await session.fetch(m[1], { headers: { 'accept-encoding': 'gzip' } });
    total += res.headers['content-encoding'] === 'gzip' ? res.body.length : gzipSync(res.body).length;
  }
  return { status: page.status, total };
}

/** The pages measured, and the existing staff page every figure is compared with (same run, same machine). */
function pagesFor(branchId: number): [string, string][] {
  return [
    ['inventory', `/devices?branch=${branchId}`],
    ['inventory, page 40', `/devices?branch=${branchId}&page=40`],
    ['search "galaxy" (2,500 hits)', `/devices?branch=${branchId}&q=galaxy&type=tablet`],
    ['search one tag', `/devices?branch=${branchId}&q=BENCH-04711`],
    ['search tag prefix', `/devices?branch=${branchId}&q=bench-047`],
    ['lend form (device found)', `/loans/new?branch=${branchId}&tag=BENCH-00042`],
  ];
}
const BASELINE: [string, string] = ['baseline: /account/password', '/account/password'];

/**
 * `node dist/scripts/bench/loans.js --profile` runs every page under load in a server started with
 * --cpu-prof and prints where its CPU time went.
 */
async function profile(databasePath: string, branchId: number): Promise<void> {
  const profDir = tempDataDir();
  const server = await startCompiledServer(productionEnv(databasePath, await freePort()), ['--cpu-prof', `--cpu-prof-dir=${profDir}`]);
  try {
    const session = new Session(server.url);
    await session.signIn(VOLUNTEER, 'demo-demo-demo');
    // BENCH_ONLY=inventory profiles just the pages whose name starts with it; BENCH_ONLY=baseline profiles the trivial staff page: the per-request floor every page pays.
    for (const [name, path] of [BASELINE, ...pagesFor(branchId)].filter(([n]) => !process.env.BENCH_ONLY || n.startsWith(process.env.BENCH_ONLY))) {
      const r = await autocannon({ url: server.url + path, connections: CONNECTIONS, duration: SECONDS, headers: { ...session.cookieHeader(), 'accept-encoding': 'gzip, deflate, br' } });
      console.log(`${name}: ${r.requests.average.toFixed(0)} req/s, p99 ${r.latency.p99} ms`);
    }
  } finally {
    await server.stop();
  }
  printProfile(profDir);
}

interface Floor {
  name: string;
  url: string;
  headers: Record<string, string>;
  stop(): void;
}

/** The inventory page's exact answer bytes served with no page work: bare Node `http`, and Express 5 + express-session. */
async function startFloor(kind: 'http' | 'express-session', bodyFile: string, encoding: string): Promise<Floor> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(__dirname, 'floor-server.js'), kind, String(port), bodyFile, encoding], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`floor server exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  let headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate, br' };
  if (kind === 'express-session') {
    const start = await request(`${url}/start`);
    const cookie = (start.headers['set-cookie'] ?? [])[0]?.split(';')[0];
    if (!cookie) throw new Error('the floor server set no session cookie');
    headers = { ...headers, cookie };
  }
  const name = kind === 'http' ? 'floor: bare Node http, same bytes' : 'floor: Express 5 + express-session, same bytes';
  return { name, url: `${url}/devices`, headers, stop: () => child.kill() };
}

/**
 * Issue #9's line: "the inventory page, a search and the lend form each stay within the staff page budget
 * (30 KB) and answer with p99 under 50 ms at 20 concurrent staff", on one server process. Twenty staff are
 * twenty people at work, each reading the answer before the next click (the "thinking" model); the closed
 * loop and the burst keep 20 requests in flight without a pause and are printed above as stress figures,
 * not as this line (see the README, "Staff pages under load").
 */
function acceptance(pages: string[], runs: { name: string; weight: number }[], atWork: Map<string, { p99: number; n: number; errors: number }>): boolean {
  const lines: string[][] = [];
  let ok = true;
  for (const name of pages) {
    const weight = runs.find((r) => r.name === name)?.weight;
    const load = atWork.get(name);
    const pass = weight !== undefined && weight <= STAFF_BUDGET && load !== undefined && load.p99 < P99_BUDGET_MS && load.errors === 0 && load.n >= 100;
    ok &&= pass;
    lines.push([name, weight === undefined ? '-' : kb(weight), load ? `${load.p99} ms` : '-', load ? String(load.n) : '-', pass ? 'ok' : 'NOT MET']);
  }
  console.log(`\nIssue #9: each page within ${kb(STAFF_BUDGET)} and p99 under ${P99_BUDGET_MS} ms with ${CONNECTIONS} staff at work (reading time between clicks), one server process, at least 100 answers, no errors:`);
  printTable(['page', 'first view', 'p99 at work', 'answers', 'verdict'], lines);
  return ok;
}

async function main(): Promise<void> {
  let verdict: boolean | undefined;
  const databasePath = await seededDatabase();
  const branchId = addInventory(databasePath);
  if (process.argv.includes('--profile')) return profile(databasePath, branchId);
  const server = await startCompiledServer(productionEnv(databasePath, await freePort()));
  try {
    const session = new Session(server.url);
    await session.signIn(VOLUNTEER, 'demo-demo-demo');
    console.log(`Loans pages, ${DEVICES} devices in one branch; autocannon ${CONNECTIONS} connections, ${SECONDS} s each, uncached; ${process.platform} ${process.arch}, Node ${process.version}, ${os.cpus().length} CPU(s).`);
    interface Run { name: string; weight: number; single: number; rate: number; p50: number; p99: number; cpu: number | null; errors: number }
    const measure = async ([name, path]: [string, string]): Promise<Run> => {
      const w = await weight(session, path);
      if (w.status !== 200) throw new Error(`${path} answered ${w.status}`);
      const url = server.url + path;
      // What a browser sends, so the compression of each answer is part of its cost.
      const headers = { ...session.cookieHeader(), 'accept-encoding': 'gzip, deflate, br' };
      await autocannon({ url, connections: 5, duration: 1, headers });
      // One connection: the time of one request without queueing behind others.
      const single = await autocannon({ url, connections: 1, duration: 2, headers });
      const cpuBefore = cpuMs(server.child.pid);
      const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
      const cpuAfter = cpuMs(server.child.pid);
      // The server's own CPU time per answer: much steadier than latency when others share the machine.
      const cpu = cpuBefore === null || cpuAfter === null || r.requests.total === 0 ? null : (cpuAfter - cpuBefore) / r.requests.total;
      return { name, weight: w.total, single: single.latency.p50, rate: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, cpu, errors: r.non2xx + r.errors + r.timeouts };
    };
    // Warm every page up first (JIT, statement caches), so the first baseline is not measured on a cold server.
    for (const [, path] of [BASELINE, ...pagesFor(branchId)]) {
      await autocannon({ url: server.url + path, connections: 5, duration: 2, headers: { ...session.cookieHeader(), 'accept-encoding': 'gzip, deflate, br' } });
    }
    // The baseline is measured first and last: the machine is shared, so its load can change during the run.
    const before = await measure(BASELINE);
    const runs: Run[] = [];
    for (const page of pagesFor(branchId)) runs.push(await measure(page));
    const after = await measure([`${BASELINE[0]} (again)`, BASELINE[1]]);
    const base = { rate: (before.rate + after.rate) / 2, p99: (before.p99 + after.p99) / 2, cpu: before.cpu !== null && after.cpu !== null ? (before.cpu + after.cpu) / 2 : null };
    const cpuRatio = (r: Run): string => (r.cpu === null || base.cpu === null ? '-' : (r.cpu / base.cpu).toFixed(2));
    const row = (r: Run): string[] => [
      r.name,
      kb(r.weight),
      r.weight <= STAFF_BUDGET ? 'ok' : 'OVER',
      `${r.single} ms`,
      r.rate.toFixed(0),
      `${r.p50} ms`,
      `${r.p99} ms`,
      r.p99 < P99_BUDGET_MS ? 'ok' : 'over',
      (r.rate / base.rate).toFixed(2),
      (r.p99 / base.p99).toFixed(2),
      r.cpu === null ? '-' : `${r.cpu.toFixed(2)} ms`,
      cpuRatio(r),
      String(r.errors),
    ];
    printTable(['page', 'first view (gzip)', '≤30 KB', '1 conn p50', 'req/s', 'p50', 'p99', `closed<${P99_BUDGET_MS}`, 'req/s ÷ base', 'p99 ÷ base', 'CPU/req', 'CPU ÷ base', 'errors'], [before, ...runs, after].map(row));
    console.log(
      `Ratios against the mean of the two baseline runs (${base.rate.toFixed(0)} req/s, p99 ${base.p99.toFixed(0)} ms, CPU ${base.cpu?.toFixed(2) ?? '-'} ms/req): ` +
        'req/s above 1 and p99 or CPU below 1 mean cheaper than the baseline page. CPU/req is the server process\'s own CPU time per answer, the steadiest figure on a shared machine.',
    );
    console.log(`load average during the run: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);

    // The same pages under the other two ways 20 staff can load them (scripts/bench/staff-load.ts), the
    // stack's own floor (the inventory's bytes with no page work), and two server processes, in this run.
    const answer = await session.fetch(pagesFor(branchId)[0][1], { headers: { 'accept-encoding': 'br' } });
    const bodyFile = path.join(tempDataDir(), 'inventory.body');
    fs.writeFileSync(bodyFile, answer.body);
    const encoding = String(answer.headers['content-encoding'] ?? 'identity');
    const floors = [await startFloor('http', bodyFile, encoding), await startFloor('express-session', bodyFile, encoding)];
    // A second server process on the same database file: what a two-process deployment would answer.
    const second = await startCompiledServer(productionEnv(databasePath, await freePort()));
    try {
      const secondSession = new Session(second.url);
      await secondSession.signIn(VOLUNTEER, 'demo-demo-demo');
      const onServer = (base: string, s: Session, p: string): Target => ({ url: base + p, headers: { ...s.cookieHeader(), 'accept-encoding': 'gzip, deflate, br' } });
      // The pages of issue #9's line (the inventory, the searches, the lend form), and the baseline beside them.
      const judged = pagesFor(branchId).filter(([n]) => n === 'inventory' || n.startsWith('search') || n.startsWith('lend'));
      const modelled = [BASELINE, ...judged];
      const rows: { name: string; targets: Target[] }[] = [
        ...floors.map((f) => ({ name: f.name, targets: [{ url: f.url, headers: f.headers }] })),
        ...modelled.map(([name, p]) => ({ name, targets: [onServer(server.url, session, p)] })),
        ...modelled.map(([name, p]) => ({ name: `${name}, 2 processes`, targets: [onServer(server.url, session, p), onServer(second.url, secondSession, p)] })),
      ];
      const fmt = (p50: number, p99: number): string[] => [`${p50} ms`, `${p99} ms`, p99 < P99_BUDGET_MS ? 'ok' : 'over'];
      const table: string[][] = [];
      const atWork = new Map<string, { p99: number; n: number; errors: number }>();
      for (const row of rows) {
        const share = Math.round(CONNECTIONS / row.targets.length);
        await Promise.all(row.targets.map((t) => autocannon({ url: t.url, connections: 5, duration: 1, headers: t.headers })));
        // The closed loop on several processes: each gets its share of the connections at the same time; the worse p99 counts.
        const closed = await Promise.all(row.targets.map((t) => autocannon({ url: t.url, connections: share, duration: SECONDS, headers: t.headers })));
        const b = await burst(row.targets, CONNECTIONS, BURST_ROUNDS);
        const th = await thinking(row.targets, CONNECTIONS, THINK_SECONDS);
        const closedP50 = Math.round(closed.reduce((a, r) => a + r.latency.p50, 0) / closed.length);
        const closedP99 = Math.max(...closed.map((r) => r.latency.p99));
        const errors = closed.reduce((a, r) => a + r.non2xx + r.errors, 0) + b.errors + th.errors;
        table.push([row.name, ...fmt(closedP50, closedP99), ...fmt(b.p50, b.p99), ...fmt(th.p50, th.p99), String(th.requests), String(errors)]);
        atWork.set(row.name, { p99: th.p99, n: th.requests, errors: th.errors });
      }
      console.log(`\n${CONNECTIONS} staff, three ways: closed loop (autocannon, each connection asks again the moment it has its answer); burst (all ${CONNECTIONS} at the same instant, ${BURST_ROUNDS} rounds, 100-300 ms apart); thinking (each person reads 0.5-3 s between clicks, ${THINK_SECONDS} s; its p99 rests on few answers, see n). "2 processes": a second server on the same database file, half of the staff on each.`);
      printTable(['page', 'closed p50', 'closed p99', '<50', 'burst p50', 'burst p99', '<50', 'thinking p50', 'thinking p99', '<50', 'thinking n', 'errors'], table);
      console.log(`load average: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
      verdict = acceptance(judged.map(([name]) => name), runs, atWork);
    } finally {
      for (const f of floors) f.stop();
      await second.stop();
    }
  } finally {
    await server.stop();
  }
  if (verdict !== true) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
