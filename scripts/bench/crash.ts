/**
 * npm run bench:crash [-- --cycles 50] — crash proof (issue 12 item 6, SPEC §7 "the process is killed at any
 * moment").
 *
 * Starts the COMPILED server (dist/server/main.js) as a child process on a free port and a temporary data
 * folder with the demo data, drives a concurrent mix of writes through the real routes — citizens booking
 * (the public POST /book), a volunteer registering questions (POST /intake/new), adding devices, lending
 * and taking them back (POST /devices/new, /loans/new, /loans/:id/return), and both sides of a chat: the
 * volunteer through the no-JavaScript form (POST /escalations/:id/messages), the expert through the socket
 * (chat:send with ack), each message with its own clientId, in one escalation the expert holds (put in the
 * database once, before the first start) — and kills the process with SIGKILL after a random 50–800 ms.
 * After every kill it opens the SQLite file read-only and checks that EVERY write the server acknowledged
 * (its success redirect or socket ack arrived before the kill) is there exactly once, that the chat's seq
 * numbers are gap-free (1…n, and escalations.last_seq = n), and that `PRAGMA integrity_check` says ok; then
 * it restarts the server and goes again.
 *
 * Prints cycles, acknowledged writes per kind, lost writes (must be 0), seq gaps (must be 0), integrity
 * failures (must be 0) and the restart time; exits 1 when anything was lost, out of order or corrupt.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { io as connect, type Socket } from 'socket.io-client';
import Database from '../../server/db/driver';
import { BENCH_SECRET, freePort, printTable, request, seededDatabase, Session } from './bench-lib';
import { ROOT_DIR } from '../../server/paths';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const VOLUNTEER = 'volunteer@demo.test';
const EXPERT = 'expert@demo.test';
const PASSWORD = 'demo-demo-demo';
/** Concurrent writers of each kind while the clock to the kill runs. */
const CITIZENS_PER_CYCLE = 8;
const INTAKE_WORKERS = 3;
const LOAN_WORKERS = 3;
/**
 * Chat messages per sender per cycle: below the chat's per-sender limit (30 a minute) and the socket's event
 * limit (20 per 10 s), both kept in the process's memory, so every restart starts afresh. The no-JS form
 * answers a refused message with the same 303 as a stored one (and a flash), so staying under the limit
 * keeps "303" meaning "stored"; were one refused anyway, the check would report it as lost, never hide it.
 */
const CHAT_PER_SENDER = 18;

export type WriteKind = 'booking' | 'question' | 'device' | 'loan' | 'return' | 'volunteer message' | 'expert message';
export const WRITE_KINDS: WriteKind[] = ['booking', 'question', 'device', 'loan', 'return', 'volunteer message', 'expert message'];

/** One acknowledged write and how to find it in the database file. */
export interface Ack {
  kind: WriteKind;
  cycle: number;
  /** The marker the write carried (e-mail, note, asset tag, a chat message's clientId) or the loan id. */
  key: string | number;
}

export interface CrashFigures {
  cycles: number;
  acknowledged: Record<WriteKind, number>;
  totalAcknowledged: number;
  lost: number;
  lostWrites: string[];
  integrityFailures: number;
  /** Escalations whose chat seq numbers were not 1…n with last_seq = n after some kill (must stay empty). */
  seqProblems: string[];
  /** Milliseconds from spawn until /healthz answered, for every restart after a kill. */
  restartMs: number[];
  /** Requests that died with the process (no answer): not acknowledged, not checked. */
  unanswered: number;
  /** Answers that were not a success ("loan 409": how many), not acknowledged, not checked. */
  refused: Record<string, number>;
}

export interface CrashOptions {
  cycles: number;
  log?: (line: string) => void;
  /** A random source, for reproducible runs. */
  random?: () => number;
}

const text = (b: Buffer): string => b.toString('utf8');
const csrfOf = (html: string): string | undefined => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

interface Server {
  child: ChildProcess;
  url: string;
  startupMs: number;
  exited: Promise<void>;
}

