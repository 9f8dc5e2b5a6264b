import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createTestApp, csrfFrom, tempDir, type TestApp } from '../helpers/test-app';
import { listRoutes } from '../helpers/routes';
import { CAPABILITIES, may, type CurrentUser, type Role } from '../../server/policy/policy';
import { io as connect } from 'socket.io-client';
import { startLiveServer } from '../helpers/live-server';
import { completeSecondStep } from '../helpers/second-factor';
import { registeredSocketEvents } from '../../server/realtime/attach';
import { ROUTE_MATRIX, SOCKET_MATRIX, type Fixture, type RouteCase, type Side } from './route-matrix';
import { buildMatrixFixture, MATRIX_EMAILS } from './branch-records';

/**
 * The generated permission matrix: every route of the real app × every role (and signed out) × a record of
 * the person's own branch and of another branch, answered exactly as the capability table says:
 * 403 where the role lacks the capability, 404 for another branch's data, and otherwise an answer that
 * is neither (200 for a page). A route missing from ROUTE_MATRIX fails the first test.
 */
type Who = Role | 'anonymous';
const WHO: Who[] = ['anonymous', 'volunteer', 'coordinator', 'expert', 'admin'];

interface Session {
  cookie: string;
  token: string;
  user: CurrentUser | null;
}

let template: string;
let fixture: Fixture;
let sessions: Record<Who, Session>;
let shared: TestApp;

