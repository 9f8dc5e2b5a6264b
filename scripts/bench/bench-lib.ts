/**
 * Shared helpers for the benchmark scripts: a throw-away data folder with the demo data, the server
 * started in-process or as a child process, and raw HTTP requests that count the bytes on the wire.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runSeedDemo } from '../seed-demo';
import { ROOT_DIR } from '../../server/paths';
import { DEMO_TOTP_SECRET } from '../../server/features/demo/demo.seed';
import { TOTP_PERIOD_SECONDS, totpCode, totpStep } from '../../server/features/second-factor/totp';

export const BENCH_SECRET = 'bench-secret-bench-secret-bench-secret-42';

export function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dichterbij-bench-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Seeds the demo data (branches with hours, the four demo accounts, features' demo data) into a new database. */
export async function seededDatabase(): Promise<string> {
  const databasePath = path.join(tempDataDir(), 'bench.sqlite');
  const silent = { log: (): void => undefined, error: (msg: string): void => console.error(msg) };
  const code = await runSeedDemo({ NODE_ENV: 'development', DATABASE_PATH: databasePath, SESSION_SECRET: BENCH_SECRET, LOG_LEVEL: 'warn' }, silent);
  if (code !== 0) throw new Error('seeding the demo data failed');
  return databasePath;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The production environment for a compiled server on 127.0.0.1. */
export function productionEnv(databasePath: string, port: number): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_PATH: databasePath,
    BASE_URL: `http://127.0.0.1:${port}`,
    SESSION_SECRET: BENCH_SECRET,
    MAIL_FROM: 'Dichterbij Bench <bench@localhost>',
    LOG_LEVEL: 'warn',
  };
}

export interface ChildServer {
  url: string;
  child: ChildProcess;
  /** Milliseconds from spawn until /healthz answered. */
  startupMs: number;
  stop(): Promise<void>;
}

/** Starts dist/server/main.js (run `npm run build` first) and waits for /healthz. */
export async function startCompiledServer(env: Record<string, string>, nodeArgs: string[] = []): Promise<ChildServer> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT_DIR, 'dist', 'server', 'main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${env.PORT}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await request(`${url}/healthz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (i > 600) throw new Error('server did not start within 30 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url, child, startupMs, stop };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body exactly as it crossed the wire (still compressed). */
  body: Buffer;
  /** Status line + header bytes, approximately as sent. */
  headerBytes: number;
}

/** One GET or POST without automatic decompression, so we can count the transferred bytes. */
export function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = res.rawHeaders;
        let headerBytes = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`.length + 2;
        for (let i = 0; i < raw.length; i += 2) headerBytes += Buffer.byteLength(`${raw[i]}: ${raw[i + 1]}\r\n`);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), headerBytes });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error(`timeout: ${url}`)));
    if (options.body) req.write(options.body);
    req.end();
  });
}

/** Each time step is accepted once per person: the last step this process used, per e-mail address. */
const usedSteps = new Map<string, number>();

/** A code of the demo secret the server has not seen yet (waits for the next step when ±1 are used up). */
export async function nextDemoCode(email: string): Promise<string> {
  const now = totpStep(Date.now());
  const step = Math.max(now - 1, (usedSteps.get(email) ?? -Infinity) + 1);
  if (step > now + 1) await new Promise((resolve) => setTimeout(resolve, (step - 1) * TOTP_PERIOD_SECONDS * 1000 - Date.now() + 50));
  usedSteps.set(email, step);
  return totpCode(DEMO_TOTP_SECRET, step * TOTP_PERIOD_SECONDS * 1000);
}

/** Keeps cookies between requests, like a browser would for one person. */
export class Session {
  private readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  /** A cookie this browser carries from now on (e.g. the kiosk cookie a volunteer's set-up leaves). */
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  cookieHeader(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  async fetch(pathname: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
    const res = await request(this.base + pathname, { ...options, headers: { ...this.cookieHeader(), ...options.headers } });
    for (const line of res.headers['set-cookie'] ?? []) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return res;
  }

  /** Signs in through the real form (with its CSRF token). */
  async signIn(email: string, password: string): Promise<void> {
    const page = await this.fetch('/login');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body.toString('utf8'))?.[1];
    if (!token) throw new Error('no CSRF token on /login');
    const body = new URLSearchParams({ _csrf: token, email, password }).toString();
    const res = await this.fetch('/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    if (res.status !== 303) throw new Error(`sign-in as ${email} failed with ${res.status}`);
    if (res.headers.location === '/login/second-factor') await this.answerSecondStep(email);
  }

  /** The demo admin and coordinator have the demo TOTP secret (SPEC §5): answer with its code for now. */
  private async answerSecondStep(email: string): Promise<void> {
    // Another run a moment ago may have used this step already (the server refuses a replay): try the next.
    for (let attempt = 1; ; attempt++) {
      const page = await this.fetch('/login/second-factor');
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body.toString('utf8'))?.[1] ?? '';
      const code = await nextDemoCode(email);
      const body = new URLSearchParams({ _csrf: token, code }).toString();
      const res = await this.fetch('/login/second-factor', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      if (res.status === 303) return;
      if (attempt === 3) throw new Error(`second step as ${email} failed with ${res.status}`);
    }
  }
}

/** Prints rows as an aligned text table. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

/** User + system CPU milliseconds a process has used so far (Linux /proc), or null elsewhere. */
export function cpuMs(pid: number | undefined): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks; 100 Hz on Linux
  } catch {
    return null;
  }
}

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** Prints the functions and files with the most self time in the one .cpuprofile written to profDir. */
export function printProfile(profDir: string): void {
  const file = fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  // BENCH_PROFILE_OUT=x.cpuprofile keeps the profile for Chrome DevTools (the folder is removed on exit).
  if (process.env.BENCH_PROFILE_OUT) fs.copyFileSync(path.join(profDir, file), process.env.BENCH_PROFILE_OUT);
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