function env(databasePath: string, port: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_PATH: databasePath,
    BASE_URL: `http://127.0.0.1:${port}`,
    SESSION_SECRET: BENCH_SECRET,
    MAIL_FROM: 'Dichterbij Crash <crash@localhost>',
    LOG_LEVEL: 'error',
    // Citizens come from many addresses (X-Forwarded-For), so the per-address limits stay on and stay apart.
    TRUST_PROXY: '1',
  };
}

async function start(databasePath: string, port: number): Promise<Server> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [path.join(ROOT_DIR, 'dist', 'server', 'main.js')], { env: env(databasePath, port), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${stderr}`);
    try {
      if ((await request(`${url}/healthz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (i > 600) {
      child.kill('SIGKILL');
      throw new Error(`server did not start within 30 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, url, exited, startupMs: Number(process.hrtime.bigint() - started) / 1e6 };
}

/** A staff member's session (the volunteer unless told), signed in through the real form from its own address. */
async function signIn(base: string, ip: string, email = VOLUNTEER): Promise<Session> {
  const s = new Session(base);
  const headers = { 'x-forwarded-for': ip };
  const token = csrfOf(text((await s.fetch('/login', { headers })).body));
  if (!token) throw new Error('no CSRF token on /login');
  const res = await s.fetch('/login', { method: 'POST', headers: { ...FORM, ...headers }, body: new URLSearchParams({ _csrf: token, email, password: PASSWORD }).toString() });
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  return s;
}

interface Setup {
  branches: number[];
  volunteerBranch: number;
  intakeForm: Record<string, string>;
  /** The escalation the volunteer and the expert chat in (active, held by the expert). */
  escalationId: number;
  /** The expert's session (sessions live in the database, so it survives every kill). */
  expert: Session;
}

function readSetup(databasePath: string): Omit<Setup, 'branches' | 'escalationId' | 'expert'> {
  const db = new Database(databasePath, { readonly: true });
  try {
    const volunteerBranch = db
      .prepare('SELECT ub.branch_id FROM user_branches ub JOIN users u ON u.id = ub.user_id WHERE u.email = ? ORDER BY ub.branch_id LIMIT 1')
      .pluck()
      .get(VOLUNTEER) as number;
    const id = (kind: string, key: string): string => String(db.prepare('SELECT id FROM taxonomy WHERE kind = ? AND key = ? AND parent_id IS NULL').pluck().get(kind, key));
    const intakeForm = {
      branch: String(volunteerBranch),
      visit: '',
      channel: id('channel', 'desk'),
      appointment: '',
      walkin: '',
      type: id('question_type', 'digital_government'),
      organisation: id('organisation', 'digid'),
      topic: '',
      life_event: '',
      help: id('help', 'together'),
      partner: '',
      duration: id('duration', 'm15_30'),
      outcome: id('outcome', 'solved'),
      then: 'done',
    };
    return { volunteerBranch, intakeForm };
  } finally {
    db.close();
  }
}

/**
 * One escalation of the volunteer's branch, accepted by the demo expert, straight into the database before the
 * server first starts (the lifecycle has its own tests; this harness is about the messages).
 */
function addChatEscalation(databasePath: string, branchId: number): number {
  const db = new Database(databasePath);
  try {
    const now = new Date().toISOString();
    const day = now.slice(0, 10);
    const user = (email: string): number => db.prepare('SELECT id FROM users WHERE email = ?').pluck().get(email) as number;
    const tax = (kind: string, key: string): number => db.prepare('SELECT id FROM taxonomy WHERE kind = ? AND key = ? AND parent_id IS NULL').pluck().get(kind, key) as number;
    return db.transaction(() => {
      const visit = db.prepare('INSERT INTO visits (branch_id, channel_id, started_at, local_date, created_at) VALUES (?, ?, ?, ?, ?)').run(branchId, tax('channel', 'desk'), now, day, now).lastInsertRowid;
      const question = db
        .prepare(
          `INSERT INTO questions (visit_id, branch_id, channel_id, local_date, local_month, type_id, organisation_id, help_id, duration_id, outcome_id, source, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'form', ?, ?)`,
        )
        .run(visit, branchId, tax('channel', 'desk'), day, day.slice(0, 7), tax('question_type', 'digital_government'), tax('organisation', 'digid'), tax('help', 'together'), tax('duration', 'm15_30'), tax('outcome', 'solved'), now, now).lastInsertRowid;
      return Number(
        db
          .prepare(
            `INSERT INTO escalations (branch_id, question_id, type_id, organisation_id, description, status, created_by, expert_id, created_at, accepted_at)
             VALUES (?, ?, ?, ?, 'Crash harness', 'active', ?, ?, ?, ?)`,
          )
          .run(branchId, question, tax('question_type', 'digital_government'), tax('organisation', 'digid'), user(VOLUNTEER), user(EXPERT), now, now).lastInsertRowid,
      );
    })();
  } finally {
    db.close();
  }
}

/** Free times of a branch (the first page of the time step), as a citizen sees them. */
async function freeTimes(base: string, branch: number): Promise<string[]> {
  const page = text((await new Session(base).fetch(`/book/time?branch=${branch}&topic=digid`)).body);
  return [...new Set([...page.matchAll(/name="start" value="([^"]+)"/g)].map((m) => m[1]))];
}

interface Citizen {
  session: Session;
  ip: string;
  email: string;
  body: string;
}

/** Steps 4 and 5 of booking for one citizen, up to (not including) the confirming POST. */
async function prepareCitizen(base: string, branch: number, start: string, email: string, ip: string): Promise<Citizen | null> {
  const session = new Session(base);
  const headers = { 'x-forwarded-for': ip };
  const url = `/book/details?branch=${branch}&topic=digid&start=${encodeURIComponent(start)}`;
  const token = csrfOf(text((await session.fetch(url, { headers })).body));
  if (!token) return null;
  const details = new URLSearchParams({ _csrf: token, name: 'Crash Test', email, phone: '', language: 'nl' }).toString();
  if ((await session.fetch(url, { method: 'POST', headers: { ...FORM, ...headers }, body: details })).status !== 303) return null;
  const check = text((await session.fetch('/book/check', { headers })).body);
  const key = /name="key" value="([^"]+)"/.exec(check)?.[1];
  const confirmToken = csrfOf(check);
  if (!key || !confirmToken) return null;
  return { session, ip, email, body: new URLSearchParams({ _csrf: confirmToken, key, consent: 'on', website: '' }).toString() };
}

/** Checks every acknowledged write against the database file (read-only) and runs the integrity check. */
export function verify(databasePath: string, acks: Ack[]): { lost: string[]; seqProblems: string[]; integrity: string } {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
    const present: Record<WriteKind, (key: string | number) => boolean> = {
      booking: (k) => db.prepare('SELECT count(*) FROM appointments WHERE email = ?').pluck().get(k) === 1,
      question: (k) => db.prepare('SELECT count(*) FROM questions WHERE note = ?').pluck().get(k) === 1,
      device: (k) => db.prepare('SELECT count(*) FROM devices WHERE asset_tag = ?').pluck().get(k) === 1,
      loan: (k) => db.prepare('SELECT count(*) FROM loans WHERE id = ?').pluck().get(k) === 1,
      return: (k) => db.prepare('SELECT count(*) FROM loans WHERE id = ? AND returned_at IS NOT NULL').pluck().get(k) === 1,
      'volunteer message': (k) => chatMessageCount(VOLUNTEER, k) === 1,
      'expert message': (k) => chatMessageCount(EXPERT, k) === 1,
    };
    function chatMessageCount(sender: string, clientId: string | number): number {
      return db
        .prepare('SELECT count(*) FROM chat_messages m JOIN users u ON u.id = m.sender_id WHERE u.email = ? AND m.client_id = ?')
        .pluck()
        .get(sender, String(clientId)) as number;
    }
    const lost = acks.filter((a) => !present[a.kind](a.key)).map((a) => `cycle ${a.cycle} ${a.kind} ${a.key}`);
    // Gap-free: an escalation's messages are numbered 1…n with no number twice, and last_seq is n.
    const seqProblems = (
      db
        .prepare(
          `SELECT e.id, e.last_seq, count(m.id) AS n, count(DISTINCT m.seq) AS distinct_seq, coalesce(min(m.seq), 0) AS lo, coalesce(max(m.seq), 0) AS hi
           FROM escalations e LEFT JOIN chat_messages m ON m.escalation_id = e.id GROUP BY e.id`,
        )
        .all() as { id: number; last_seq: number; n: number; distinct_seq: number; lo: number; hi: number }[]
    )
      .filter((r) => r.distinct_seq !== r.n || r.hi !== r.n || r.last_seq !== r.n || (r.n > 0 && r.lo !== 1))
      .map((r) => `escalation ${r.id}: ${r.n} messages, seq ${r.lo}…${r.hi}, last_seq ${r.last_seq}`);
    return { lost, seqProblems, integrity };
  } finally {
    db.close();
  }
}

/**
 * One cycle: start (or restart) the server, prepare citizens, then let every writer run until the kill.
 * Acks are recorded the moment the success answer arrives, so an answer that arrives is always counted.
 */
async function cycle(n: number, databasePath: string, port: number, setup: Setup, random: () => number, acks: Ack[], counters: { unanswered: number; refused: Record<string, number> }): Promise<number> {
  const server = await start(databasePath, port);
  const base = server.url;
  const ipBase = `10.${Math.floor(n / 250)}.${n % 250}`;
  let killed = false;
  const guard = async (fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch {
      // The process died under the request (ECONNRESET/refused): not acknowledged.
      counters.unanswered++;
    }
  };

  // Before the clock to the kill starts: a signed-in volunteer and citizens one step before booking.
  const staff = await signIn(base, `${ipBase}.1`);
  const citizens: Citizen[] = [];
  const branch = setup.branches[n % setup.branches.length];
  const times = await freeTimes(base, branch);
  for (let i = 0; i < Math.min(CITIZENS_PER_CYCLE, times.length); i++) {
    const c = await prepareCitizen(base, branch, times[i], `crash-c${n}-b${i}@example.test`, `${ipBase}.${10 + i}`);
    if (c) citizens.push(c);
  }
  const staffToken = csrfOf(text((await staff.fetch(`/intake/new?branch=${setup.volunteerBranch}`)).body));
  if (!staffToken) throw new Error('no intake form');
  const staffHeaders = { ...FORM, 'x-forwarded-for': `${ipBase}.1` };
  const post = (s: Session, pathname: string, form: Record<string, string>): ReturnType<Session['fetch']> =>
    s.fetch(pathname, { method: 'POST', headers: staffHeaders, body: new URLSearchParams({ _csrf: staffToken, ...form }).toString() });

  const refused = (kind: WriteKind, status: number, detail: string): void => {
    const key = `${kind} ${status}`;
    counters.refused[key] = (counters.refused[key] ?? 0) + 1;
    if (process.env.CRASH_DEBUG) console.error(key, detail.replace(/\s+/g, ' ').match(/class="error[^<]*<[^>]*>[^<]*/g) ?? detail.slice(0, 300));
  };
  const book = (c: Citizen): Promise<void> =>
    guard(async () => {
      const res = await c.session.fetch('/book', { method: 'POST', headers: { ...FORM, 'x-forwarded-for': c.ip }, body: c.body });
      if (res.status === 303 && /^\/appointments\/[^/]+\?booked=1$/.test(String(res.headers.location))) acks.push({ kind: 'booking', cycle: n, key: c.email });
      else refused('booking', res.status, String(res.headers.location ?? ''));
    });

  const intakeWorker = (w: number): Promise<void> =>
    guard(async () => {
      for (let q = 0; !killed; q++) {
        const note = `crash c${n} w${w} q${q}`;
        const res = await post(staff, '/intake/new', { ...setup.intakeForm, note });
        if (res.status === 303 && String(res.headers.location).startsWith('/intake')) acks.push({ kind: 'question', cycle: n, key: note });
        else refused('question', res.status, text(res.body).slice(0, 2000));
      }
    });

  /** Adds a device and lends it; the loan id, or null when either step was not acknowledged. */
  const addAndLend = async (tag: string): Promise<number | null> => {
    const made = await post(staff, '/devices/new', { branch: String(setup.volunteerBranch), type: 'laptop', asset_tag: tag, serial: '', make_model: 'Crash', kit: 'lader', notes: '' });
    if (!(made.status === 303 && /^\/devices\/\d+$/.test(String(made.headers.location)))) {
      refused('device', made.status, text(made.body));
      return null;
    }
    acks.push({ kind: 'device', cycle: n, key: tag });
    const lent = await post(staff, '/loans/new', {
      branch: String(setup.volunteerBranch),
      tag,
      name: `Lener ${tag}`,
      contact: `${tag.toLowerCase()}@example.test`,
      library_card: '',
      due_date: '',
      kit: 'lader',
      agreement: 'on',
      deposit: '',
    });
    const loanId = /^\/loans\/(\d+)$/.exec(String(lent.headers.location))?.[1];
    if (lent.status !== 303 || !loanId) {
      refused('loan', lent.status, text(lent.body));
      return null;
    }
    acks.push({ kind: 'loan', cycle: n, key: Number(loanId) });
    return Number(loanId);
  };

  // Each loan worker starts the window with a device on loan (lent before the clock started), so the
  // returns happen under the kill too: return, add a device, lend it, return it, …
  const lentBefore: (number | null)[] = [];
  for (let w = 0; w < LOAN_WORKERS; w++) lentBefore.push(await addAndLend(`CRASH-C${n}-W${w}-D0`));
  const loanWorker = (w: number): Promise<void> =>
    guard(async () => {
      let current = lentBefore[w];
      for (let d = 1; !killed; d++) {
        if (current !== null) {
          const back = await post(staff, `/loans/${current}/return`, { kit: 'lader', condition: 'fine', condition_note: '' });
          if (back.status === 303) acks.push({ kind: 'return', cycle: n, key: current });
          else refused('return', back.status, text(back.body));
        }
        current = await addAndLend(`CRASH-C${n}-W${w}-D${d}`);
      }
    });

  // The chat: the volunteer posts through the no-JS form (303 back to the conversation = stored), the expert
  // through a socket opened before the clock starts (an ack with ok = stored). A socket cut by the kill
  // rejects what is still waiting, so nothing unanswered counts.
  const chatPath = `/escalations/${setup.escalationId}/messages`;
  const volunteerChat = (): Promise<void> =>
    guard(async () => {
      for (let m = 0; m < CHAT_PER_SENDER && !killed; m++) {
        const clientId = `crash-c${n}-v${m}`;
        const res = await post(staff, chatPath, { body: `Bericht ${m} van de vrijwilliger (cyclus ${n})`, clientId, kind: '' });
        if (res.status === 303 && String(res.headers.location) === `/escalations/${setup.escalationId}#chat`) acks.push({ kind: 'volunteer message', cycle: n, key: clientId });
        else refused('volunteer message', res.status, text(res.body));
      }
    });
  const socket: Socket = connect(base, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: setup.expert.cookieHeader() });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const cut = new Promise<never>((_, reject) => socket.once('disconnect', () => reject(new Error('socket cut'))));
  cut.catch(() => undefined);
  const expertChat = (): Promise<void> =>
    guard(async () => {
      for (let m = 0; m < CHAT_PER_SENDER && !killed; m++) {
        const clientId = `crash-c${n}-e${m}`;
        const sent = socket.emitWithAck('chat:send', { escalationId: setup.escalationId, clientId, body: `Antwoord ${m} van de expert (cyclus ${n})` }) as Promise<{ ok: boolean; error?: string }>;
        const ack = await Promise.race([sent, cut]);
        if (ack.ok) acks.push({ kind: 'expert message', cycle: n, key: clientId });
        else refused('expert message', 0, ack.error ?? '');
      }
    });

  const delay = 50 + Math.floor(random() * 751);
  const work = Promise.all([
    volunteerChat(),
    expertChat(),
    // Citizens press "book" spread over the first part of the window, so some land right at the kill.
    ...citizens.map((c, i) => new Promise<void>((r) => setTimeout(r, (i * delay) / citizens.length)).then(() => book(c))),
    ...Array.from({ length: INTAKE_WORKERS }, (_, w) => intakeWorker(w)),
    ...Array.from({ length: LOAN_WORKERS }, (_, w) => loanWorker(w)),
  ]);
  await new Promise((r) => setTimeout(r, delay));
  killed = true;
  server.child.kill('SIGKILL');
  await server.exited;
  await work;
  socket.close();
  return server.startupMs;
}

