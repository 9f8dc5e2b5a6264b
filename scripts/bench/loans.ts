/**
 * npm run build && node dist/scripts/bench/loans.js — the loans pages with a large inventory.
 *
 * Seeds the demo data, adds BENCH_DEVICES (5,000) devices to the demo volunteer's branch (a few hundred of
 * them on loan), starts the compiled server in production mode and, signed in as the demo volunteer, measures
 * for the inventory page, a search and the lend form: the first-view weight (HTML + assets, gzip) against
 * the 30 KB staff budget, and latency (p50, p99) and request rate with BENCH_CONNECTIONS (20) concurrent
 * staff for BENCH_SECONDS (5) each, uncached.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import os from 'node:os';
import autocannon from 'autocannon';
import Database from '../../server/db/driver';
import { Session, freePort, kb, printTable, productionEnv, seededDatabase, startCompiledServer } from './bench-lib';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 5000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const VOLUNTEER = 'volunteer@demo.test';
const STAFF_BUDGET = 30 * 1024;
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

async function main(): Promise<void> {
  const databasePath = await seededDatabase();
  const branchId = addInventory(databasePath);
  const server = await startCompiledServer(productionEnv(databasePath, await freePort()));
  try {
    const session = new Session(server.url);
    await session.signIn(VOLUNTEER, 'demo-demo-demo');
    const pages: [string, string][] = [
      ['inventory', `/devices?branch=${branchId}`],
      ['inventory, page 40', `/devices?branch=${branchId}&page=40`],
      ['search "galaxy" (2,500 hits)', `/devices?branch=${branchId}&q=galaxy&type=tablet`],
      ['search one tag', `/devices?branch=${branchId}&q=BENCH-04711`],
      ['lend form (device found)', `/loans/new?branch=${branchId}&tag=BENCH-00042`],
      // For comparison on a busy machine: an existing staff page measured in the same run.
      ['baseline: /account/password', '/account/password'],
    ];
    console.log(`Loans pages, ${DEVICES} devices in one branch; autocannon ${CONNECTIONS} connections, ${SECONDS} s each, uncached; ${process.platform} ${process.arch}, Node ${process.version}, ${os.cpus().length} CPU(s).`);
    const rows: string[][] = [];
    for (const [name, path] of pages) {
      const w = await weight(session, path);
      if (w.status !== 200) throw new Error(`${path} answered ${w.status}`);
      const url = server.url + path;
      const headers = session.cookieHeader();
      await autocannon({ url, connections: 5, duration: 1, headers });
      // One connection: the time of one request without queueing behind others.
      const single = await autocannon({ url, connections: 1, duration: 2, headers });
      const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
      rows.push([name, kb(w.total), w.total <= STAFF_BUDGET ? 'ok' : 'OVER', `${single.latency.p50} ms`, r.requests.average.toFixed(0), `${r.latency.p50} ms`, `${r.latency.p99} ms`, String(r.non2xx + r.errors + r.timeouts)]);
    }
    printTable(['page', 'first view (gzip)', '≤30 KB', '1 conn p50', 'req/s', 'p50', 'p99', 'errors'], rows);
    console.log(`load average during the run: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