async function signInAs(t: TestApp, email: string): Promise<{ cookie: string; token: string }> {
  const login = await request(t.app).get('/login');
  const first = (login.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
  const res = await request(t.app).post('/login').set('Cookie', first).type('form').send({ _csrf: csrfFrom(login.text), email, password: 'demo-demo-demo' });
  if (res.status !== 303) throw new Error(`sign-in failed for ${email}: ${res.status}`);
  let cookie = (res.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
  if (res.headers.location === '/login/second-factor') cookie = await completeSecondStep(t.app, cookie, email, t);
  const page = await request(t.app).get('/account/password').set('Cookie', cookie);
  return { cookie, token: csrfFrom(page.text) };
}

/** An app on its own copy of the prepared database (same sessions, same records). */
function appOnCopy(): TestApp {
  const file = path.join(tempDir('dichterbij-matrix-'), 'copy.sqlite');
  fs.copyFileSync(template, file);
  return createTestApp({ env: { DATABASE_PATH: file } });
}

beforeAll(async () => {
  const t = createTestApp();
  fixture = await buildMatrixFixture(t);
  const emails = MATRIX_EMAILS;
  sessions = { anonymous: { cookie: '', token: '', user: null } } as Record<Who, Session>;
  for (const role of Object.keys(emails) as Role[]) {
    const s = await signInAs(t, emails[role]);
    const id = t.db.prepare('SELECT id FROM users WHERE email = ?').pluck().get(emails[role]) as number;
    sessions[role] = { ...s, user: { ...t.deps.users.get(id), mustChangePassword: false } };
  }
  t.db.pragma('wal_checkpoint(TRUNCATE)');
  template = t.config.databasePath;
  await t.close();
  shared = appOnCopy();
});
afterAll(() => shared?.close());

type Expectation = 403 | 404 | 'allowed' | 'signed-out' | 'any';

function expectationFor(c: RouteCase, who: Who, side: Side): Expectation {
  if (c.access === 'public') return 'any';
  if (who === 'anonymous') return 'signed-out';
  if (c.access === 'signed-in') return 'allowed';
  const user = sessions[who].user;
  if (!may(user, c.access)) return 403;
  if (c.scoped && !may(user, c.access, side === 'own' ? fixture.A.branch : fixture.B.branch)) return 404;
  if (c.participant && side === 'other') return 404;
  return 'allowed';
}

function describeCase(key: string, c: RouteCase, i: number): string {
  return `${key}${ROUTE_MATRIX[key].length > 1 ? ` #${i + 1} (${c.access})` : ''}`;
}

test('every route of the app has an entry in the matrix, and every entry is a route', () => {
  const t = createTestApp();
  const routes = listRoutes(t.app).map((r) => `${r.method} ${r.path}`);
  void t.close();
  expect(routes.filter((r) => !(r in ROUTE_MATRIX))).toEqual([]);
  expect(Object.keys(ROUTE_MATRIX).filter((r) => !routes.includes(r))).toEqual([]);
  for (const cases of Object.values(ROUTE_MATRIX)) for (const c of cases) expect(c.access === 'public' || c.access === 'signed-in' || c.access in CAPABILITIES).toBe(true);
});

const rows: [string, RouteCase, string][] = Object.entries(ROUTE_MATRIX).flatMap(([key, cases]) => cases.map((c, i) => [describeCase(key, c, i), c, key] as [string, RouteCase, string]));

describe.each(rows)('%s', (_name, c, key) => {
  const method = key.split(' ')[0] as 'GET' | 'POST';
  const sides: Side[] = c.scoped ? ['own', 'other'] : ['own'];
  const combos = WHO.flatMap((who) => sides.map((side) => [who, side] as [Who, Side]));

  test.each(combos)('%s, %s branch', async (who, side) => {
    const want = expectationFor(c, who, side);
    // A request that is allowed to change data gets its own copy of the database, so it cannot change
    // what the next combination sees; refusals must change nothing and share one app.
    const fresh = method === 'POST' && (want === 'allowed' || want === 'any');
    const t = fresh ? appOnCopy() : shared;
    try {
      const s = sessions[who];
      const url = c.url(fixture, side);
      const req = method === 'GET' ? request(t.app).get(url) : request(t.app).post(url).type('form').send({ _csrf: s.token, ...(c.body?.(fixture, side) ?? {}) });
      const res = await (s.cookie ? req.set('Cookie', s.cookie) : req);
      const got = `${res.status}`;
      const ctx = `${method} ${url} as ${who} (${side}): ${got}`;
      expect({ ctx, ok: res.status < 500 }).toEqual({ ctx, ok: true });
      if (want === 403 || want === 404) expect(ctx).toBe(`${method} ${url} as ${who} (${side}): ${want}`);
      if (want === 'signed-out') expect(ctx).toBe(`${method} ${url} as ${who} (${side}): ${method === 'GET' ? 303 : 403}`);
      if (want === 'allowed') {
        if (method === 'GET') expect(ctx).toBe(`${method} ${url} as ${who} (${side}): ${c.allowedStatus ?? 200}`);
        else expect({ ctx, refused: res.status === 403 || res.status === 404 }).toEqual({ ctx, refused: false });
      }
    } finally {
      if (fresh) await t.close();
    }
  });
});

describe('socket events', () => {
  type Ack = { ok: boolean; error?: string };

  async function emitAs(url: string, who: Role, event: string, payload: Record<string, unknown>): Promise<Ack> {
    const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { Cookie: sessions[who].cookie } });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      return await socket.timeout(2000).emitWithAck(event, payload);
    } finally {
      socket.disconnect();
    }
  }

  test('every event × role × own/other branch answers as the capability table says', async () => {
    const file = path.join(tempDir('dichterbij-matrix-'), 'copy.sqlite');
    fs.copyFileSync(template, file);
    const server = await startLiveServer({ env: { DATABASE_PATH: file } });
    try {
      // Opening one staff socket registers every feature's events.
      await emitAs(server.url, 'volunteer', 'queue.call', {});
      const registered = [...registeredSocketEvents().entries()];
      expect(registered.map(([event]) => event).sort()).toEqual(Object.keys(SOCKET_MATRIX).sort());
      for (const [event, capability] of registered) expect(`${event}: ${capability}`).toBe(`${event}: ${SOCKET_MATRIX[event].capability}`);

      const answers: string[] = [];
      const wanted: string[] = [];
      for (const [event, c] of Object.entries(SOCKET_MATRIX)) {
        for (const who of ['volunteer', 'coordinator', 'expert', 'admin'] as Role[]) {
          for (const side of ['own', 'other'] as Side[]) {
            const records = side === 'own' ? fixture.A : fixture.B;
            const ack = await emitAs(server.url, who, event, c.payload(records));
            const user = sessions[who].user;
            const notTheirs = !may(user, c.capability, records.branch) || (c.participant === true && side === 'other');
            const want = !may(user, c.capability) ? 'forbidden' : notTheirs ? 'not_found' : 'allowed';
            const got = ack.ok || (ack.error !== 'forbidden' && ack.error !== 'not_found') ? 'allowed' : ack.error!;
            answers.push(`${event} as ${who} (${side}): ${got}`);
            wanted.push(`${event} as ${who} (${side}): ${want}`);
          }
        }
      }
      expect(answers).toEqual(wanted);
    } finally {
      await server.close();
    }
  });

  test('a socket without a signed-in session is refused at the handshake', async () => {
    const file = path.join(tempDir('dichterbij-matrix-'), 'copy.sqlite');
    fs.copyFileSync(template, file);
    const server = await startLiveServer({ env: { DATABASE_PATH: file } });
    try {
      const socket = connect(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
      const message = await new Promise<string>((resolve, reject) => {
        socket.once('connect', () => reject(new Error('connected without a session')));
        socket.once('connect_error', (err) => resolve(err.message));
      });
      socket.disconnect();
      expect(message).toBe('unauthorized');
    } finally {
      await server.close();
    }
  });
});