export async function runCrashHarness(options: CrashOptions): Promise<CrashFigures> {
  const log = options.log ?? ((line: string): void => console.log(line));
  const random = options.random ?? Math.random;
  const databasePath = await seededDatabase();
  const port = await freePort();
  const setup0 = readSetup(databasePath);
  const escalationId = addChatEscalation(databasePath, setup0.volunteerBranch);
  const probe = await start(databasePath, port);
  const branches = [...text((await new Session(probe.url).fetch('/book')).body).matchAll(/name="branch" value="(\d+)"/g)].map((m) => Number(m[1]));
  const expert = await signIn(probe.url, '10.255.0.2', EXPERT);
  probe.child.kill('SIGTERM');
  await probe.exited;
  const setup: Setup = { ...setup0, branches, escalationId, expert };

  const acks: Ack[] = [];
  const counters = { unanswered: 0, refused: {} as Record<string, number> };
  const restartMs: number[] = [];
  const lostWrites: string[] = [];
  const seqProblems: string[] = [];
  let integrityFailures = 0;
  for (let n = 1; n <= options.cycles; n++) {
    const startup = await cycle(n, databasePath, port, setup, random, acks, counters);
    if (n > 1) restartMs.push(startup);
    const checked = verify(databasePath, acks);
    if (checked.integrity !== 'ok') integrityFailures++;
    for (const l of checked.lost) if (!lostWrites.includes(l)) lostWrites.push(l);
    for (const p of checked.seqProblems) seqProblems.push(`after cycle ${n}: ${p}`);
    log(`cycle ${n}/${options.cycles}: ${acks.filter((a) => a.cycle === n).length} acknowledged, lost so far ${lostWrites.length}, seq gaps ${checked.seqProblems.length}, integrity ${checked.integrity}`);
  }
  // A last start after the final kill: the server must come up on whatever the kill left.
  const last = await start(databasePath, port);
  restartMs.push(last.startupMs);
  last.child.kill('SIGTERM');
  await last.exited;
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(databasePath + suffix, { force: true });

  const acknowledged = Object.fromEntries(WRITE_KINDS.map((k) => [k, acks.filter((a) => a.kind === k).length])) as Record<WriteKind, number>;
  return {
    cycles: options.cycles,
    acknowledged,
    totalAcknowledged: acks.length,
    lost: lostWrites.length,
    lostWrites,
    integrityFailures,
    seqProblems,
    restartMs,
    unanswered: counters.unanswered,
    refused: counters.refused,
  };
}

