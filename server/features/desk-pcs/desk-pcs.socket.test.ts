import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'socket.io';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { attachRealtime, onStaffEvent, type SocketFeature } from '../../realtime/attach';
import { createBranch, createTestApp, createUser, csrfFrom, signIn, type TestApp } from '../../../tests/helpers/test-app';
import { registerSecondFactorContext } from '../../../tests/helpers/second-factor';
import { disconnected } from '../../../tests/helpers/sockets';
import { SYSTEM_ACTOR } from '../../lib/actor';
import { DESK_PC_COOKIE, deskPcCookie } from './desk-pc-cookie';

const PIN_2 = '739164';
const HOST = { domain: '127.0.0.1', path: '/', secure: false, script: false };

/**
 * No socket event of a feature writes an audit row today, so this probe does, registered like any feature's
 * event: what it proves is the onStaffEvent wrapper (every event runs inside the request context).
 */
const auditProbe: SocketFeature = (_io, socket, deps) => {
  onStaffEvent(socket, deps, 'test:audit-probe', 'desk.use', (_user, _payload, actor) => {
    deps.audit.record(actor, { action: 'test.socket_probe' });
    return { ok: true };
  });
};

/** Shared desk PCs and staff sockets: the desk PC of the handshake, and revocation (#14 follow-ups). */
describe('desk PCs and staff sockets', () => {
  let t: TestApp;
  let server: http.Server;
  let io: Server;
  let url: string;
  let branchA: number;
  const sockets: ClientSocket[] = [];

  beforeEach(async () => {
    t = createTestApp();
    branchA = createBranch(t.deps, { name: 'Centrale Bibliotheek' });
    await createUser(t.deps, 'volunteer', [branchA], 'vol1@bieb.nl');
    const vol2 = await createUser(t.deps, 'volunteer', [branchA], 'vol2@bieb.nl');
    await createUser(t.deps, 'coordinator', [branchA], 'coord@bieb.nl');
    const user = t.deps.auth.currentUser(vol2)!;
    expect(await t.deps.quickSwitch.setPin({ userId: vol2, label: user.email, ip: null, user }, 'demo-demo-demo', PIN_2)).toBe(true);
    server = http.createServer(t.app);
    io = attachRealtime(server, t.deps, [auditProbe]);
    // socket.io put its own request listener in front of the app; the sign-in helper finds the codes by it.
    registerSecondFactorContext(server.listeners('request')[0], { db: t.db, clock: t.clock });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.disconnect();
    await io.close();
    await t.close();
  });

  // Agents of the listening server, so HTTP and the socket handshake share one origin and one session.
  const agent = (): TestAgent => request.agent(server);
  const cookieHeader = (a: TestAgent): string =>
    [a.jar.getCookie('dichterbij.sid', HOST), a.jar.getCookie(DESK_PC_COOKIE, HOST)].filter((c) => c).map((c) => `${c!.name}=${c!.value}`).join('; ');
  const asDeskPc = (a: TestAgent, deskPcId: number): TestAgent => {
    const c = deskPcCookie(t.config, deskPcId);
    a.jar.setCookie(`${c.name}=${c.value}; Path=/`, '127.0.0.1', '/');
    return a;
  };
  const probeRows = (): { actor_label: string; desk_pc_id: number | null }[] =>
    t.db.prepare("SELECT actor_label, desk_pc_id FROM audit_log WHERE action = 'test.socket_probe' ORDER BY id").all() as never;

  function open(cookie: string): Promise<ClientSocket> {
    const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { Cookie: cookie } });
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }
  function refused(cookie: string): Promise<string> {
    const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { Cookie: cookie } });
    sockets.push(socket);
    return new Promise((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (err) => resolve(err.message));
    });
  }
  const probe = (socket: ClientSocket): Promise<unknown> => socket.timeout(2000).emitWithAck('test:audit-probe', {});

  test('a socket event from a registered desk PC is audited with that desk PC; from an unregistered browser with none', async () => {
    const deskPcId = t.deps.deskPcs.register(SYSTEM_ACTOR, branchA, 'Balie 1');
    const desk = asDeskPc(agent(), deskPcId);
    await signIn(desk, 'vol1@bieb.nl');
    const other = agent();
    await signIn(other, 'vol2@bieb.nl');
    // A forged desk PC cookie counts for nothing here either.
    const forged = `${cookieHeader(other)}; ${DESK_PC_COOKIE}=${deskPcId}.${'A'.repeat(43)}`;

    expect(await probe(await open(cookieHeader(desk)))).toEqual({ ok: true });
    expect(await probe(await open(cookieHeader(other)))).toEqual({ ok: true });
    expect(await probe(await open(forged))).toEqual({ ok: true });
    expect(probeRows()).toEqual([
      { actor_label: 'vol1@bieb.nl', desk_pc_id: deskPcId },
      { actor_label: 'vol2@bieb.nl', desk_pc_id: null },
      { actor_label: 'vol2@bieb.nl', desk_pc_id: null },
    ]);
  });

  test('revoking the desk PC disconnects the sockets of the PIN session there; a full sign-in there keeps its socket', async () => {
    const deskPcId = t.deps.deskPcs.register(SYSTEM_ACTOR, branchA, 'Balie 1');
    const full = asDeskPc(agent(), deskPcId);
    await signIn(full, 'vol1@bieb.nl');
    const pin = asDeskPc(agent(), deskPcId);
    await signIn(pin, 'vol1@bieb.nl');
    const page = await pin.get('/switch');
    expect(page.text).toContain('name="pin"');
    expect((await pin.post('/switch').type('form').send({ _csrf: csrfFrom(page.text), person: '', email: 'vol2@bieb.nl', pin: PIN_2, next: '' })).status).toBe(303);

    const pinSocket = await open(cookieHeader(pin));
    const fullSocket = await open(cookieHeader(full));
    expect(await probe(pinSocket)).toEqual({ ok: true });
    expect(probeRows()).toEqual([{ actor_label: 'vol2@bieb.nl', desk_pc_id: deskPcId }]);

    const manager = agent();
    await signIn(manager, 'coord@bieb.nl');
    const list = await manager.get('/admin/desk-pcs');
    const gone = disconnected(pinSocket, 2000);
    expect((await manager.post(`/admin/desk-pcs/${deskPcId}/revoke`).type('form').send({ _csrf: csrfFrom(list.text) })).status).toBe(303);
    expect(await gone).toBe('io server disconnect');
    // It cannot come back with the same cookie.
    expect(await refused(cookieHeader(pin))).toBe('unauthorized');
    // The full sign-in goes on; its events no longer name the revoked desk PC (as over HTTP).
    expect(fullSocket.connected).toBe(true);
    expect(await probe(fullSocket)).toEqual({ ok: true });
    expect(probeRows().at(-1)).toEqual({ actor_label: 'vol1@bieb.nl', desk_pc_id: null });
  });
});
