/**
 * npm run bench:mixed [-- --seconds 60 --locations 20] — mixed load and capacity (issue 12 item 9).
 *
 * Starts the COMPILED server (dist/server/main.js, production mode) on a temporary data folder with the demo
 * data plus LOCATIONS bench locations (copies of the demo's central branch with its opening hours, each with
 * its own volunteer account) and LOCATIONS / 5 experts, each holding the live chats of five locations. Then it
 * runs, for a fixed time, what every location does in a busy hour, at the same time for all locations:
 *
 *   - citizens booking: the whole booking path (GET /book, /book/time, /book/details, POST /book/details,
 *     GET /book/check, POST /book, GET the confirmation page), each citizen from their own address; the
 *     confirming POST /book (BEGIN IMMEDIATE, capacity check, audit, outbox mail, fsync) is its own kind;
 *   - the location's volunteer registering questions (POST /intake/new);
 *   - DESKS live desk sockets per location (the volunteer's session, as desk-live.js), which receive the
 *     booking's `appointment.updated` and the question's `intake:registered`;
 *   - CHATS live chats per location (escalations accepted by an expert), lines both ways over socket.io
 *     (chat:send acknowledged when stored; timed until the other side's chat:message).
 *
 * Every kind is paced evenly per location (a random phase each), one at a time per location, so a server that
 * falls behind shows as latency and fewer requests done, never as piled-up parallel load. Prints per kind:
 * done, per second, p50, p99, max, errors; the server's RSS (start, peak, end) and CPU time, and the number of
 * locations one core would carry at these rates. Exits 1 when there was any error.
 *
 * Options (per location, per hour, of a busy IDO location in its busiest hour):
 *   --seconds 60  --locations 20  --desks 2  --chats 1
 *   --bookings 6  (online bookings per hour)  --questions 12  (registered questions per hour)
 *   --chat-lines 120  (lines per hour in each live chat, both sides together: one every 30 s)
 */
import fs from 'node:fs';
import Database from '../../server/db/driver';
import { io as connect, type Socket } from 'socket.io-client';
import { cpuMs, freePort, printTable, productionEnv, seededDatabase, Session, startCompiledServer } from './bench-lib';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const PASSWORD = 'demo-demo-demo';
const CHATS_PER_EXPERT = 5;

export interface MixedOptions {
  seconds: number;
  locations: number;
  desks: number;
  chats: number;
  bookings: number;
  questions: number;
  chatLines: number;
}

const DEFAULTS: MixedOptions = { seconds: 60, locations: 20, desks: 2, chats: 1, bookings: 6, questions: 12, chatLines: 120 };

export function parseOptions(argv: string[]): MixedOptions {
  const out = { ...DEFAULTS };
  const names: Record<string, keyof MixedOptions> = {
    seconds: 'seconds',
    locations: 'locations',
    desks: 'desks',
    chats: 'chats',
    bookings: 'bookings',
    questions: 'questions',
    'chat-lines': 'chatLines',
  };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    const key = m ? names[m[1]] : undefined;
    if (!m || !key) throw new Error(`unknown option ${argv[i]}`);
    const raw = m[2] ?? argv[++i];
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0 || (key !== 'bookings' && key !== 'questions' && key !== 'chatLines' && key !== 'chats' && n < 1)) {
      throw new Error(`--${m[1]} wants a number, got ${raw}`);
    }
    out[key] = n;
  }
  return out;
}

type Kind = 'booking steps (GET, POST details)' | 'booking POST /book' | 'question POST /intake/new' | 'desk update (POST → desk socket)' | 'chat line (send → other side)' | 'chat ack (stored)';
const KINDS: Kind[] = ['booking steps (GET, POST details)', 'booking POST /book', 'question POST /intake/new', 'desk update (POST → desk socket)', 'chat line (send → other side)', 'chat ack (stored)'];

