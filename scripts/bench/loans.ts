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
import { Session, cpuMs, freePort, kb, printProfile, printTable, productionEnv, seededDatabase, startCompiledServer, tempDataDir } from './bench-lib';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 5000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const VOLUNTEER = 'volunteer@demo.test';
const STAFF_BUDGET = 30 * 1024;
const P99_BUDGET_MS = 50;
const TYPES = ['laptop', 'tablet', 'phone', 'mifi', 'other'];

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

async function main(): Promise<void> {
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
    printTable(['page', 'first view (gzip)', '≤30 KB', '1 conn p50', 'req/s', 'p50', 'p99', `p99<${P99_BUDGET_MS}`, 'req/s ÷ base', 'p99 ÷ base', 'CPU/req', 'CPU ÷ base', 'errors'], [before, ...runs, after].map(row));
    console.log(
      `Ratios against the mean of the two baseline runs (${base.rate.toFixed(0)} req/s, p99 ${base.p99.toFixed(0)} ms, CPU ${base.cpu?.toFixed(2) ?? '-'} ms/req): ` +
        'req/s above 1 and p99 or CPU below 1 mean cheaper than the baseline page. CPU/req is the server process\'s own CPU time per answer, the steadiest figure on a shared machine.',
    );
    console.log(`load average during the run: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
