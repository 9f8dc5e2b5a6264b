/**
 * npm run bench:memory — cold start (spawn → first /healthz answer) and resident memory of the compiled
 * server in production mode with the demo data: idle, and after serving 2,000 page views.
 */
import fs from 'node:fs';
import autocannon from 'autocannon';
import { freePort, productionEnv, seededDatabase, startCompiledServer } from './bench-lib';

function rssMb(pid: number): number {
  // Linux: VmRSS in /proc is what the operating system charges the process.
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kbs = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kbs / 1024;
}

async function main(): Promise<void> {
  const databasePath = await seededDatabase();
  const starts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const s = await startCompiledServer(productionEnv(databasePath, await freePort()));
    starts.push(s.startupMs);
    await s.stop();
  }
  const server = await startCompiledServer(productionEnv(databasePath, await freePort()));
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const idle = rssMb(server.child.pid!);
    await autocannon({ url: `${server.url}/`, connections: 10, amount: 2000 });
    await new Promise((r) => setTimeout(r, 1000));
    const loaded = rssMb(server.child.pid!);
    console.log(`cold start (spawn → /healthz answers): ${starts.map((ms) => `${ms.toFixed(0)} ms`).join(', ')} (median ${[...starts].sort((a, b) => a - b)[1].toFixed(0)} ms)`);
    console.log(`resident memory idle: ${idle.toFixed(1)} MB; after 2,000 requests to /: ${loaded.toFixed(1)} MB`);
    // SPEC §6: idle memory at most 100 MB RSS; cold start at most 1 s.
    const median = [...starts].sort((a, b) => a - b)[1];
    console.log(`SPEC §6 budget: idle RSS <= 100 MB ${idle <= 100 ? 'ok' : 'NOT MET'}; cold start <= 1 s ${median <= 1000 ? 'ok' : 'NOT MET'}`);
    if (idle > 100 || median > 1000) process.exitCode = 1;
  } finally {
    await server.stop();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
