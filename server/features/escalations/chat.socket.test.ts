import { createBranch, createUser } from '../../../tests/helpers/test-app';
import { startLiveServer, type LiveServer } from '../../../tests/helpers/live-server';
import { signInLive } from '../../../tests/helpers/arrival';
import { addEscalation, TestChatClient } from '../../../tests/helpers/chat';

/**
 * The chat over real socket.io clients with real sessions: both directions, resume after a disconnect and
 * after a server restart (exactly once, in order), idempotent resends, notes, the rate limit and isolation.
 */
jest.setTimeout(30_000);

interface World {
  server: LiveServer;
  escalation: number;
  cookies: { volunteer: string; expert: string; otherVolunteer: string; otherExpert: string };
}

const clients: TestChatClient[] = [];
const servers: LiveServer[] = [];

async function world(options: { dir?: string; port?: number } = {}): Promise<World> {
  const server = await startLiveServer(options);
  servers.push(server);
  const deps = server.deps;
  const a = createBranch(deps, { name: 'Vestiging A' });
  const b = createBranch(deps, { name: 'Vestiging B' });
  await createUser(deps, 'volunteer', [a], 'vol-a@bieb.nl');
  await createUser(deps, 'volunteer', [b], 'vol-b@bieb.nl');
  const expert = await createUser(deps, 'expert', [], 'expert@bieb.nl');
  await createUser(deps, 'expert', [], 'expert-2@bieb.nl');
  const escalation = addEscalation(deps, { branchId: a, expertId: expert });
  const [volunteer, ex, otherVolunteer, otherExpert] = await Promise.all(
    ['vol-a@bieb.nl', 'expert@bieb.nl', 'vol-b@bieb.nl', 'expert-2@bieb.nl'].map((e) => signInLive(server.url, e)),
  );
  return { server, escalation, cookies: { volunteer: volunteer.cookie, expert: ex.cookie, otherVolunteer: otherVolunteer.cookie, otherExpert: otherExpert.cookie } };
}

function client(url: string, cookie: string, escalation: number, options?: { transports?: string[]; reconnection?: boolean }): TestChatClient {
  const c = new TestChatClient(url, cookie, escalation, options);
  clients.push(c);
  return c;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const bodies = (c: TestChatClient): string[] => c.received.map((m) => m.body);
const seqs = (c: TestChatClient): number[] => c.received.map((m) => m.seq);

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close();
});

test('volunteer and expert exchange messages both ways, each stored before its ack with the next seq', async () => {
  const w = await world();
  const vol = client(w.server.url, w.cookies.volunteer, w.escalation);
  const exp = client(w.server.url, w.cookies.expert, w.escalation);
  expect((await vol.open()).side).toBe('volunteer');
  expect((await exp.open()).side).toBe('expert');

  const sent = await vol.send('Mevrouw kan niet inloggen bij DigiD', 'v-1');
  expect(sent).toMatchObject({ ok: true, message: { seq: 1, senderRole: 'volunteer', body: 'Mevrouw kan niet inloggen bij DigiD' } });
  // Stored before the ack: the row is there the moment the ack arrives.
  expect(w.server.deps.db.prepare('SELECT count(*) FROM chat_messages WHERE escalation_id = ?').pluck().get(w.escalation)).toBe(1);
  await exp.waitFor(1);
  await exp.send('Laat haar de app opnieuw activeren', 'e-1');
  await vol.send('Dat werkt, dank je', 'v-2');
  await vol.waitFor(3);
  await exp.waitFor(3);
  expect(bodies(vol)).toEqual(['Mevrouw kan niet inloggen bij DigiD', 'Laat haar de app opnieuw activeren', 'Dat werkt, dank je']);
  expect(seqs(exp)).toEqual([1, 2, 3]);
  expect(exp.received.map((m) => m.senderRole)).toEqual(['volunteer', 'expert', 'volunteer']);
});

test('reconnect: the volunteer misses 5 messages and gets exactly those 5 once, in order', async () => {
  const w = await world();
  const vol = client(w.server.url, w.cookies.volunteer, w.escalation);
  const exp = client(w.server.url, w.cookies.expert, w.escalation);
  await vol.open();
  await exp.open();
  await exp.send('Eerste', 'e-0');
  await vol.waitFor(1);

  vol.close();
  for (let i = 1; i <= 5; i++) expect((await exp.send(`Gemist ${i}`, `e-${i}`)).ok).toBe(true);
  const join = await vol.open();
  expect((join.messages as { seq: number }[]).map((m) => m.seq)).toEqual([2, 3, 4, 5, 6]);
  await sleep(150);
  expect(bodies(vol)).toEqual(['Eerste', 'Gemist 1', 'Gemist 2', 'Gemist 3', 'Gemist 4', 'Gemist 5']);
  // Nothing of what was missed came a second time over the wire either.
  expect(vol.wire.map((m) => m.seq)).toEqual([1]);
});

