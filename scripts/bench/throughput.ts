/**
 * npm run bench:throughput — the start page `/` of the real app against a bare Node `http` server that
 * returns a static buffer of exactly the same bytes, in the same run, with the same load tool (autocannon),
 * the same number of connections and the same duration, both on 127.0.0.1.
 *
 * Fairness: both serve the body UNcompressed (autocannon sends no Accept-Encoding, so the app's compression
 * middleware passes it through), both run in their own child process, and the app runs as in production
 * (NODE_ENV=production, view cache on, logs at warn) on a database with the demo data.
 */
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { freePort, productionEnv, request, seededDatabase, startCompiledServer, tempDataDir } from './bench-lib';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);

/** A bare Node http server returning one file for every request, in its own process. */
async function startBareServer(bodyFile: string, contentType: string): Promise<{ url: string; stop: () => void }> {
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

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  bytes: number;
}

async function load(name: string, url: string, headers: Record<string, string> = {}): Promise<Result> {
  // Warm-up (JIT, EJS cache, SQLite page cache) so both sides are measured hot.
  await autocannon({ url, connections: 10, duration: 2, headers });
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, bytes: r.throughput.average };
}

async function main(): Promise<void> {
  const databasePath = await seededDatabase();
  const app = await startCompiledServer(productionEnv(databasePath, await freePort()));
  let bare: { url: string; stop: () => void } | null = null;
  try {
    const page = await request(`${app.url}/`);
    if (page.status !== 200 || page.headers['content-encoding']) throw new Error(`unexpected start page: ${page.status} ${String(page.headers['content-encoding'])}`);
    const bodyFile = path.join(tempDataDir(), 'start-page.html');
    fs.writeFileSync(bodyFile, page.body);
    bare = await startBareServer(bodyFile, String(page.headers['content-type']));
    const check = await request(bare.url);
    if (!check.body.equals(page.body)) throw new Error('bare server does not return the same bytes');

    console.log(`Throughput of GET / — ${page.body.length} bytes uncompressed from both servers; autocannon, ${CONNECTIONS} connections, ${DURATION_S} s each, 127.0.0.1; ${process.platform} ${process.arch}, Node ${process.version}, ${os.cpus().length} CPU(s).`);
    const appResult = await load('Dichterbij /', `${app.url}/`);
    const bareResult = await load('bare node:http, same bytes', bare.url);
    // For context only, not part of the budget: the booking page (also shared between anonymous visitors),
    // the full render path of `/` with the micro-cache bypassed (any cookie other than the language does
    // that), and the app's cheapest route through the whole middleware chain.
    const booking = await load('(Dichterbij /book)', `${app.url}/book`);
    const rendered = await load('(/ rendered, no cache)', `${app.url}/`, { cookie: 'bench=1' });
    const floor = await load('(Dichterbij /healthz)', `${app.url}/healthz`);
    for (const r of [appResult, bareResult, booking, rendered, floor]) {
      console.log(`${r.name.padEnd(28)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   errors ${r.errors}   non-2xx ${r.non2xx}`);
    }
    console.log(`ratio app / bare: ${(appResult.rps / bareResult.rps).toFixed(3)} (${((appResult.rps / bareResult.rps) * 100).toFixed(1)} % of a static file server)`);
    // SPEC §6: at least 50 % of the bare server's request rate, p99 under 50 ms.
    const ratioOk = appResult.rps / bareResult.rps >= 0.5;
    const p99Ok = appResult.p99 < 50;
    console.log(`SPEC §6 budget: ratio >= 0.5 ${ratioOk ? 'ok' : 'NOT MET'}; p99 < 50 ms ${p99Ok ? 'ok' : 'NOT MET'}`);
    if (appResult.errors + appResult.non2xx > 0 || !ratioOk || !p99Ok) process.exitCode = 1;
  } finally {
    bare?.stop();
    await app.stop();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
