import request from 'supertest';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { startLiveServer, type LiveServer } from '../../tests/helpers/live-server';
import { createBranch, createUser } from '../../tests/helpers/test-app';
import { addBooking, kioskCookie, signInLive } from '../../tests/helpers/arrival';
import { csrfFrom, sessionCookieOf } from '../../tests/helpers/forms';
import { disconnected } from '../../tests/helpers/sockets';
import { FakeClock } from '../lib/clock';
import { registeredSocketEvents, sweepSessions, type AppSocket } from './attach';

const TODAY = '2026-03-02';

function client(url: string, options: { cookie?: string; screen?: string; origin?: string } = {}): ClientSocket {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.Cookie = options.cookie;
  if (options.origin) headers.Origin = options.origin;
  return connect(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: headers,
    auth: options.screen ? { screen: options.screen } : {},
  });
}

function connected(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
}

function refused(socket: ClientSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('connected, but should have been refused')));
    socket.once('connect_error', (err) => resolve(err.message));
  });
}

function nextEvent<T = Record<string, unknown>>(socket: ClientSocket, event: string, timeoutMs = 1000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/** A kiosk at the branch checks in with a code, over real HTTP. */
async function kioskCheckIn(url: string, branchId: number, code: string): Promise<number> {
  const kiosk = kioskCookie(branchId);
  const page = await request(url).get('/check-in').set('Cookie', kiosk);
  const session = sessionCookieOf(page)!;
  const csrf = csrfFrom(page.text);
  const res = await request(url).post('/check-in').set('Cookie', `${kiosk}; ${session}`).type('form').send({ _csrf: csrf, code });
  return res.status;
}

describe('realtime: socket.io with staff sessions, branch rooms and screens', () => {
  let server: LiveServer;
  let clock: FakeClock;
  let branchA: number;
  let branchB: number;
  const sockets: ClientSocket[] = [];

  function track(socket: ClientSocket): ClientSocket {
    sockets.push(socket);
    return socket;
  }

  beforeEach(async () => {
    clock = new FakeClock('2026-03-02T09:00:00Z');
    server = await startLiveServer({ clock });
    branchA = createBranch(server.deps, { name: 'Vestiging A' });
    branchB = createBranch(server.deps, { name: 'Vestiging B' });
    await createUser(server.deps, 'volunteer', [branchA], 'a1@bieb.nl');
    await createUser(server.deps, 'coordinator', [branchA], 'a2@bieb.nl');
    await createUser(server.deps, 'volunteer', [branchB], 'b1@bieb.nl');
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.disconnect();
    await server.close();
  });

  test('a check-in at branch A reaches both A desks within a second and never branch B', async () => {
    const [a1, a2, b1] = await Promise.all(['a1@bieb.nl', 'a2@bieb.nl', 'b1@bieb.nl'].map((e) => signInLive(server.url, e)));
    const sa1 = track(client(server.url, { cookie: a1.cookie }));
    const sa2 = track(client(server.url, { cookie: a2.cookie }));
    const sb1 = track(client(server.url, { cookie: b1.cookie }));
    await Promise.all([connected(sa1), connected(sa2), connected(sb1)]);
    const bEvents: string[] = [];
    sb1.onAny((event: string) => bEvents.push(event));
    const id = addBooking(server.deps, { branchId: branchA, date: TODAY, time: '10:30', code: 'K7M2QXA', name: 'Geheime Naam' });

    const started = Date.now();
    const got = Promise.all([nextEvent(sa1, 'checkin'), nextEvent(sa2, 'checkin'), nextEvent(sa1, 'appointment.updated')]);
    expect(await kioskCheckIn(server.url, branchA, 'k7m2qxa')).toBe(303);
    const [e1, e2, updated] = await got;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(e1).toEqual({ branchId: branchA, kind: 'appointment', id, time: '10:30' });
    expect(e2).toEqual(e1);
    expect(updated).toMatchObject({ id, status: 'arrived' });
    // Give B every chance to (wrongly) receive something.
    await new Promise((r) => setTimeout(r, 300));
    expect(bEvents).toEqual([]);
  });

  test('a client without a session, with a forged cookie, or from another origin is refused at the handshake', async () => {
    expect(await refused(track(client(server.url)))).toBe('unauthorized');
    expect(await refused(track(client(server.url, { cookie: 'dichterbij.sid=s%3Aforged.signature' })))).toBe('unauthorized');
    const { cookie } = await signInLive(server.url, 'a1@bieb.nl');
    const evil = track(client(server.url, { cookie, origin: 'http://evil.example' }));
    expect(await refused(evil)).toMatch(/websocket error|xhr poll error|unauthorized/i);
    // The same cookie from our own origin works.
    const ok = track(client(server.url, { cookie, origin: server.url }));
    await connected(ok);
  });

  test('sign-out disconnects that session\'s sockets, and only those', async () => {
    const first = await signInLive(server.url, 'a1@bieb.nl');
    const second = await signInLive(server.url, 'a1@bieb.nl');
    const s1 = track(client(server.url, { cookie: first.cookie }));
    const s2 = track(client(server.url, { cookie: second.cookie }));
    await Promise.all([connected(s1), connected(s2)]);
    const gone = disconnected(s1);
    const res = await request(server.url).post('/logout').set('Cookie', first.cookie).type('form').send({ _csrf: first.csrf });
    expect(res.status).toBe(303);
    expect(await gone).toBe('io server disconnect');
    expect(s2.connected).toBe(true);
    // The old cookie no longer opens a socket.
    expect(await refused(track(client(server.url, { cookie: first.cookie })))).toBe('unauthorized');
  });

  test('session expiry (idle timeout) and a disabled account disconnect sockets without any HTTP request', async () => {
    const a1 = await signInLive(server.url, 'a1@bieb.nl');
    const a2 = await signInLive(server.url, 'a2@bieb.nl');
    const s1 = track(client(server.url, { cookie: a1.cookie }));
    await connected(s1);
    expect(await sweepSessions(server.io, server.deps)).toBe(0);
    clock.advanceMinutes(server.deps.config.staffIdleMinutes + 1);
    const gone = disconnected(s1);
    expect(await sweepSessions(server.io, server.deps)).toBe(1);
    expect(await gone).toBe('io server disconnect');

    clock.set('2026-03-02T12:00:00Z');
    const fresh = await signInLive(server.url, 'a2@bieb.nl');
    const s2 = track(client(server.url, { cookie: fresh.cookie }));
    await connected(s2);
    server.deps.db.prepare("UPDATE users SET disabled_at = '2026-03-02T12:00:00Z' WHERE email = 'a2@bieb.nl'").run();
    const gone2 = disconnected(s2);
    expect(await sweepSessions(server.io, server.deps)).toBe(1);
    await gone2;
    expect(a2.cookie).toBeDefined();
  });

  test('events are permission-checked: another branch is rejected and nothing happens; screens may not send', async () => {
    const b1 = await signInLive(server.url, 'b1@bieb.nl');
    const a1 = await signInLive(server.url, 'a1@bieb.nl');
    const walkinA = server.deps.arrival.takeNumber(branchA, '');
    const sb = track(client(server.url, { cookie: b1.cookie }));
    const sa = track(client(server.url, { cookie: a1.cookie }));
    const screen = track(client(server.url, { screen: String(branchA) }));
    await Promise.all([connected(sb), connected(sa), connected(screen)]);
    const screenEvents: unknown[] = [];
    screen.on('queue.updated', (p: unknown) => screenEvents.push(p));

    // Another branch's walk-in: the service answers as for a record that does not exist (HTTP: 404).
    expect(await sb.timeout(1000).emitWithAck('queue.call', { kind: 'walkin', id: walkinA.id, desk: 1 })).toEqual({ ok: false, error: 'not_found' });
    expect(await screen.timeout(1000).emitWithAck('queue.call', { kind: 'walkin', id: walkinA.id, desk: 1 })).toEqual({ ok: false, error: 'forbidden' });
    expect(await sa.timeout(1000).emitWithAck('queue.call', 'nonsense')).toEqual({ ok: false, error: 'bad_request' });
    expect(await sa.timeout(1000).emitWithAck('queue.call', { kind: 'walkin', id: 'x' })).toEqual({ ok: false, error: 'bad_request' });
    expect(await sa.timeout(1000).emitWithAck('queue.call', { kind: 'walkin', id: 999999, desk: 1 })).toEqual({ ok: false, error: 'not_found' });
    expect(server.deps.db.prepare('SELECT status FROM walkins WHERE id = ?').pluck().get(walkinA.id)).toBe('waiting');
    expect(screenEvents).toEqual([]);

    const shown = nextEvent(screen, 'queue.updated');
    expect(await sa.timeout(1000).emitWithAck('queue.call', { kind: 'walkin', id: walkinA.id, desk: 2 })).toEqual({ ok: true });
    expect(await shown).toEqual({ branchId: branchA, calls: [{ kind: 'walkin', label: '1', desk: 2 }], waiting: 0 });
  });

  test('a screen joins only its branch\'s screen channel and gets no personal data', async () => {
    const screenA = track(client(server.url, { screen: String(branchA) }));
    const screenB = track(client(server.url, { screen: String(branchB) }));
    await Promise.all([connected(screenA), connected(screenB)]);
    expect(await refused(track(client(server.url, { screen: '99999' })))).toBe('unknown screen');
    const all: string[] = [];
    screenA.onAny((event: string, payload: unknown) => all.push(`${event} ${JSON.stringify(payload)}`));
    const bEvents: string[] = [];
    screenB.onAny((event: string) => bEvents.push(event));
    addBooking(server.deps, { branchId: branchA, date: TODAY, time: '10:30', code: 'K7M2QXA', name: 'Geheime Naam' });
    const update = nextEvent(screenA, 'queue.updated');
    server.deps.arrival.takeNumber(branchA, 'digid');
    await update;
    expect(await kioskCheckIn(server.url, branchA, 'K7M2QXA')).toBe(303);
    await new Promise((r) => setTimeout(r, 200));
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((line) => line.startsWith('queue.updated'))).toBe(true);
    expect(all.join('\n')).not.toMatch(/Geheime|K7M2QXA/);
    expect(bEvents).toEqual([]);
  });

  test('queue events need queue.operate: experts and admins get forbidden and nothing happens', async () => {
    await createUser(server.deps, 'expert', [], 'exp@bieb.nl');
    await createUser(server.deps, 'admin', [], 'adm@bieb.nl');
    const walkinA = server.deps.arrival.takeNumber(branchA, '');
    const booking = addBooking(server.deps, { branchId: branchA, date: TODAY, time: '10:30', code: 'K7M2QXA', name: 'Geheime Naam' });
    server.deps.arrival.checkIn(branchA, 'K7M2QXA', null);
    for (const email of ['exp@bieb.nl', 'adm@bieb.nl']) {
      const { cookie } = await signInLive(server.url, email);
      const socket = track(client(server.url, { cookie }));
      await connected(socket);
      for (const payload of [{ kind: 'walkin', id: walkinA.id, desk: 1 }, { kind: 'appointment', id: booking, desk: 1 }, { kind: 'walkin', id: 999999 }, 'nonsense']) {
        expect([email, payload, await socket.timeout(1000).emitWithAck('queue.call', payload)]).toEqual([email, payload, { ok: false, error: 'forbidden' }]);
      }
    }
    expect(server.deps.db.prepare('SELECT status FROM walkins WHERE id = ?').pluck().get(walkinA.id)).toBe('waiting');
    expect(server.deps.queue.displayState(branchA).calls).toEqual([]);
  });

  test('rooms through the policy: desk staff their branches, experts the expert room, admins neither', async () => {
    await createUser(server.deps, 'volunteer', [branchA, branchB], 'ab@bieb.nl');
    await createUser(server.deps, 'expert', [], 'exp@bieb.nl');
    await createUser(server.deps, 'admin', [branchA], 'adm@bieb.nl');
    const roomsOf = async (email: string): Promise<string[]> => {
      const { cookie } = await signInLive(server.url, email);
      const socket = track(client(server.url, { cookie }));
      await connected(socket);
      const serverSide = [...server.io.of('/').sockets.values()].find((s) => s.id === socket.id) as AppSocket;
      return [...serverSide.rooms].filter((r) => r !== socket.id && !r.startsWith('session:') && !r.startsWith('user:')).sort();
    };
    expect(await roomsOf('ab@bieb.nl')).toEqual([`branch:${branchA}`, `branch:${branchB}`].sort());
    expect(await roomsOf('a1@bieb.nl')).toEqual([`branch:${branchA}`]);
    expect(await roomsOf('exp@bieb.nl')).toEqual(['experts']);
    expect(await roomsOf('adm@bieb.nl')).toEqual([]);
  });

  test('every event a staff socket listens to is registered with its capability', async () => {
    const { cookie } = await signInLive(server.url, 'a1@bieb.nl');
    const socket = track(client(server.url, { cookie }));
    await connected(socket);
    const serverSide = [...server.io.of('/').sockets.values()].find((s) => s.id === socket.id)!;
    const registry = registeredSocketEvents();
    expect(registry.get('queue.call')).toBe('queue.operate');
    // Registered around onStaffEvent (a bare socket.on) would be an event without a capability check.
    const listened = serverSide.eventNames().map(String).filter((e) => e !== 'disconnect' && e !== 'disconnecting' && e !== 'error');
    expect(listened.filter((e) => !registry.has(e))).toEqual([]);
    expect(listened).toContain('queue.call');
  });
});