function cyclesFromArgs(argv: string[]): number {
  const i = argv.indexOf('--cycles');
  const raw = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--cycles='))?.slice('--cycles='.length);
  const n = raw === undefined ? 50 : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--cycles wants a positive whole number, got ${raw}`);
  return n;
}

async function main(): Promise<void> {
  const cycles = cyclesFromArgs(process.argv.slice(2));
  const f = await runCrashHarness({ cycles });
  const sorted = [...f.restartMs].sort((a, b) => a - b);
  const pct = (p: number): string => `${sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(0)} ms`;
  console.log('');
  printTable(
    ['cycles', ...WRITE_KINDS.map((k) => `acked ${k}`), 'acked total', 'lost', 'seq gaps', 'integrity failures', 'restart p50', 'restart max'],
    [[String(f.cycles), ...WRITE_KINDS.map((k) => String(f.acknowledged[k])), String(f.totalAcknowledged), String(f.lost), String(f.seqProblems.length), String(f.integrityFailures), pct(50), pct(100)]],
  );
  console.log(`requests cut off by a kill (not counted): ${f.unanswered}`);
  const refusals = Object.entries(f.refused).map(([k, v]) => `${k}×${v}`);
  console.log(`answers that were not a success (not counted): ${refusals.length ? refusals.join(', ') : 'none'}`);
  for (const l of f.lostWrites) console.log(`LOST: ${l}`);
  for (const p of f.seqProblems) console.log(`SEQ: ${p}`);
  if (f.lost > 0 || f.seqProblems.length > 0 || f.integrityFailures > 0) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
