import fs from 'node:fs';
import { DEMO_TOTP_SECRET, registerSecondFactorContext } from '../../../tests/helpers/second-factor';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../app';
import { buildDeps } from '../../deps';
import { openDatabase } from '../../db/open';
import { migrate } from '../../db/migrate';
import { MIGRATIONS_DIR } from '../../paths';
import { FakeClock } from '../../lib/clock';
import { createLogger } from '../../lib/logger';
import { createTestApp, csrfToken, createBranch, createUser, signIn, tempDir, testConfig, type TestApp } from '../../../tests/helpers/test-app';
import { runSeedDemo } from '../../../scripts/seed-demo';
import { DEMO_PASSWORD, seedDemo } from './demo.seed';

const DEMO_ACCOUNTS = ['admin@demo.test', 'coordinator@demo.test', 'volunteer@demo.test', 'expert@demo.test'];

function counts(t: TestApp): Record<string, number> {
  const count = (table: string): number => t.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  return { branches: count('branches'), users: count('users'), user_branches: count('user_branches'), opening_hours: count('opening_hours') };
}

describe('demo seed', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp();
  });
  afterEach(() => t.close());

  test('is idempotent and every demo account signs in through the real /login', async () => {
    const lines: string[] = [];
    const first = await seedDemo(t.deps, (m) => lines.push(m));
    const after1 = counts(t);
    const second = await seedDemo(t.deps, () => undefined);
    expect(counts(t)).toEqual(after1);
    expect(second).toEqual(first);
    expect(after1).toEqual({ branches: 2, users: 4, user_branches: 3, opening_hours: 10 });
    expect(lines.join('\n')).toContain('branch "Centrale Bibliotheek" created');

    const central = t.deps.branches.get(first.branchIds.central);
    expect(central).toMatchObject({ name: 'Centrale Bibliotheek', municipality: 'Utrecht', desks: 2, slotMinutes: 30 });
    expect(central.address).not.toBe('');
    const hours = t.deps.branches.openingHours(central.id).map((h) => `${h.weekday} ${h.opens}-${h.closes}`);
    expect(hours).toEqual(['1 10:00-17:00', '2 10:00-17:00', '3 10:00-17:00', '4 10:00-17:00', '5 10:00-17:00', '6 10:00-13:00']);
    const north = t.deps.branches.get(first.branchIds.north);
    expect(north).toMatchObject({ name: 'Bibliotheek Noord', desks: 1 });
    expect(t.deps.users.get(first.userIds.volunteer).branchIds).toEqual([central.id]);
    expect(t.deps.users.get(first.userIds.coordinator).branchIds.sort()).toEqual([central.id, north.id].sort());
    expect(t.deps.users.get(first.userIds.admin).role).toBe('admin');
    expect(t.deps.users.get(first.userIds.expert).role).toBe('expert');

    for (const email of DEMO_ACCOUNTS) {
      const agent = t.agent();
      const token = await csrfToken(agent, '/login');
      const res = await agent.post('/login').type('form').send({ _csrf: token, email, password: DEMO_PASSWORD });
      expect([email, res.status]).toEqual([email, 303]);
      expect(res.headers.location).not.toBe('/account/password');
    }
  });

  test('demo volunteer gets 403 on the admin pages; a coordinator of one branch sees only that one', async () => {
    const ctx = await seedDemo(t.deps, () => undefined);
    const volunteer = t.agent();
    await signIn(volunteer, 'volunteer@demo.test');
    expect((await volunteer.get('/admin/users')).status).toBe(403);
    expect((await volunteer.get('/admin/branches')).status).toBe(403);

    await createUser(t.deps, 'coordinator', [ctx.branchIds.north], 'noord@bieb.nl');
    const coordinator = t.agent();
    await signIn(coordinator, 'noord@bieb.nl');
    const list = await coordinator.get('/admin/branches');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Bibliotheek Noord');
    expect(list.text).not.toContain('Centrale Bibliotheek');
    expect((await coordinator.get(`/admin/branches/${ctx.branchIds.north}`)).status).toBe(200);
    expect((await coordinator.get(`/admin/branches/${ctx.branchIds.central}`)).status).toBe(404);
    expect((await coordinator.get(`/admin/branches/${ctx.branchIds.central}/hours`)).status).toBe(404);
  });

  test('a second run puts a changed demo password and role back', async () => {
    const ctx = await seedDemo(t.deps, () => undefined);
    createBranch(t.deps, { name: 'Nog een' });
    await createUser(t.deps, 'volunteer', [ctx.branchIds.north], 'volunteer@demo.test', 'something-else-entirely');
    await seedDemo(t.deps, () => undefined);
    expect(t.deps.users.get(ctx.userIds.volunteer).branchIds).toEqual([ctx.branchIds.central]);
    await signIn(t.agent(), 'volunteer@demo.test');
  });
});