interface Location {
  branchId: number;
  volunteer: string;
  session?: Session;
  csrf?: string;
  /** When the location's current write started, so its desk sockets can time the update. */
  pendingIntake?: number;
  pendingBooking?: number;
}

interface Chat {
  escalationId: number;
  location: number;
  expert: string;
  sockets?: [Socket, Socket];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))];
}

function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

async function inBatches<T>(count: number, batch: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += batch) out.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, (_, j) => fn(i + j)))));
  return out;
}

const text = (b: Buffer): string => b.toString('utf8');
const csrfOf = (html: string): string | undefined => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/**
 * The bench's own setup, straight into the seeded database before the server starts: LOCATIONS copies of the
 * central branch (every column but id and name, with its opening hours), one volunteer per location, experts,
 * and the live chats as escalations already accepted by their expert. Accounts get the demo password's hash.
 */
function prepare(databasePath: string, o: MixedOptions): { locations: Location[]; chats: Chat[]; intakeForm: Record<string, string> } {
  const db = new Database(databasePath);
  try {
    const now = new Date().toISOString();
    const day = now.slice(0, 10);
    const demo = db.prepare(`SELECT id, password_hash FROM users WHERE email = 'volunteer@demo.test'`).get() as { id: number; password_hash: string };
    const template = db.prepare('SELECT branch_id FROM user_branches WHERE user_id = ? ORDER BY branch_id LIMIT 1').pluck().get(demo.id) as number;
    const columns = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('branches') as string[]).filter((c) => c !== 'id' && c !== 'name');
    const copyBranch = db.prepare(`INSERT INTO branches (name, ${columns.join(', ')}) SELECT ?, ${columns.join(', ')} FROM branches WHERE id = ?`);
    const copyHours = db.prepare('INSERT INTO opening_hours (branch_id, weekday, opens, closes) SELECT ?, weekday, opens, closes FROM opening_hours WHERE branch_id = ?');
    const tax = (kind: string, key: string): number => db.prepare('SELECT id FROM taxonomy WHERE kind = ? AND key = ? AND parent_id IS NULL').pluck().get(kind, key) as number;
    const ids = {
      channel: tax('channel', 'desk'),
      type: tax('question_type', 'digital_government'),
      organisation: tax('organisation', 'digid'),
      help: tax('help', 'together'),
      duration: tax('duration', 'm15_30'),
      outcome: tax('outcome', 'solved'),
    };
    const addUser = db.prepare('INSERT INTO users (email, name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
    const addUserBranch = db.prepare('INSERT INTO user_branches (user_id, branch_id) VALUES (?, ?)');
    const addVisit = db.prepare('INSERT INTO visits (branch_id, channel_id, started_at, local_date, created_at) VALUES (?, ?, ?, ?, ?)');
    const addQuestion = db.prepare(
      `INSERT INTO questions (visit_id, branch_id, channel_id, local_date, local_month, type_id, organisation_id, help_id, duration_id, outcome_id, source, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'form', ?, ?)`,
    );
    const addEscalation = db.prepare(
      `INSERT INTO escalations (branch_id, question_id, type_id, organisation_id, description, status, expert_id, created_at, accepted_at)
       VALUES (?, ?, ?, ?, 'Bench', 'active', ?, ?, ?)`,
    );
    return db.transaction(() => {
      const locations: Location[] = [];
      for (let l = 0; l < o.locations; l++) {
        const branchId = Number(copyBranch.run(`Bench locatie ${l + 1}`, template).lastInsertRowid);
        copyHours.run(branchId, template);
        const volunteer = `bench-loc-${l + 1}@bench.test`;
        const userId = Number(addUser.run(volunteer, `Vrijwilliger ${l + 1}`, 'volunteer', demo.password_hash, now, now).lastInsertRowid);
        addUserBranch.run(userId, branchId);
        locations.push({ branchId, volunteer });
      }
      const chats: Chat[] = [];
      const experts: number[] = [];
      for (let l = 0; l < o.locations; l++) {
        for (let c = 0; c < o.chats; c++) {
          const n = chats.length;
          const e = Math.floor(n / CHATS_PER_EXPERT);
          const expert = `bench-expert-${e + 1}@bench.test`;
          if (n % CHATS_PER_EXPERT === 0) experts.push(Number(addUser.run(expert, `Expert ${e + 1}`, 'expert', demo.password_hash, now, now).lastInsertRowid));
          const { branchId } = locations[l];
          const visit = addVisit.run(branchId, ids.channel, now, day, now).lastInsertRowid;
          const question = addQuestion.run(visit, branchId, ids.channel, day, day.slice(0, 7), ids.type, ids.organisation, ids.help, ids.duration, ids.outcome, now, now).lastInsertRowid;
          const escalationId = Number(addEscalation.run(branchId, question, ids.type, ids.organisation, experts[e], now, now).lastInsertRowid);
          chats.push({ escalationId, location: l, expert });
        }
      }
      const intakeForm = {
        visit: '',
        channel: String(ids.channel),
        appointment: '',
        walkin: '',
        type: String(ids.type),
        organisation: String(ids.organisation),
        topic: '',
        life_event: '',
        help: String(ids.help),
        partner: '',
        duration: String(ids.duration),
        outcome: String(ids.outcome),
        then: 'done',
      };
      return { locations, chats, intakeForm };
    })();
  } finally {
    db.close();
  }
}

