import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ROOT_DIR } from '../../server/paths';

export const COMPILED_MAIN = path.join(ROOT_DIR, 'dist', 'server', 'main.js');

let built = false;
/**
 * Compiles server/ and scripts/ to dist/ (what `npm run build` does), once per test file. Type errors are
 * `npm run typecheck`'s business; tsc still emits, so we only need the output file to exist.
 */
export function buildOnce(): void {
  if (built) return;
  try {
    execFileSync(process.execPath, [path.join(ROOT_DIR, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT_DIR,
      stdio: 'pipe',
    });
  } catch (err) {
    if (!fs.existsSync(COMPILED_MAIN)) throw err;
  }
  built = true;
}

/** A TCP port that was free a moment ago (the restart tests need to know it before the server starts). */
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

export interface CompiledServer {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

/** Starts `node dist/server/main.js` with the given environment and waits until /healthz answers. */
export async function startCompiledServer(env: Record<string, string>, script = COMPILED_MAIN): Promise<CompiledServer> {
  const port = Number(env.PORT);
  const child = spawn(process.execPath, [script], {
    cwd: ROOT_DIR,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${out}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start within 15 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, child, exited, output: () => out };
}

/** A tiny cookie-keeping client for the compiled server (no supertest there: it is another process). */
export class CookieClient {
  private cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }

  private header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(pathname: string): Promise<Response> {
    const res = await fetch(this.base + pathname, { headers: { cookie: this.header() }, redirect: 'manual' });
    this.remember(res);
    return res;
  }

  async postForm(pathname: string, form: Record<string, string>): Promise<Response> {
    const res = await fetch(this.base + pathname, {
      method: 'POST',
      headers: { cookie: this.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
    this.remember(res);
    return res;
  }
}
