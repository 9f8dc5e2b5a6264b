/**
 * npm run build && node dist/scripts/bench/desk-latency.js — live-update latency of the desk screens.
 *
 * Starts the compiled server (production mode, demo data) in its own process, signs in DESKS separate
 * sessions of the demo volunteer over HTTP, connects one socket.io client per session (as desk-live.js
 * does), then lets a kiosk take CHECKINS walk-in numbers one after the other through the real form. For
 * every check-in and every desk socket it measures the time from sending the kiosk's POST to the 'checkin'
 * event arriving, and prints median, p99 and max, plus the /desk page weight against the 30 KB staff budget.
 *
 * Settings: BENCH_DESKS (200), BENCH_CHECKINS (100, at most 120), BENCH_GAP_MS (100) between check-ins.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import Database from '../../server/db/driver';
import { io as connect, type Socket } from 'socket.io-client';
import { Session, freePort, kb, printTable, productionEnv, seededDatabase, startCompiledServer } from './bench-lib';
import { KIOSK_COOKIE } from '../../server/http/kiosk';

const DESKS = Number(process.env.BENCH_DESKS ?? 200);
// At most 120: the kiosk's walk-in form is rate-limited per client (WALKINS_LIMIT in arrival.routes.ts).
const CHECKINS = Math.min(Number(process.env.BENCH_CHECKINS ?? 100), 120);
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 100);
const VOLUNTEER = 'volunteer@demo.test';
const PASSWORD = 'demo-demo-demo';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

async function inBatches<T>(count: number, batch: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += batch) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => fn(i + j)))));
  }
  return out;
}

function csrfOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF token');
  return token;
}

/** Bytes of /desk as a browser would load them first (gzip), without the socket.io client. */
async function deskWeight(session: Session, branchId: number): Promise<{ html: number; assets: number }> {
  const page = await session.fetch(`/desk?branch=${branchId}`, { headers: { 'accept-encoding': 'gzip' } });
  const html = page.headers['content-encoding'] === 'gzip' ? page.body.length : gzipSync(page.body).length;
  const text = page.headers['content-encoding'] === 'gzip' ? gunzipSync(page.body).toString('utf8') : page.body.toString('utf8');
  let assets = 0;
  for (const m of text.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)) {
    const res = await session.fetch(m[1], { headers: { 'accept-encoding': 'gzip' } });
    assets += res.headers['content-encoding'] === 'gzip' ? res.body.length : gzipSync(res.body).length;
  }
  return { html, assets };
}

async function main(): Promise<void> {
  const databasePath = await seededDatabase();
  const db = new Database(databasePath, { readonly: true });
  const branchId = db
    .prepare('SELECT ub.branch_id FROM user_branches ub JOIN users u ON u.id = ub.user_id WHERE u.email = ? ORDER BY ub.branch_id LIMIT 1')
    .pluck()
    .get(VOLUNTEER) as number;
  db.close();
  const port = await freePort();
  const server = await startCompiledServer(productionEnv(databasePath, port));
  const sockets: Socket[] = [];
  try {
    console.log(`Signing in ${DESKS} desk sessions of ${VOLUNTEER} (branch ${branchId})…`);
    const sessions = await inBatches(DESKS, 8, async () => {
      const s = new Session(server.url);
      await s.signIn(VOLUNTEER, PASSWORD);
      return s;
    });

    // received[checkin number] = arrival times (ms, performance.now()) over all sockets
    const received = new Map<number, number[]>();
    await inBatches(DESKS, 50, async (i) => {
      const socket = connect(server.url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        extraHeaders: sessions[i].cookieHeader(),
      });
      sockets.push(socket);
      socket.on('checkin', (payload: { number?: number }) => {
        if (typeof payload.number !== 'number') return;
        const list = received.get(payload.number) ?? [];
        list.push(performance.now());
        received.set(payload.number, list);
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
    });
    console.log(`${sockets.length} desk sockets connected.`);

    const kiosk = new Session(server.url);
    kiosk.setCookie(KIOSK_COOKIE, String(branchId)); // as a volunteer's set-up leaves it
    const token = csrfOf((await kiosk.fetch('/check-in')).body.toString('utf8'));
    const body = new URLSearchParams({ _csrf: token, topic: 'digid' }).toString();
    const latencies: number[] = [];
    const httpTimes: number[] = [];
    let missing = 0;
    for (let n = 0; n < CHECKINS; n++) {
      const sent = performance.now();
      const res = await kiosk.fetch('/check-in/walk-in', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      httpTimes.push(performance.now() - sent);
      if (res.status !== 303) throw new Error(`walk-in failed with ${res.status}`);
      const ticket = await kiosk.fetch(String(res.headers.location));
      const number = Number(/class="ticket-number">(\d+)</.exec(ticket.body.toString('utf8'))?.[1]);
      // Wait until every desk has it, or 2 s.
      const deadline = performance.now() + 2000;
      while ((received.get(number)?.length ?? 0) < DESKS && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      const arrivals = received.get(number) ?? [];
      missing += DESKS - arrivals.length;
      for (const at of arrivals) latencies.push(at - sent);
      await new Promise((r) => setTimeout(r, GAP_MS));
    }

    const sorted = [...latencies].sort((a, b) => a - b);
    const http = [...httpTimes].sort((a, b) => a - b);
    console.log('');
    printTable(
      ['measure', 'median', 'p99', 'max', 'samples'],
      [
        ['kiosk POST → "checkin" at a desk socket', `${percentile(sorted, 50).toFixed(1)} ms`, `${percentile(sorted, 99).toFixed(1)} ms`, `${sorted[sorted.length - 1].toFixed(1)} ms`, String(sorted.length)],
        ['kiosk POST response (for comparison)', `${percentile(http, 50).toFixed(1)} ms`, `${percentile(http, 99).toFixed(1)} ms`, `${http[http.length - 1].toFixed(1)} ms`, String(http.length)],
      ],
    );
    console.log(`\n${DESKS} desk sockets, ${CHECKINS} walk-in check-ins, ${missing} deliveries missing.`);
    const weight = await deskWeight(sessions[0], branchId);
    console.log(`/desk first view (gzip, without the socket.io client): HTML ${kb(weight.html)} + CSS/JS ${kb(weight.assets)} = ${kb(weight.html + weight.assets)} (budget 30 KB)`);
    if (missing > 0) process.exitCode = 1;
  } finally {
    for (const s of sockets) s.disconnect();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
