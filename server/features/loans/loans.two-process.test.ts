import path from 'node:path';
import { CookieClient, buildOnce, freePort, startCompiledServer, type CompiledServer } from '../../../tests/helpers/compiled-server';
import { createBranch, createTestApp, createUser, csrfFrom, tempDir } from '../../../tests/helpers/test-app';
import { openDatabase } from '../../db/open';
import { SYSTEM_ACTOR } from '../../lib/actor';

const PER_SERVER = 8;

/**
 * Two server processes on one database file: their write transactions really can interleave (unlike
 * requests inside one Node process). Lending the same device from both at once still makes one loan.
 */
describe('lending the same device through two server processes at once', () => {
  const servers: CompiledServer[] = [];
  afterAll(async () => {
    for (const s of servers) s.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => s.exited));
  });

  test('exactly one loan', async () => {
    buildOnce();
    const dir = tempDir();
    const databasePath = path.join(dir, 'dichterbij.sqlite');
    const setup = createTestApp({ env: { DATABASE_PATH: databasePath } });
    const branch = createBranch(setup.deps);
    await createUser(setup.deps, 'volunteer', [branch], 'links@bieb.nl');
    await createUser(setup.deps, 'volunteer', [branch], 'rechts@bieb.nl');
    setup.deps.devices.add(SYSTEM_ACTOR, branch, { type: 'tablet', assetTag: 'TWO-1', serial: '', makeModel: '', kit: [], notes: '' });
    await setup.close();

    for (let i = 0; i < 2; i++) servers.push(await startCompiledServer({ PORT: String(await freePort()), DATABASE_PATH: databasePath, SESSION_SECRET: 'two-process-secret-two-process-secret-1' }));
    const desks = await Promise.all(
      servers.map(async (server, i) => {
        const client = new CookieClient(server.url);
        const login = await client.get('/login');
        const signedIn = await client.postForm('/login', { _csrf: csrfFrom(await login.text()), email: i === 0 ? 'links@bieb.nl' : 'rechts@bieb.nl', password: 'demo-demo-demo' });
        expect(signedIn.status).toBe(303);
        const form = await client.get(`/loans/new?branch=${branch}&tag=TWO-1`);
        return { client, token: csrfFrom(await form.text()) };
      }),
    );
    const responses = await Promise.all(
      desks.flatMap((desk, d) =>
        Array.from({ length: PER_SERVER }, (_, i) =>
          desk.client.postForm('/loans/new', { _csrf: desk.token, branch: String(branch), tag: 'TWO-1', name: `Lener ${d}-${i}`, contact: `l${d}${i}@example.nl`, agreement: 'on', due_date: '', deposit: '' }),
        ),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 303)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(2 * PER_SERVER - 1);
    const db = openDatabase(databasePath);
    try {
      expect(db.prepare('SELECT count(*) FROM loans').pluck().get()).toBe(1);
      expect(db.prepare(`SELECT status FROM devices WHERE asset_tag = 'TWO-1'`).pluck().get()).toBe('on_loan');
    } finally {
      db.close();
    }
  }, 120_000);
});
