import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { burst, thinking } from '../../scripts/bench/staff-load';

/**
 * The load models bench:loans judges issue #9 by (scripts/bench/staff-load.ts): they must count what a
 * person waits for, keep one connection per person, and count anything but 200 as an error.
 */
describe('bench staff-load models', () => {
  let server: http.Server;
  let url: string;
  let inFlight = 0;
  let maxInFlight = 0;
  let served = 0;
  let arrivals = 0;
  /** Requests before this one (the uncounted connection-opening round) do not count for maxInFlight. */
  let countFrom = 0;
  const sockets = new Set<unknown>();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      inFlight++;
      if (++arrivals > countFrom) maxInFlight = Math.max(maxInFlight, inFlight);
      sockets.add(req.socket);
      // Every answer takes 30 ms; /fail answers 500.
      setTimeout(() => {
        inFlight--;
        served++;
        res.writeHead(req.url === '/fail' ? 500 : 200, { 'content-type': 'text/plain' });
        res.end('x'.repeat(2000));
      }, 30);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    maxInFlight = 0;
    served = 0;
    arrivals = 0;
    countFrom = 0;
    sockets.clear();
  });

  test('burst: every person clicks at the same instant, on a keep-alive connection of their own; every answer is timed', async () => {
    countFrom = 5;
    const r = await burst([{ url: `${url}/ok`, headers: {} }], 5, 3);
    expect(r.requests).toBe(15);
    expect(r.errors).toBe(0);
    expect(maxInFlight).toBe(5);
    // The connection-opening round is not counted, but it is one more request per person.
    expect(served).toBe(20);
    expect(sockets.size).toBe(5);
    expect(r.p50).toBeGreaterThanOrEqual(30);
    expect(r.p99).toBeGreaterThanOrEqual(r.p50);
    expect(r.p99).toBeLessThan(1000);
  });

  test('thinking: people read between clicks, so far fewer answers than a closed loop; a non-200 answer is an error, not a latency', async () => {
    const r = await thinking([{ url: `${url}/ok`, headers: {} }], 4, 1.5);
    // Each person: a start within 0.5 s, then a click every 0.53–3.03 s, for 1.5 s: 1 to 3 clicks each.
    expect(r.requests).toBeGreaterThanOrEqual(4);
    expect(r.requests).toBeLessThanOrEqual(12);
    expect(r.p50).toBeGreaterThanOrEqual(30);
    // Started within 0.5 s, each person clicks once before 0.6 s are over (the next click is at least 0.53 s later).
    const failing = await thinking([{ url: `${url}/fail`, headers: {} }], 2, 0.6);
    expect(failing.requests).toBe(0);
    expect(failing.errors).toBe(2);
  });

  test('several targets: person i uses target i mod n', async () => {
    const hits: string[] = [];
    const other = http.createServer((_req, res) => {
      hits.push('second');
      res.end('ok');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const second = `http://127.0.0.1:${(other.address() as AddressInfo).port}/`;
      const r = await burst([{ url: `${url}/ok`, headers: {} }, { url: second, headers: {} }], 4, 1);
      expect(r.requests).toBe(4);
      // Two of the four people, each with an uncounted first click and one round.
      expect(hits).toHaveLength(4);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