describe('scripts/seed-demo', () => {
  test('refuses with exit code 1 and a clear message when NODE_ENV=production, touching nothing', async () => {
    const dir = tempDir();
    const databasePath = path.join(dir, 'prod.sqlite');
    const errors: string[] = [];
    const code = await runSeedDemo(
      { NODE_ENV: 'production', DATABASE_PATH: databasePath, BASE_URL: 'https://ido.example.nl', SESSION_SECRET: 'x'.repeat(40), MAIL_FROM: 'a@b.nl' },
      { log: () => undefined, error: (m) => errors.push(m) },
    );
    expect(code).toBe(1);
    expect(errors.join('\n')).toMatch(/refuses to run with NODE_ENV=production/);
    expect(fs.existsSync(databasePath)).toBe(false);
  });

  test('in production it leaves an existing database alone too: no demo accounts, no demo devices', async () => {
    const dir = tempDir();
    const databasePath = path.join(dir, 'prod.sqlite');
    const db = openDatabase(databasePath);
    migrate(db, MIGRATIONS_DIR);
    db.close();
    const before = fs.readFileSync(databasePath);
    const code = await runSeedDemo(
      { NODE_ENV: 'production', DATABASE_PATH: databasePath, BASE_URL: 'https://ido.example.nl', SESSION_SECRET: 'x'.repeat(40), MAIL_FROM: 'a@b.nl' },
      { log: () => undefined, error: () => undefined },
    );
    expect(code).toBe(1);
    expect(fs.readFileSync(databasePath).equals(before)).toBe(true);
    const check = openDatabase(databasePath);
    try {
      expect(check.prepare('SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM devices)').pluck().get()).toBe(0);
    } finally {
      check.close();
    }
  });

  test('outside production it migrates and seeds the configured database, twice without doubling', async () => {
    const dir = tempDir();
    const databasePath = path.join(dir, 'data', 'demo.sqlite');
    const env = { NODE_ENV: 'test', DATABASE_PATH: databasePath, SESSION_SECRET: 'y'.repeat(40) };
    const out = { log: () => undefined, error: () => undefined };
    expect(await runSeedDemo(env, out)).toBe(0);
    expect(await runSeedDemo(env, out)).toBe(0);
    const config = testConfig(dir, { DATABASE_PATH: databasePath });
    const db = openDatabase(databasePath);
    try {
      migrate(db, MIGRATIONS_DIR);
      expect(db.prepare('SELECT email FROM users ORDER BY email').pluck().all()).toEqual([...DEMO_ACCOUNTS].sort());
      expect(db.prepare('SELECT count(*) FROM branches').pluck().get()).toBe(2);
      // Demo devices: every type in each branch, one on loan, one waiting for its wipe, one held for a reservation.
      const devices = db.prepare('SELECT b.name AS branch, d.type, d.status FROM devices d JOIN branches b ON b.id = d.branch_id ORDER BY b.name, d.asset_tag').all() as { branch: string; type: string; status: string }[];
      for (const branch of ['Centrale Bibliotheek', 'Bibliotheek Noord']) {
        const own = devices.filter((d) => d.branch === branch);
        expect(new Set(own.map((d) => d.type))).toEqual(new Set(['laptop', 'tablet', 'phone', 'mifi', 'other']));
        expect(own.filter((d) => d.status === 'on_loan')).toHaveLength(1);
        expect(own.filter((d) => d.status === 'needs_wipe')).toHaveLength(1);
        expect(own.filter((d) => d.status === 'reserved')).toHaveLength(1);
        expect(own).toHaveLength(6); // seeded twice, not doubled
      }
      expect(db.prepare("SELECT count(*) FROM device_reservations WHERE status = 'held'").pluck().get()).toBe(2);
      // Phone numbers only: the demo sends no e-mail.
      expect(db.prepare("SELECT count(*) FROM borrowers WHERE contact_kind = 'email'").pluck().get()).toBe(0);
      const deps = buildDeps(config, db, { clock: new FakeClock(), logger: createLogger('silent') });
      // The demo admin and coordinator come with the SPEC's TOTP secret; the sign-in answers its real second step.
      expect(db.prepare('SELECT u.email, sf.secret FROM second_factors sf JOIN users u ON u.id = sf.user_id ORDER BY u.email').all()).toEqual([
        { email: 'admin@demo.test', secret: DEMO_TOTP_SECRET },
        { email: 'coordinator@demo.test', secret: DEMO_TOTP_SECRET },
      ]);
      const app = createApp(deps);
      registerSecondFactorContext(app, { db, clock: deps.clock });
      const agent = request.agent(app);
      await signIn(agent, 'coordinator@demo.test');
      expect((await agent.get('/admin/branches')).text).toContain('Bibliotheek Noord');
      await deps.outboxSender.stop();
    } finally {
      db.close();
    }
  });
});
