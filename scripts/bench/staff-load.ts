/**
 * Two ways of loading a page "with 20 concurrent staff", besides autocannon's closed loop (every connection
 * sends its next request the moment the previous answer arrives, which is 20 people clicking 25 times a
 * second each):
 *
 * - burst: all staff click at the same instant, wait until every answer is in, then pause a little
 *   (100–300 ms) and click together again. Every request has 19 others in flight with it: the worst moment of
 *   a real desk, without the sustained saturation of the closed loop.
 * - thinking: every person clicks, reads the answer for a random 0.5–3 s, and clicks again; a busy shift.
 *
 * Both use one keep-alive connection per person, read every answer to its end (still compressed, as a
 * browser receives it), and count only status 200 as an answer. With several targets (server processes),
 * person i uses target i mod n, as a load balancer with sticky sessions would spread them.
 */
import http from 'node:http';

export interface Target {
  url: string;
  headers: Record<string, string>;
}

export interface LoadResult {
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summarise(latencies: number[], errors: number): LoadResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (x: number): number => Math.round(x * 10) / 10;
  return { requests: sorted.length, errors, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted[sorted.length - 1] ?? NaN) };
}

/** One GET on the person's own connection; resolves with the milliseconds until the last byte, or null. */
function timedGet(url: URL, headers: Record<string, string>, agent: http.Agent): Promise<number | null> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = http.get(url, { headers, agent }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode === 200 ? Number(process.hrtime.bigint() - started) / 1e6 : null));
      res.on('error', () => resolve(null));
    });
    req.on('error', () => resolve(null));
    req.setTimeout(15_000, () => req.destroy());
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const between = (lo: number, hi: number): number => lo + Math.random() * (hi - lo);

interface Person {
  /** One click; its time until the answer's last byte is counted unless `counted` is false (an error is anything but 200). */
  click(counted?: boolean): Promise<void>;
}

/**
 * The staff, each with a keep-alive connection of their own (a person's requests never wait for another
 * person's socket), person i on target i mod n; `work` drives them, every answer is counted here.
 */
async function withStaff(targets: Target[], staff: number, work: (crowd: Person[]) => Promise<void>): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const agents = Array.from({ length: staff }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  const crowd = agents.map((agent, i) => {
    const { url, headers } = targets[i % targets.length];
    const target = new URL(url);
    return {
      click: async (counted = true): Promise<void> => {
        const ms = await timedGet(target, headers, agent);
        if (!counted) return;
        if (ms === null) errors++;
        else latencies.push(ms);
      },
    };
  });
  try {
    await work(crowd);
  } finally {
    for (const agent of agents) agent.destroy();
  }
  return summarise(latencies, errors);
}

/** `rounds` times: every person at once, then 100–300 ms until the next round. */
export async function burst(targets: Target[], staff: number, rounds: number): Promise<LoadResult> {
  return withStaff(targets, staff, async (crowd) => {
    // Every connection is opened first (not counted), so a burst measures answers, not TCP handshakes.
    await Promise.all(crowd.map((p) => p.click(false)));
    for (let round = 0; round < rounds; round++) {
      await Promise.all(crowd.map((p) => p.click()));
      await sleep(between(100, 300));
    }
  });
}

/** For `seconds`: every person clicks, reads for 0.5–3 s, clicks again. */
export async function thinking(targets: Target[], staff: number, seconds: number): Promise<LoadResult> {
  const until = Date.now() + seconds * 1000;
  return withStaff(targets, staff, async (crowd) => {
    await Promise.all(
      crowd.map(async (p) => {
        await sleep(between(0, 500));
        while (Date.now() < until) {
          await p.click();
          await sleep(between(500, 3000));
        }
      }),
    );
  });
}