async function socketFor(url: string, session: Session): Promise<Socket> {
  const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: session.cookieHeader() });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

export interface MixedFigures {
  options: MixedOptions;
  seconds: number;
  rows: { kind: Kind; done: number; perSecond: number; p50: number; p99: number; max: number; errors: number }[];
  errors: number;
  errorDetails: Record<string, number>;
  rssMb: { start: number; peak: number; end: number };
  cpuMs: number;
  sockets: number;
}

export async function runMixedLoad(o: MixedOptions, log: (line: string) => void = console.log): Promise<MixedFigures> {
  const databasePath = await seededDatabase();
  const { locations, chats, intakeForm } = prepare(databasePath, o);
  const port = await freePort();
  // Citizens come from many addresses (X-Forwarded-For), so the per-address limits stay on and stay apart.
  const server = await startCompiledServer({ ...productionEnv(databasePath, port), TRUST_PROXY: '1' });
  const pid = server.child.pid!;
  const base = server.url;
  const sockets: Socket[] = [];
  const samples = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
  const errors = new Map<Kind, number>(KINDS.map((k) => [k, 0]));
  const errorDetails: Record<string, number> = {};
  const fail = (kind: Kind, detail: string): void => {
    errors.set(kind, (errors.get(kind) ?? 0) + 1);
    errorDetails[`${kind}: ${detail}`] = (errorDetails[`${kind}: ${detail}`] ?? 0) + 1;
  };
  const sample = (kind: Kind, ms: number): void => void samples.get(kind)!.push(ms);
  try {
    // Setup (not measured): sign-ins are argon2 hashes, slow on purpose.
    const experts = [...new Set(chats.map((c) => c.expert))];
    const setupStart = performance.now();
    log(`Setting up ${o.locations} locations (${o.locations * o.desks} desk sockets, ${chats.length} live chats, ${experts.length} experts)…`);
    const staffIp = (l: number): string => `10.250.${Math.floor(l / 250)}.${l % 250}`;
    const signIn = async (email: string, ip: string): Promise<Session> => {
      const s = new Session(base);
      const headers = { 'x-forwarded-for': ip };
      const token = csrfOf(text((await s.fetch('/login', { headers })).body));
      const res = await s.fetch('/login', { method: 'POST', headers: { ...FORM, ...headers }, body: new URLSearchParams({ _csrf: token ?? '', email, password: PASSWORD }).toString() });
      if (res.status !== 303) throw new Error(`sign-in of ${email} failed with ${res.status}`);
      return s;
    };
    await inBatches(locations.length, 4, async (l) => {
      const loc = locations[l];
      const headers = { 'x-forwarded-for': staffIp(l) };
      const s = await signIn(loc.volunteer, staffIp(l));
      loc.session = s;
      loc.csrf = csrfOf(text((await s.fetch(`/intake/new?branch=${loc.branchId}`, { headers })).body));
      if (!loc.csrf) throw new Error('no intake form');
    });
    const expertSessions = new Map<string, Session>();
    await inBatches(experts.length, 4, async (i) => {
      expertSessions.set(experts[i], await signIn(experts[i], `10.251.${Math.floor(i / 250)}.${i % 250}`));
    });
    const cpuIdle = cpuMs(pid) ?? NaN;
    await sleep(500);
    const cpuIdleMs = (cpuMs(pid) ?? NaN) - cpuIdle; // background cost per 500 ms, for reference

    // Desk sockets: each times the location's pending write when its update arrives.
    await inBatches(locations.length * o.desks, 20, async (i) => {
      const loc = locations[Math.floor(i / o.desks)];
      const socket = await socketFor(base, loc.session!);
      sockets.push(socket);
      socket.on('intake:registered', () => {
        if (loc.pendingIntake !== undefined) sample('desk update (POST → desk socket)', performance.now() - loc.pendingIntake);
      });
      socket.on('appointment.updated', () => {
        if (loc.pendingBooking !== undefined) sample('desk update (POST → desk socket)', performance.now() - loc.pendingBooking);
      });
    });
    // Chat sockets: the volunteer's side on the location's session, the expert's side on the expert's.
    const sentAt = new Map<string, number>();
    await inBatches(chats.length, 20, async (i) => {
      const chat = chats[i];
      const pair: Socket[] = [];
      for (const [side, session] of [
        ['volunteer', locations[chat.location].session!],
        ['expert', expertSessions.get(chat.expert)!],
      ] as const) {
        const socket = await socketFor(base, session);
        sockets.push(socket);
        socket.on('chat:message', (m: { body: string; senderRole: string; escalationId: number }) => {
          if (m.senderRole === side || m.escalationId !== chat.escalationId) return;
          const at = sentAt.get(m.body);
          if (at !== undefined) {
            sample('chat line (send → other side)', performance.now() - at);
            sentAt.delete(m.body);
          }
        });
        const ack = (await socket.timeout(10_000).emitWithAck('chat:join', { escalationId: chat.escalationId, afterSeq: 0 })) as { ok: boolean };
        if (!ack.ok) throw new Error(`chat:join refused for escalation ${chat.escalationId}`);
        pair.push(socket);
      }
      chat.sockets = [pair[0], pair[1]];
    });
    await sleep(500);

    // The load.
    const rssStart = rssKb(pid);
    let rssPeak = rssStart;
    const rssTimer = setInterval(() => (rssPeak = Math.max(rssPeak, rssKb(pid) || 0)), 200);
    const cpuStart = cpuMs(pid) ?? NaN;
    const started = performance.now();
    const endAt = started + o.seconds * 1000;
    let citizenNo = 0;
    let expectedDesk = 0;

    /** Runs `op` every 3600/perHour seconds from a random phase until the end; one at a time. */
    const paced = async (perHour: number, op: (n: number) => Promise<void>): Promise<void> => {
      if (perHour <= 0) return;
      const gap = 3_600_000 / perHour;
      let next = started + Math.random() * gap;
      for (let n = 0; next < endAt; n++, next += gap) {
        await sleep(next - performance.now());
        await op(n);
      }
    };

    const timed = async (kind: Kind, fn: () => Promise<{ ok: boolean; detail: string }>): Promise<boolean> => {
      const t0 = performance.now();
      try {
        const r = await fn();
        if (!r.ok) {
          fail(kind, r.detail);
          return false;
        }
        sample(kind, performance.now() - t0);
        return true;
      } catch (err) {
        fail(kind, err instanceof Error ? err.message.slice(0, 80) : 'error');
        return false;
      }
    };

    const book = async (loc: Location): Promise<void> => {
      const n = ++citizenNo;
      const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
      const headers = { 'x-forwarded-for': ip };
      const citizen = new Session(base);
      const get = (pathname: string): Promise<{ ok: boolean; detail: string; body: string }> =>
        citizen.fetch(pathname, { headers }).then((res) => ({ ok: res.status === 200, detail: `GET ${pathname.split('?')[0]} ${res.status}`, body: text(res.body) }));
      let page = '';
      const step = async (pathname: string): Promise<boolean> =>
        timed('booking steps (GET, POST details)', async () => {
          const r = await get(pathname);
          page = r.body;
          return r;
        });
      if (!(await step('/book'))) return;
      if (!(await step(`/book/time?branch=${loc.branchId}&topic=digid`))) return;
      const start = /name="start" value="([^"]+)"/.exec(page)?.[1];
      if (!start) return fail('booking steps (GET, POST details)', 'no free time');
      const detailsUrl = `/book/details?branch=${loc.branchId}&topic=digid&start=${encodeURIComponent(start)}`;
      if (!(await step(detailsUrl))) return;
      const token = csrfOf(page);
      const details = new URLSearchParams({ _csrf: token ?? '', name: `Burger ${n}`, email: `burger${n}@example.test`, phone: '', language: 'nl' }).toString();
      const okDetails = await timed('booking steps (GET, POST details)', async () => {
        const res = await citizen.fetch(detailsUrl, { method: 'POST', headers: { ...FORM, ...headers }, body: details });
        return { ok: res.status === 303, detail: `POST /book/details ${res.status}` };
      });
      if (!okDetails || !(await step('/book/check'))) return;
      const key = /name="key" value="([^"]+)"/.exec(page)?.[1];
      const confirm = new URLSearchParams({ _csrf: csrfOf(page) ?? '', key: key ?? '', consent: 'on', website: '' }).toString();
      let location = '';
      loc.pendingBooking = performance.now();
      const booked = await timed('booking POST /book', async () => {
        const res = await citizen.fetch('/book', { method: 'POST', headers: { ...FORM, ...headers }, body: confirm });
        location = String(res.headers.location ?? '');
        return { ok: res.status === 303 && location.startsWith('/appointments/'), detail: `POST /book ${res.status}` };
      });
      if (booked) {
        expectedDesk += o.desks;
        await step(location);
      }
    };

    const question = async (loc: Location, l: number, n: number): Promise<void> => {
      loc.pendingIntake = performance.now();
      const ok = await timed('question POST /intake/new', async () => {
        const body = new URLSearchParams({ _csrf: loc.csrf!, ...intakeForm, branch: String(loc.branchId), note: `bench l${l} q${n}` }).toString();
        const res = await loc.session!.fetch('/intake/new', { method: 'POST', headers: { ...FORM, 'x-forwarded-for': staffIp(l) }, body });
        return { ok: res.status === 303 && String(res.headers.location).startsWith('/intake'), detail: `POST /intake/new ${res.status}` };
      });
      if (ok) expectedDesk += o.desks;
    };

    let lineNo = 0;
    const chatLine = async (chat: Chat, n: number): Promise<void> => {
      const body = `regel ${++lineNo}`;
      const socket = chat.sockets![n % 2];
      sentAt.set(body, performance.now());
      await timed('chat ack (stored)', async () => {
        const ack = (await socket.timeout(10_000).emitWithAck('chat:send', { escalationId: chat.escalationId, clientId: `bench-${lineNo}`, body })) as { ok: boolean; error?: string };
        if (!ack.ok) sentAt.delete(body); // refused: counted here, not again as "not delivered"
        return { ok: ack.ok, detail: `chat:send ${ack.error ?? ''}` };
      });
    };

    log(`Set up in ${((performance.now() - setupStart) / 1000).toFixed(1)} s. Running the mix for ${o.seconds} s…`);
    await Promise.all([
      ...locations.map((loc) => paced(o.bookings, () => book(loc))),
      ...locations.map((loc, l) => paced(o.questions, (n) => question(loc, l, n))),
      ...chats.map((chat) => paced(o.chatLines, (n) => chatLine(chat, n))),
    ]);
    const seconds = (performance.now() - started) / 1000;
    // Let the last updates arrive (at most 3 s), then count what never came.
    const deadline = performance.now() + 3000;
    const deskDone = (): number => samples.get('desk update (POST → desk socket)')!.length;
    while ((deskDone() < expectedDesk || sentAt.size > 0) && performance.now() < deadline) await sleep(10);
    const cpuLoad = (cpuMs(pid) ?? NaN) - cpuStart;
    clearInterval(rssTimer);
    const rssEnd = rssKb(pid);
    for (let i = deskDone(); i < expectedDesk; i++) fail('desk update (POST → desk socket)', 'not delivered');
    if (deskDone() > expectedDesk) fail('desk update (POST → desk socket)', `${deskDone() - expectedDesk} more than expected`);
    for (let i = 0; i < sentAt.size; i++) fail('chat line (send → other side)', 'not delivered');
    log(`(background CPU before the load: ${cpuIdleMs.toFixed(0)} ms per 500 ms)`);

    const rows = KINDS.map((kind) => {
      const sorted = [...samples.get(kind)!].sort((a, b) => a - b);
      return { kind, done: sorted.length, perSecond: sorted.length / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN, errors: errors.get(kind)! };
    });
    return {
      options: o,
      seconds,
      rows,
      errors: [...errors.values()].reduce((a, b) => a + b, 0),
      errorDetails,
      rssMb: { start: rssStart / 1024, peak: rssPeak / 1024, end: rssEnd / 1024 },
      cpuMs: cpuLoad,
      sockets: sockets.length,
    };
  } finally {
    for (const s of sockets) s.disconnect();
    await server.stop();
  }
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const f = await runMixedLoad(o);
  console.log('');
  console.log(
    `${o.locations} locations × (${o.bookings} bookings, ${o.questions} questions, ${o.chats} chat(s) of ${o.chatLines} lines) per hour, ` +
      `${o.desks} desk sockets each; ${f.sockets} sockets; ${f.seconds.toFixed(1)} s`,
  );
  const ms = (v: number): string => (Number.isNaN(v) ? '-' : `${v.toFixed(1)} ms`);
  printTable(
    ['kind', 'done', 'per s', 'p50', 'p99', 'max', 'errors'],
    f.rows.map((r) => [r.kind, String(r.done), r.perSecond.toFixed(2), ms(r.p50), ms(r.p99), ms(r.max), String(r.errors)]),
  );
  for (const [k, v] of Object.entries(f.errorDetails)) console.log(`ERROR ${k} ×${v}`);
  const corePercent = (100 * f.cpuMs) / (f.seconds * 1000);
  console.log(`server RSS: ${f.rssMb.start.toFixed(1)} MB at the start, ${f.rssMb.peak.toFixed(1)} MB peak, ${f.rssMb.end.toFixed(1)} MB at the end`);
  console.log(`server CPU: ${(f.cpuMs / 1000).toFixed(2)} s in ${f.seconds.toFixed(1)} s (${corePercent.toFixed(1)} % of one core)`);
  if (f.cpuMs > 0) {
    const perCore = (o.locations * 100) / corePercent;
    console.log(`at these rates one fully busy core would carry about ${perCore.toFixed(0)} locations (linear; the server's work runs on one core)`);
  }
  console.log(f.errors === 0 ? 'OK: no errors' : `FAILED: ${f.errors} errors`);
  if (f.errors > 0) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
