import request from 'supertest';
import { io as connect, type Socket } from 'socket.io-client';
import { createBranch, createUser } from '../../../tests/helpers/test-app';
import { startLiveServer, type LiveServer } from '../../../tests/helpers/live-server';
import { signInLive } from '../../../tests/helpers/arrival';
import { TestChatClient } from '../../../tests/helpers/chat';

/**
 * The whole escalation over a running server with real socket.io clients and real sessions: presence over
 * the socket, the expert's queue count and the volunteer's place in the queue pushed live, accept, messages
 * both ways in the chat, close with an outcome, and the outcome on the intake question.
 */
jest.setTimeout(30_000);

type Session = { cookie: string; csrf: string };
type Payload = Record<string, unknown>;

let server: LiveServer;
let branch: number;
let vol: Session;
let expert: Session;
const sockets: Socket[] = [];
const chats: TestChatClient[] = [];

beforeAll(async () => {
  server = await startLiveServer({ env: { STAFF_IDLE_MINUTES: '100000', SESSION_ABSOLUTE_HOURS: '100000' } });
  branch = createBranch(server.deps, { name: 'Centrale Bibliotheek' });
  await createUser(server.deps, 'volunteer', [branch], 'vol@bieb.nl');
  await createUser(server.deps, 'expert', [], 'expert@dhl.nl');
  [vol, expert] = await Promise.all([signInLive(server.url, 'vol@bieb.nl'), signInLive(server.url, 'expert@dhl.nl')]);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const c of chats) c.close();
  await server.close();
});

async function socketOf(session: Session): Promise<Socket> {
  const socket = connect(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { Cookie: session.cookie } });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Resolves with the next `event` whose payload passes `match`. */
function next(socket: Socket, event: string, match: (p: Payload) => boolean = () => true): Promise<Payload> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event}`)), 3000);
    const on = (p: Payload): void => {
      if (!match(p)) return;
      clearTimeout(timer);
      socket.off(event, on);
      resolve(p);
    };
    socket.on(event, on);
  });
}

function addQuestion(): number {
  const db = server.deps.db;
  const tax = server.deps.categories.taxonomy();
  const id = (kind: Parameters<typeof tax.byKey>[0], key: string): number => tax.byKey(kind, key)!.id;
  const now = server.deps.clock.now().toISOString();
  const visit = Number(db.prepare(`INSERT INTO visits (branch_id, channel_id, started_at, local_date, created_at) VALUES (?, ?, ?, '2026-03-02', ?)`).run(branch, id('channel', 'desk'), now, now).lastInsertRowid);
  return Number(
    db
      .prepare(
        `INSERT INTO questions (visit_id, branch_id, channel_id, local_date, local_month, type_id, organisation_id, help_id, duration_id, outcome_id, source, created_at, updated_at)
         VALUES (?, ?, ?, '2026-03-02', '2026-03', ?, ?, ?, ?, ?, 'form', ?, ?)`,
      )
      .run(visit, branch, id('channel', 'desk'), id('question_type', 'digital_government'), id('organisation', 'digid'), id('help', 'together'), id('duration', 'm15_30'), id('outcome', 'escalated'), now, now)
      .lastInsertRowid,
  );
}

const post = (s: Session, url: string, body: Record<string, string> = {}): request.Test => request(server.url).post(url).set('Cookie', s.cookie).type('form').send({ _csrf: s.csrf, ...body });

test('presence over the socket; live queue count and place; accept; messages both ways; close; the question shows the outcome', async () => {
  const expertSocket = await socketOf(expert);
  const volSocket = await socketOf(vol);

  // Only experts may set presence; the ack carries the queue counts for the console's title.
  expect(await volSocket.timeout(2000).emitWithAck('escalations:presence', { status: 'available' })).toEqual({ ok: false, error: 'forbidden' });
  expect(await expertSocket.timeout(2000).emitWithAck('escalations:presence', { status: 'bogus' })).toEqual({ ok: false, error: 'bad_request' });
  expect(await expertSocket.timeout(2000).emitWithAck('escalations:presence', { status: 'available' })).toEqual({ ok: true, queued: 0, callbacksOpen: 0 });
  expect(server.deps.escalations.availableCount()).toBe(1);

  // Escalating: the expert's console hears the count, the volunteer's desk hears the place in the queue.
  const q = addQuestion();
  const queueEvent = next(expertSocket, 'escalations:queue', (p) => p.queued === 1);
  const placeEvent = next(volSocket, 'escalation:updated', (p) => p.status === 'queued');
  const created = await post(vol, '/escalations', { question: String(q), description: 'DigiD-app activeren lukt niet' });
  expect(created.status).toBe(303);
  const id = Number(/\/escalations\/(\d+)$/.exec(created.headers.location)![1]);
  expect(await queueEvent).toEqual({ queued: 1, callbacksOpen: 0, availableExperts: 1 });
  expect(await placeEvent).toEqual({ escalationId: id, status: 'queued', position: 1, availableExperts: 1, estimatedWaitMinutes: 5, outcome: null });

  // Accepting: the volunteer's page is told at once.
  const activeEvent = next(volSocket, 'escalation:updated', (p) => p.escalationId === id && p.status === 'active');
  expect((await post(expert, `/escalations/${id}/accept`)).status).toBe(303);
  expect((await activeEvent).position).toBeNull();

  // The chat (the messaging part) between the two.
  const volChat = new TestChatClient(server.url, vol.cookie, id);
  const expertChat = new TestChatClient(server.url, expert.cookie, id);
  chats.push(volChat, expertChat);
  await volChat.open();
  await expertChat.open();
  expect((await volChat.send('Mevrouw krijgt een foutmelding bij het scannen', 'v-1')).ok).toBe(true);
  expect((await expertChat.send('Laat haar de app opnieuw installeren', 'e-1')).ok).toBe(true);
  await expertChat.waitFor(3);
  await volChat.waitFor(3);

  const closedEvent = next(volSocket, 'escalation:updated', (p) => p.escalationId === id && p.status === 'closed');
  expect((await post(expert, `/escalations/${id}/close`, { outcome: 'solved' })).status).toBe(303);
  expect((await closedEvent).outcome).toBe('solved');
  const lines = await volChat.waitFor(4);
  expect(lines.map((m) => `${m.kind}: ${m.body}`)).toEqual([
    'system: Test expert heeft de vraag aangenomen.',
    'message: Mevrouw krijgt een foutmelding bij het scannen',
    'message: Laat haar de app opnieuw installeren',
    'system: Het gesprek is afgerond: Opgelost.',
  ]);
  const outcome = server.deps.db.prepare('SELECT x.key FROM questions q JOIN taxonomy x ON x.id = q.outcome_id WHERE q.id = ?').pluck().get(q);
  expect(outcome).toBe('solved');
  // The closed transcript stays readable for the branch, from the question's escalation.
  const page = await request(server.url).get(`/escalations/${id}`).set('Cookie', vol.cookie);
  expect(page.status).toBe(200);
  expect(page.text).toContain('Laat haar de app opnieuw installeren');
});