test('the same client id twice (also in flight together) is stored once and announced once', async () => {
  const w = await world();
  const vol = client(w.server.url, w.cookies.volunteer, w.escalation);
  const exp = client(w.server.url, w.cookies.expert, w.escalation);
  await vol.open();
  await exp.open();
  const [a, b] = await Promise.all([vol.send('Twee keer verstuurd', 'same-id'), vol.send('Twee keer verstuurd', 'same-id')]);
  const again = await vol.send('Twee keer verstuurd', 'same-id');
  expect([a, b, again].map((x) => (x.message as { seq: number }).seq)).toEqual([1, 1, 1]);
  await exp.send('Antwoord', 'e-1');
  await exp.waitFor(2);
  await sleep(100);
  expect(exp.wire.map((m) => m.seq)).toEqual([1, 2]);
  expect(w.server.deps.db.prepare('SELECT count(*) FROM chat_messages WHERE escalation_id = ?').pluck().get(w.escalation)).toBe(2);
});

test('across a restart of the server process: resume exactly once and in order, resends still stored once', async () => {
  const first = await world();
  const { dir } = first.server;
  const port = Number(new URL(first.server.url).port);
  const vol = client(first.server.url, first.cookies.volunteer, first.escalation, { reconnection: false });
  const exp = client(first.server.url, first.cookies.expert, first.escalation, { reconnection: false });
  await vol.open();
  await exp.open();
  await exp.send('Voor de herstart', 'e-0');
  await vol.waitFor(1);
  vol.close();
  exp.close();
  await first.server.close();
  servers.splice(servers.indexOf(first.server), 1);

  // The same data folder and port: sessions, messages and seqs live in the database, not in the process.
  const second = await startLiveServer({ dir, port });
  servers.push(second);
  const exp2 = client(second.url, first.cookies.expert, first.escalation);
  await exp2.open();
  expect(seqs(exp2)).toEqual([1]);
  expect((await exp2.send('Voor de herstart', 'e-0')).message).toMatchObject({ seq: 1 });
  for (let i = 1; i <= 5; i++) await exp2.send(`Na de herstart ${i}`, `e-${i}`);
  const vol2 = client(second.url, first.cookies.volunteer, first.escalation);
  // The volunteer's client remembers seq 1 from before the restart.
  vol2.lastSeq = 1;
  const join = await vol2.open();
  expect((join.messages as { seq: number }[]).map((m) => m.seq)).toEqual([2, 3, 4, 5, 6]);
  await sleep(100);
  expect(bodies(vol2)).toEqual(['Na de herstart 1', 'Na de herstart 2', 'Na de herstart 3', 'Na de herstart 4', 'Na de herstart 5']);
  expect(second.deps.db.prepare('SELECT group_concat(seq) FROM chat_messages WHERE escalation_id = ? ORDER BY seq').pluck().get(first.escalation)).toBe('1,2,3,4,5,6');
});

test('internal notes reach only the expert side; the volunteer may not write one', async () => {
  const w = await world();
  const vol = client(w.server.url, w.cookies.volunteer, w.escalation);
  const exp = client(w.server.url, w.cookies.expert, w.escalation);
  await vol.open();
  await exp.open();
  expect(await exp.send('Notitie: bel DigiD-helpdesk', 'n-1', 'note')).toMatchObject({ ok: true, message: { kind: 'note', seq: 1 } });
  expect(await vol.send('Stiekem een notitie', 'v-n', 'note')).toEqual({ ok: false, error: 'forbidden' });
  await exp.send('Gewoon bericht', 'e-2');
  await vol.waitFor(1);
  await exp.waitFor(2);
  await sleep(100);
  expect(vol.wire.map((m) => m.kind)).toEqual(['message']);
  vol.close();
  const rejoin = client(w.server.url, w.cookies.volunteer, w.escalation);
  const join = await rejoin.open();
  expect((join.messages as { kind: string }[]).map((m) => m.kind)).toEqual(['message']);
});

