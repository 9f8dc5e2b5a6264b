/**
 * npm run bench:chat — message delivery of the escalation chat under load.
 *
 * Starts the compiled server (production mode, demo data) in its own process, adds CONVERSATIONS active
 * escalations of the demo volunteer's branch between volunteers and experts who each hold PER_PERSON of them
 * (as a person with a few tabs open; few enough messages per sender that the per-sender rate limit is not
 * what is measured), signs each person in once over HTTP and connects one socket.io client per person and
 * conversation (2 × CONVERSATIONS sockets), each joined to its conversation with chat:join.
 * Then MESSAGES messages are sent, spread evenly at RATE per second over random conversations, alternating
 * sides. For every message it measures the time from chat:send to the chat:message event at the other side,
 * and the time to the sender's ack (stored, fsync'd, acknowledged); prints median, p99 and max against the
 * budget (p99 ≤ 50 ms), and the server's resident memory per connection.
 *
 * Settings: BENCH_CONVERSATIONS (250), BENCH_MESSAGES (1000), BENCH_RATE (25 per second: in 250 live chats
 * each side typing a line every 20 s; raise it to find the knee). Every message is one fsync'd commit
 * (synchronous = FULL, server/db/open.ts), so on a slow or busy disk the fsync time sets the ceiling.
 */
import fs from 'node:fs';
import Database from '../../server/db/driver';
import { io as connect, type Socket } from 'socket.io-client';
import { Session, freePort, printTable, productionEnv, seededDatabase, startCompiledServer } from './bench-lib';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 250);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 25);
const BUDGET_P99_MS = 50;
const PASSWORD = 'demo-demo-demo';
/** Conversations per volunteer and per expert: sign-ins are argon2 hashes, slow on purpose, so fewer people. */
const PER_PERSON = 5;

interface Conversation {
  escalationId: number;
  volunteer: string;
  expert: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

async function inBatches<T>(count: number, batch: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += batch) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => fn(i + j)))));
  }
  return out;
}

/** Resident memory of a process in KB (Linux /proc). */
function rssKb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
}

/**
 * People and escalations straight into the seeded database before the server starts (the lifecycle is not
 * what this measures). Every account gets the demo password's hash, so they sign in through the real form.
 */
function prepareConversations(databasePath: string): Conversation[] {
  const db = new Database(databasePath);
  const now = new Date().toISOString();
  const day = now.slice(0, 10);
  const demo = db.prepare(`SELECT id, password_hash FROM users WHERE email = 'volunteer@demo.test'`).get() as { id: number; password_hash: string };
  const branchId = db.prepare('SELECT branch_id FROM user_branches WHERE user_id = ? ORDER BY branch_id LIMIT 1').pluck().get(demo.id) as number;
  const tax = (kind: string, key: string): number => db.prepare('SELECT id FROM taxonomy WHERE kind = ? AND key = ?').pluck().get(kind, key) as number;
  const ids = {
    channel: tax('channel', 'desk'),
    type: tax('question_type', 'digital_government'),
    organisation: tax('organisation', 'digid'),
    help: tax('help', 'together'),
    duration: tax('duration', 'm15_30'),
    outcome: tax('outcome', 'solved'),
  };
  const addUser = db.prepare(`INSERT INTO users (email, name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`);
  const addBranch = db.prepare('INSERT INTO user_branches (user_id, branch_id) VALUES (?, ?)');
  const addVisit = db.prepare('INSERT INTO visits (branch_id, channel_id, started_at, local_date, created_at) VALUES (?, ?, ?, ?, ?)');
  const addQuestion = db.prepare(
    `INSERT INTO questions (visit_id, branch_id, channel_id, local_date, local_month, type_id, organisation_id, help_id, duration_id, outcome_id, source, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'form', ?, ?)`,
  );
  const addEscalation = db.prepare(
    `INSERT INTO escalations (branch_id, question_id, type_id, organisation_id, description, status, expert_id, created_at, accepted_at)
     VALUES (?, ?, ?, ?, 'Bench', 'active', ?, ?, ?)`,
  );
  const conversations = db.transaction(() =>
    Array.from({ length: CONVERSATIONS }, (_, i): Conversation => {
      const p = Math.floor(i / PER_PERSON);
      const volunteer = `bench-vol-${p}@bench.test`;
      const expert = `bench-exp-${p}@bench.test`;
      if (i % PER_PERSON === 0) {
        const volunteerId = Number(addUser.run(volunteer, `Vrijwilliger ${p}`, 'volunteer', demo.password_hash, now, now).lastInsertRowid);
        addBranch.run(volunteerId, branchId);
        addUser.run(expert, `Expert ${p}`, 'expert', demo.password_hash, now, now);
      }
      const expertId = db.prepare('SELECT id FROM users WHERE email = ?').pluck().get(expert) as number;
      const visit = addVisit.run(branchId, ids.channel, now, day, now).lastInsertRowid;
      const question = addQuestion.run(visit, branchId, ids.channel, day, day.slice(0, 7), ids.type, ids.organisation, ids.help, ids.duration, ids.outcome, now, now).lastInsertRowid;
      const escalationId = Number(addEscalation.run(branchId, question, ids.type, ids.organisation, expertId, now, now).lastInsertRowid);
      return { escalationId, volunteer, expert };
    }),
  )();
  db.close();
  return conversations;
}

