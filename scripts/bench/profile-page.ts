/**
 * CPU profile of one page's full render path (no micro-cache), to see what bounds the uncached figures of
 * bench:throughput. Starts the compiled production server with --cpu-prof on the demo data, loads the page
 * with 10 connections for 10 s (signed in as the demo volunteer for staff pages), stops the server and prints
 * the functions and files with the most self time.
 *   npm run build && node dist/scripts/bench/profile-page.js /desk
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { ROOT_DIR } from '../../server/paths';
import { Session, freePort, productionEnv, request, seededDatabase, tempDataDir } from './bench-lib';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

async function main(): Promise<void> {
  const page = process.argv[2] ?? '/desk';
  const databasePath = await seededDatabase();
  const port = await freePort();
  const profDir = tempDataDir();
  const env = productionEnv(databasePath, port);
  const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, path.join(ROOT_DIR, 'dist', 'server', 'main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await request(`${url}/healthz`)).status === 200) break;
    } catch {
      // not yet
    }
    if (i > 600) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  const session = new Session(url);
  await session.signIn('volunteer@demo.test', 'demo-demo-demo');
  const headers = page.startsWith('/desk') || page.startsWith('/intake') || page.startsWith('/appointments') || page.startsWith('/loans') || page.startsWith('/devices') ? session.cookieHeader() : { cookie: 'bench=1' };
  const result = await autocannon({ url: url + page, connections: 10, duration: 10, headers });
  console.log(`${page}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}`);
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  const file = fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  const profile = JSON.parse(fs.readFileSync(path.join(profDir, file), 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
  const total = profile.samples.length;
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    if (!hits) continue;
    const where = n.callFrame.url.replace(/^file:\/\//, '').replace(ROOT_DIR + '/', '') || '(native)';
    const fnKey = `${n.callFrame.functionName || '(anonymous)'}  ${where}:${n.callFrame.lineNumber + 1}`;
    byFn.set(fnKey, (byFn.get(fnKey) ?? 0) + hits);
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where)?.[1] ?? (where.startsWith('dist/') ? where : where.split('/')[0]);
    byFile.set(pkg, (byFile.get(pkg) ?? 0) + hits);
  }
  const top = (m: Map<string, number>, n: number): string[] =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
  console.log('\nself time by package or file:');
  console.log(top(byFile, 20).join('\n'));
  console.log('\nself time by function:');
  console.log(top(byFn, 25).join('\n'));
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
