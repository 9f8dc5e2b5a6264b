import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { loadConfig, type Config } from '../../server/config';
import { openDatabase, type Db } from '../../server/db/open';
import { migrate } from '../../server/db/migrate';
import { MIGRATIONS_DIR } from '../../server/paths';
import { buildDeps, type Deps } from '../../server/deps';
import { createApp } from '../../server/app';
import { FakeClock } from '../../server/lib/clock';
import { createLogger } from '../../server/lib/logger';
import type { MailTransport } from '../../server/mail/transport';
import type { Role } from '../../server/http/auth';
import { SYSTEM_ACTOR } from '../../server/lib/actor';
import { csrfFrom } from './forms';
import { TEST_TOTP_SECRET, nextSecondFactorCode, registerSecondFactorContext, secondFactorContext } from './second-factor';

export interface TestApp {
  app: Express;
  deps: Deps;
  db: Db;
  clock: FakeClock;
  config: Config;
  dir: string;
  agent(): TestAgent;
  close(): Promise<void>;
}

export interface TestAppOptions {
  clock?: FakeClock;
  mailTransport?: MailTransport;
  env?: Record<string, string>;
}

/** A fresh temporary directory, removed when the process ends. */
export function tempDir(prefix = 'dichterbij-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function testConfig(dir: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_PATH: path.join(dir, 'test.sqlite'),
    SESSION_SECRET: 'test-secret-test-secret-test-secret-1234',
    BASE_URL: 'http://127.0.0.1:3000',
    MAIL_FROM: 'Dichterbij Test <noreply@dichterbij.test>',
    ...env,
  });
}

/** The real app on a throw-away SQLite file with a fake clock. CSRF and permissions stay on. */
export function createTestApp(options: TestAppOptions = {}): TestApp {
  const dir = tempDir();
  const config = testConfig(dir, options.env);
  const db = openDatabase(config.databasePath);
  migrate(db, MIGRATIONS_DIR);
  const clock = options.clock ?? new FakeClock('2026-03-02T09:00:00Z');
  const deps = buildDeps(config, db, { clock, logger: createLogger('silent'), mailTransport: options.mailTransport });
  const app = createApp(deps);
  registerSecondFactorContext(app, { db, clock });
  return {
    app,
    deps,
    db,
    clock,
    config,
    dir,
    agent: () => request.agent(app),
    close: async () => {
      await deps.outboxSender.stop();
      db.close();
    },
  };
}

// Reading tokens, fields and cookies lives in ./forms; re-exported here because most tests import from this file.
export { csrfFrom } from './forms';

/** GETs a page and returns its CSRF token (creating the session if needed). */
export async function csrfToken(agent: TestAgent, url: string): Promise<string> {
  const res = await agent.get(url);
  return csrfFrom(res.text);
}

export async function signIn(agent: TestAgent, email: string, password = 'demo-demo-demo'): Promise<void> {
  const token = await csrfToken(agent, '/login');
  const res = await agent.post('/login').type('form').send({ _csrf: token, email, password });
  if (res.status !== 303) throw new Error(`sign-in failed for ${email}: ${res.status}`);
  if (res.headers.location === '/login/second-factor') await answerSecondStep(agent, email);
}

/** The real second step of sign-in, with a code computed from the person's secret and the app's clock. */
export async function answerSecondStep(agent: TestAgent, email: string): Promise<void> {
  // supertest wraps the app in an http.Server; the app is that server's request listener.
  const server = (agent as unknown as { app: { listeners(event: string): unknown[] } }).app;
  const context = secondFactorContext(server.listeners('request')[0]);
  const token = await csrfToken(agent, '/login/second-factor');
  const code = await nextSecondFactorCode(context, email);
  const res = await agent.post('/login/second-factor').type('form').send({ _csrf: token, code });
  if (res.status !== 303) throw new Error(`second step failed for ${email}: ${res.status}`);
}

/** A fresh agent of the test app, signed in as `email`. */
export async function signedIn(t: TestApp, email: string, password?: string): Promise<TestAgent> {
  const agent = t.agent();
  await signIn(agent, email, password);
  return agent;
}

let branchCounter = 0;
/** A branch open Monday–Friday 09:00–17:00 unless told otherwise. */
export function createBranch(deps: Deps, overrides: Partial<Parameters<Deps['branches']['create']>[1]> = {}): number {
  branchCounter++;
  const id = deps.branches.create(SYSTEM_ACTOR, {
    name: `Vestiging ${branchCounter}`,
    address: 'Dorpsstraat 1',
    postcode: '1234 AB',
    city: 'Ergens',
    municipality: 'Ergens',
    phone: '',
    insideLibrary: true,
    staffingModel: 'volunteers',
    slotMinutes: 30,
    desks: 2,
    horizonDays: 28,
    minNoticeMinutes: 60,
    ...overrides,
  });
  deps.branches.replaceOpeningHours(
    SYSTEM_ACTOR,
    id,
    [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: '09:00', closes: '17:00' })),
  );
  return id;
}

export async function createUser(deps: Deps, role: Role, branchIds: number[] = [], email?: string, password = 'demo-demo-demo'): Promise<number> {
  const address = email ?? `${role}-${Math.random().toString(36).slice(2, 8)}@test.nl`;
  const id = await deps.users.ensure(SYSTEM_ACTOR, { email: address, name: `Test ${role}`, role, branchIds }, password);
  // Coordinators and admins must have a second factor; fixtures get the known test secret.
  if (role === 'coordinator' || role === 'admin') deps.secondFactor.enrolWithSecret(SYSTEM_ACTOR, id, TEST_TOTP_SECRET);
  return id;
}
