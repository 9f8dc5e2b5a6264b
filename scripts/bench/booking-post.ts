/**
 * Booking POST rate: how many citizens per second the real server can book (the confirming POST /book,
 * which runs a BEGIN IMMEDIATE transaction with the capacity trigger, the audit record and the outbox mail,
 * fsynced with synchronous=FULL), with 50 citizens pressing "book" at the same time.
 *
 * Each citizen is prepared first with their own session, CSRF token, details and a different free time
 * (GET /book/details, POST /book/details, GET /book/check), from their own client address (TRUST_PROXY=1 and
 * X-Forwarded-For), as real citizens come from many addresses; the per-address rate limit stays on.
 *
 *   npm run build && node dist/scripts/bench/booking-post.js      (BENCH_CONNECTIONS, BENCH_BOOKINGS)
 */
import { freePort, printTable, productionEnv, Session, seededDatabase, startCompiledServer } from './bench-lib';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const BOOKINGS = Number(process.env.BENCH_BOOKINGS ?? 400);
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface Citizen {
  session: Session;
  ip: string;
  body: string;
}

function text(b: Buffer): string {
  return b.toString('utf8');
}

/** Free times of a branch, paging through the time step like a citizen would. */
async function freeTimes(base: string, branch: number, wanted: number): Promise<string[]> {
  const out: string[] = [];
  const probe = new Session(base);
  let from = '';
  while (out.length < wanted) {
    const page = text((await probe.fetch(`/book/time?branch=${branch}&topic=digid${from ? `&from=${from}` : ''}`)).body);
    out.push(...[...page.matchAll(/name="start" value="([^"]+)"/g)].map((m) => m[1]));
    // The "later days" link (Dutch is the default language); none on the last page.
    const next = /from=(\d{4}-\d{2}-\d{2})">Latere dagen</.exec(page)?.[1];
    if (!next) break;
    from = next;
  }
  return [...new Set(out)];
}

async function prepare(base: string, branch: number, start: string, n: number): Promise<Citizen> {
  const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  const session = new Session(base);
  const headers = { 'x-forwarded-for': ip };
  const url = `/book/details?branch=${branch}&topic=digid&start=${encodeURIComponent(start)}`;
  const page = text((await session.fetch(url, { headers })).body);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error(`no form for ${start}`);
  const details = new URLSearchParams({ _csrf: csrf, name: `Bench ${n}`, email: `bench${n}@example.test`, phone: '', language: 'nl' }).toString();
  const posted = await session.fetch(url, { method: 'POST', headers: { ...FORM, ...headers }, body: details });
  if (posted.status !== 303) throw new Error(`details ${posted.status}`);
  const check = text((await session.fetch('/book/check', { headers })).body);
  const key = /name="key" value="([^"]+)"/.exec(check)?.[1];
  const token = /name="_csrf" value="([^"]+)"/.exec(check)?.[1];
  if (!key || !token) throw new Error('no check form');
  return { session, ip, body: new URLSearchParams({ _csrf: token, key, consent: 'on', website: '' }).toString() };
}

async function main(): Promise<void> {
  const databasePath = await seededDatabase();
  const port = await freePort();
  const server = await startCompiledServer({ ...productionEnv(databasePath, port), TRUST_PROXY: '1' });
  try {
    const times: [number, string][] = [];
    const branches = [...text((await new Session(server.url).fetch('/book')).body).matchAll(/name="branch" value="(\d+)"/g)].map((m) => Number(m[1]));
    for (const branch of branches) for (const t of await freeTimes(server.url, branch, BOOKINGS)) times.push([branch, t]);
    const citizens: Citizen[] = [];
    for (let i = 0; i < Math.min(BOOKINGS, times.length); i++) citizens.push(await prepare(server.url, times[i][0], times[i][1], i + 1));

    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next < citizens.length) {
          const c = citizens[next++];
          const t0 = process.hrtime.bigint();
          const res = await c.session.fetch('/book', { method: 'POST', headers: { ...FORM, 'x-forwarded-for': c.ip }, body: c.body });
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    latencies.sort((a, b) => a - b);
    const pct = (p: number): string => `${latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1)} ms`;
    printTable(
      ['booking POSTs', 'connections', 'seconds', 'bookings/s', 'p50', 'p99', 'statuses'],
      [[String(citizens.length), String(CONNECTIONS), seconds.toFixed(2), (citizens.length / seconds).toFixed(0), pct(50), pct(99), [...statuses].map(([s, n]) => `${s}×${n}`).join(' ')]],
    );
    if ((statuses.get(303) ?? 0) !== citizens.length) process.exitCode = 1;
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
