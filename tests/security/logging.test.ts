import { Writable } from 'node:stream';
import request from 'supertest';
import type { Express } from 'express';
import { tempDir, testConfig, csrfFrom, createBranch, createUser } from '../helpers/test-app';
import { sessionCookieOf } from '../helpers/forms';
import { openDatabase, type Db } from '../../server/db/open';
import { migrate } from '../../server/db/migrate';
import { MIGRATIONS_DIR } from '../../server/paths';
import { buildDeps, type Deps } from '../../server/deps';
import { createApp } from '../../server/app';
import { FakeClock } from '../../server/lib/clock';
import { createLogger } from '../../server/lib/logger';

/** The app with its real logger, writing into memory so a test can read every log line. */
function appWithLogCapture(): { app: Express; deps: Deps; db: Db; lines: string[] } {
  const dir = tempDir();
  const config = testConfig(dir);
  const db = openDatabase(config.databasePath);
  migrate(db, MIGRATIONS_DIR);
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const deps = buildDeps(config, db, { clock: new FakeClock('2026-03-02T09:00:00Z'), logger: createLogger('info', sink) });
  return { app: createApp(deps), deps, db, lines };
}

describe('security: request logs hold no personal data or secrets', () => {
  let ctx: ReturnType<typeof appWithLogCapture>;
  beforeEach(() => {
    ctx = appWithLogCapture();
  });
  afterEach(async () => {
    await ctx.deps.outboxSender.stop();
    ctx.db.close();
  });

  test('no form bodies, passwords, cookies, CSRF tokens, query strings or link tokens', async () => {
    const branch = createBranch(ctx.deps);
    await createUser(ctx.deps, 'volunteer', [branch], 'geheim.adres@bieb.nl', 'heel-geheim-wachtwoord');
    const agent = request.agent(ctx.app);
    const page = await agent.get('/login?next=%2Fintake%3Fbranch%3D1%26q%3Djan.jansen%40mail.nl');
    const token = csrfFrom(page.text);
    const cookie = sessionCookieOf(page)!.split('=')[1];
    await agent.post('/login').type('form').send({ _csrf: token, email: 'geheim.adres@bieb.nl', password: 'heel-geheim-wachtwoord' });
    const manageToken = 'A'.repeat(20) + 'b'.repeat(23);
    await agent.get(`/appointments/${manageToken}`).set('Referer', `http://127.0.0.1:3000/appointments/${manageToken}?x=jan@mail.nl`).set('X-CSRF-Token', token);
    const log = ctx.lines.join('');
    expect(ctx.lines.length).toBeGreaterThanOrEqual(3);
    for (const secret of ['heel-geheim-wachtwoord', 'geheim.adres', token, cookie, decodeURIComponent(cookie), 'jan.jansen', 'jan@mail.nl', manageToken]) {
      expect(log).not.toContain(secret);
    }
    // What stays: enough to follow a request.
    const entry = JSON.parse(ctx.lines.find((l) => l.includes('"POST"'))!) as { req: { method: string; url: string }; res: { statusCode: number } };
    expect(entry.req).toMatchObject({ method: 'POST', url: '/login' });
    expect(entry.res.statusCode).toBe(303);
  });
});