test('typing and read markers reach the other side; unread counts follow the read marker', async () => {
  const w = await world();
  const vol = client(w.server.url, w.cookies.volunteer, w.escalation);
  const exp = client(w.server.url, w.cookies.expert, w.escalation);
  await vol.open();
  await exp.open();
  const typing = new Promise((resolve) => exp.socket.once('chat:typing', resolve));
  expect(await vol.emit('chat:typing', { escalationId: w.escalation, typing: true })).toEqual({ ok: true });
  expect(await typing).toEqual({ escalationId: w.escalation, side: 'volunteer', typing: true });

  await exp.send('Een', 'e-1');
  await exp.send('Twee', 'e-2');
  const volunteerUser = w.server.deps.users.get(w.server.deps.db.prepare(`SELECT id FROM users WHERE email = 'vol-a@bieb.nl'`).pluck().get() as number);
  const asUser = { ...volunteerUser, mustChangePassword: false };
  expect(w.server.deps.chat.unreadCounts(asUser).get(w.escalation)).toBe(2);
  const read = new Promise((resolve) => exp.socket.once('chat:read', resolve));
  // A marker past the end is clamped to the last seq.
  expect(await vol.emit('chat:read', { escalationId: w.escalation, seq: 99 })).toEqual({ ok: true, seq: 2 });
  expect(await read).toEqual({ escalationId: w.escalation, side: 'volunteer', seq: 2 });
  expect(w.server.deps.chat.unreadCounts(asUser).get(w.escalation)).toBeUndefined();
  const rejoin = client(w.server.url, w.cookies.expert, w.escalation);
  expect(await rejoin.open()).toMatchObject({ ok: true, otherReadSeq: 2 });
});

test('a sender gets a friendly rate-limit answer after 30 messages a minute, not a silent drop', async () => {
  const w = await world();
  const vol = client(w.server.url, w.cookies.volunteer, w.escalation);
  await vol.open();
  // The socket layer allows 20 events per 10 s per socket, so the 30 go over two sockets of one person.
  const other = client(w.server.url, w.cookies.volunteer, w.escalation);
  await other.open();
  for (let i = 1; i <= 15; i++) expect((await vol.send(`Bericht ${i}`, `a-${i}`)).ok).toBe(true);
  for (let i = 16; i <= 30; i++) expect((await other.send(`Bericht ${i}`, `a-${i}`)).ok).toBe(true);
  expect(await other.send('Eén te veel', 'a-31')).toEqual({ ok: false, error: 'rate_limited' });
  // A resend of a stored message is not a new message: still answered.
  expect(await vol.send('Bericht 1', 'a-1')).toMatchObject({ ok: true, message: { seq: 1 } });
  expect(w.server.deps.db.prepare('SELECT max(seq) FROM chat_messages WHERE escalation_id = ?').pluck().get(w.escalation)).toBe(30);
});

test('after a transfer the previous expert hears nothing more of the conversation; the new one does', async () => {
  const w = await world();
  const vol = client(w.server.url, w.cookies.volunteer, w.escalation);
  const before = client(w.server.url, w.cookies.expert, w.escalation);
  await vol.open();
  await before.open();
  await vol.send('Voor de overdracht', 'v-1');
  await before.waitFor(1);
  const db = w.server.deps.db;
  db.prepare(`UPDATE escalations SET expert_id = (SELECT id FROM users WHERE email = 'expert-2@bieb.nl') WHERE id = ?`).run(w.escalation);
  const after = client(w.server.url, w.cookies.otherExpert, w.escalation);
  expect(await after.open()).toMatchObject({ ok: true, side: 'expert' });
  await vol.send('Na de overdracht', 'v-2');
  await after.waitFor(2);
  await sleep(150);
  expect(before.wire.map((m) => m.body)).toEqual(['Voor de overdracht']);
  expect(await before.send('Ik ben er nog', 'e-x')).toEqual({ ok: false, error: 'not_found' });
});

test('a volunteer of another branch, or an expert who does not hold it, cannot join, send, type or read', async () => {
  const w = await world();
  for (const cookie of [w.cookies.otherVolunteer, w.cookies.otherExpert]) {
    const outsider = client(w.server.url, cookie, w.escalation, { reconnection: false });
    expect(await outsider.open()).toEqual({ ok: false, error: 'not_found' });
    expect(await outsider.send('Ik lees mee', 'x-1')).toEqual({ ok: false, error: 'not_found' });
    expect(await outsider.emit('chat:typing', { escalationId: w.escalation, typing: true })).toEqual({ ok: false, error: 'not_found' });
    expect(await outsider.emit('chat:read', { escalationId: w.escalation, seq: 1 })).toEqual({ ok: false, error: 'not_found' });
  }
  expect(w.server.deps.db.prepare('SELECT count(*) FROM chat_messages').pluck().get()).toBe(0);
  // And an outsider's socket is in no room of this chat: a message sent now does not reach it.
  const outsider = client(w.server.url, w.cookies.otherVolunteer, w.escalation, { reconnection: false });
  await outsider.open();
  const vol = client(w.server.url, w.cookies.volunteer, w.escalation);
  await vol.open();
  await vol.send('Alleen voor ons', 'v-1');
  await sleep(150);
  expect(outsider.wire).toEqual([]);
});
