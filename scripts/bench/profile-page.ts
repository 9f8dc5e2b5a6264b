/**
 * CPU profile of one page's full render path (no micro-cache), to see what bounds the uncached figures of
 * bench:throughput. Starts the compiled production server with --cpu-prof on the demo data, loads the page
 * with 10 connections for 10 s (signed in as the demo volunteer for staff pages), stops the server and prints
 * the functions and files with the most self time.
 *   npm run build && node dist/scripts/bench/profile-page.js /desk
 */
import path from 'node:path';
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { ROOT_DIR } from '../../server/paths';
import { Session, freePort, printProfile, productionEnv, request, seededDatabase, tempDataDir } from './bench-lib';

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
  printProfile(profDir);
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
