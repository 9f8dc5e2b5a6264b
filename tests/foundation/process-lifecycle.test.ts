import { spawnSync } from 'node:child_process';
import path from 'node:path';
import Database, { describeDriver } from '../../server/db/driver';
import { COMPILED_MAIN, buildOnce, freePort, startCompiledServer, CookieClient, type CompiledServer } from '../helpers/compiled-server';
import { csrfFrom, tempDir } from '../helpers/test-app';

jest.setTimeout(120_000);

/** Creates the first admin through /setup on the real, compiled server; resolves once it answered 303. */
async function setupAdmin(server: CompiledServer, email: string): Promise<void> {
  const client = new CookieClient(server.url);
  const page = await client.get('/setup');
  expect(page.status).toBe(200);
  const res = await client.postForm('/setup', {
    _csrf: csrfFrom(await page.text()),
    name: 'Ada Beheer',
    email,
    password: 'een lange zin als wachtwoord',
    password_confirm: 'een lange zin als wachtwoord',
  });
  expect(res.status).toBe(303);
}

function readUsers(file: string): { integrity: string; emails: string[] } {
  const db = new Database(file, { readonly: true });
  try {
    return {
      integrity: db.pragma('integrity_check', { simple: true }) as string,
      emails: db.prepare('SELECT email FROM users ORDER BY id').pluck().all() as string[],
    };
  } finally {
    db.close();
  }
}

describe('the compiled server as a process', () => {
  beforeAll(() => buildOnce(), 120_000);

  test('SIGTERM: stops accepting, closes the database cleanly and exits 0', async () => {
    const dir = tempDir();
    const env = { PORT: String(await freePort()), DATABASE_PATH: path.join(dir, 'dichterbij.sqlite') };
    const server = await startCompiledServer(env);
    await setupAdmin(server, 'ada@bieb.nl');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    // Development logs are text lines: no error in either format.
    expect(server.output()).not.toMatch(/"level":(50|60)|^\d\d:\d\d:\d\d (ERROR|FATAL)/m);
    expect(readUsers(env.DATABASE_PATH)).toEqual({ integrity: 'ok', emails: ['ada@bieb.nl'] });
  });

  test('the first log line says where to go: /setup on an empty database; text in development, JSON in production', async () => {
    const dir = tempDir();
    const port = String(await freePort());
    const env = { PORT: port, DATABASE_PATH: path.join(dir, 'dichterbij.sqlite'), LOG_LEVEL: 'info' };
    const firstLine = async (server: CompiledServer): Promise<string> => {
      for (let i = 0; i < 50 && !server.output().includes('\n'); i++) await new Promise((r) => setTimeout(r, 100));
      return server.output().split('\n')[0];
    };
    const dev = await startCompiledServer(env);
    try {
      expect(await firstLine(dev)).toMatch(
        new RegExp(`^\\d\\d:\\d\\d:\\d\\d INFO  Dichterbij is running\\. No administrator yet: open http://localhost:${port}/setup to create the first one\\. url=http://127\\.0\\.0\\.1:${port} `),
      );
      await setupAdmin(dev, 'ada@bieb.nl');
    } finally {
      dev.child.kill('SIGTERM');
      expect(await dev.exited).toBe(0);
    }
    const production = { ...env, NODE_ENV: 'production', BASE_URL: 'https://bieb.example.nl', SESSION_SECRET: 'x'.repeat(32), MAIL_FROM: 'Bieb <ido@bieb.example.nl>' };
    const prod = await startCompiledServer(production);
    try {
      expect(JSON.parse(await firstLine(prod))).toMatchObject({ level: 30, msg: 'Dichterbij is running at https://bieb.example.nl', sqlite: describeDriver() });
    } finally {
      prod.child.kill('SIGTERM');
      expect(await prod.exited).toBe(0);
    }
    const empty = await startCompiledServer({ ...production, DATABASE_PATH: path.join(dir, 'empty.sqlite') });
    try {
      expect(JSON.parse(await firstLine(empty))).toMatchObject({ msg: 'Dichterbij is running. No administrator yet: open https://bieb.example.nl/setup to create the first one.' });
    } finally {
      empty.child.kill('SIGTERM');
      expect(await empty.exited).toBe(0);
    }
  });

  test('kill -9 right after a confirmed write: the data is there after a restart', async () => {
    const dir = tempDir();
    const env = { PORT: String(await freePort()), DATABASE_PATH: path.join(dir, 'dichterbij.sqlite') };
    const first = await startCompiledServer(env);
    await setupAdmin(first, 'crash@bieb.nl');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    const second = await startCompiledServer(env);
    try {
      // /setup is gone because the admin from before the crash exists.
      expect((await new CookieClient(second.url).get('/setup')).status).toBe(404);
      expect(readUsers(env.DATABASE_PATH)).toEqual({ integrity: 'ok', emails: ['crash@bieb.nl'] });
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });

  test('production without required settings refuses to start with a clear message', async () => {
    const res = spawnSync(process.execPath, [COMPILED_MAIN], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', DATABASE_PATH: path.join(tempDir(), 'x.sqlite') },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(res.status).toBe(78);
    expect(res.stderr).toContain('Dichterbij cannot start: Missing required settings for production: BASE_URL, SESSION_SECRET, MAIL_FROM');
  });
});