function row(name: string, values: number[]): string[] {
  const sorted = [...values].sort((a, b) => a - b);
  return [name, String(values.length), percentile(sorted, 50).toFixed(1), percentile(sorted, 99).toFixed(1), (sorted[sorted.length - 1] ?? NaN).toFixed(1)];
}

async function main(): Promise<void> {
  const databasePath = await seededDatabase();
  const conversations = prepareConversations(databasePath);
  const port = await freePort();
  const server = await startCompiledServer(productionEnv(databasePath, port));
  const pid = server.child.pid!;
  const sockets: Socket[] = [];
  try {
    const people = conversations.flatMap((c) => [
      { email: c.volunteer, escalationId: c.escalationId },
      { email: c.expert, escalationId: c.escalationId },
    ]);
    const emails = [...new Set(people.map((p) => p.email))];
    console.log(`Signing in ${emails.length} people for ${people.length} sockets…`);
    const signInStart = performance.now();
    const byEmail = new Map<string, Session>();
    await inBatches(emails.length, 4, async (i) => {
      const s = new Session(server.url);
      await s.signIn(emails[i], PASSWORD);
      byEmail.set(emails[i], s);
    });
    const sessions = people.map((p) => byEmail.get(p.email)!);
    console.log(`signed in in ${((performance.now() - signInStart) / 1000).toFixed(1)} s`);
    await new Promise((r) => setTimeout(r, 500));
    const rssBefore = rssKb(pid);

    // sentAt[body] when chat:send left; delivered[body] when the other side's chat:message arrived.
    const sentAt = new Map<string, number>();
    const delivery: number[] = [];
    const ackTimes: number[] = [];
    let refused = 0;
    let timedOut = 0;
    await inBatches(people.length, 50, async (i) => {
      const socket = connect(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: sessions[i].cookieHeader() });
      sockets[i] = socket;
      const own = i % 2 === 0 ? 'volunteer' : 'expert';
      socket.on('chat:message', (m: { body: string; senderRole: string; escalationId: number }) => {
        // A person's sockets share the user: channel, but chat lines go to the one conversation's room.
        if (m.senderRole === own || m.escalationId !== people[i].escalationId) return;
        const at = sentAt.get(m.body);
        if (at !== undefined) delivery.push(performance.now() - at);
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const ack = (await socket.timeout(10_000).emitWithAck('chat:join', { escalationId: people[i].escalationId, afterSeq: 0 })) as { ok: boolean };
      if (!ack.ok) throw new Error(`chat:join refused for ${people[i].email}`);
    });
    await new Promise((r) => setTimeout(r, 1000));
    const rssConnected = rssKb(pid);
    console.log(`${sockets.length} sockets connected in ${conversations.length} conversations; sending ${MESSAGES} messages at ${RATE}/s…`);

    const gap = 1000 / RATE;
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let n = 0; n < MESSAGES; n++) {
      const wait = started + n * gap - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const c = Math.floor(Math.random() * conversations.length);
      const socket = sockets[c * 2 + (n % 2)];
      const body = `m${n}`;
      const t0 = performance.now();
      sentAt.set(body, t0);
      inFlight.push(
        (socket.timeout(10_000).emitWithAck('chat:send', { escalationId: conversations[c].escalationId, clientId: `bench-${n}`, body }) as Promise<{ ok: boolean }>).then(
          (ack) => {
            if (ack.ok) ackTimes.push(performance.now() - t0);
            else refused++;
          },
          () => {
            timedOut++;
          },
        ),
      );
    }
    await Promise.all(inFlight);
    const deadline = performance.now() + 3000;
    while (delivery.length < MESSAGES - refused && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const seconds = (performance.now() - started) / 1000;
    const rssAfter = rssKb(pid);

    console.log('');
    printTable(['ms', 'count', 'median', 'p99', 'max'], [row('delivery (send → other side)', delivery), row('ack (stored → sender)', ackTimes)]);
    console.log('');
    console.log(`messages: ${MESSAGES} in ${seconds.toFixed(1)} s; refused ${refused}; ack timed out ${timedOut}; not delivered ${MESSAGES - refused - delivery.length}`);
    console.log(
      `server RSS: ${(rssBefore / 1024).toFixed(1)} MB before sockets, ${(rssConnected / 1024).toFixed(1)} MB with ${sockets.length} sockets ` +
        `(${((rssConnected - rssBefore) / sockets.length).toFixed(1)} KB per connection), ${(rssAfter / 1024).toFixed(1)} MB after the messages`,
    );
    const p99 = percentile([...delivery].sort((a, b) => a - b), 99);
    const ok = p99 <= BUDGET_P99_MS && refused === 0 && timedOut === 0 && delivery.length === MESSAGES;
    console.log(`${ok ? 'OK' : 'OVER BUDGET'}: p99 delivery ${p99.toFixed(1)} ms (budget ${BUDGET_P99_MS} ms)`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    for (const s of sockets) s?.disconnect();
    await server.stop();
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
