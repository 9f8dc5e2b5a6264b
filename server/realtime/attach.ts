import type http from 'node:http';
import { Server, type DefaultEventsMap, type Socket } from 'socket.io';
import type { NextFunction, Request, Response } from 'express';
import type { SessionData } from 'express-session';
import type { Deps } from '../deps';
import type { Actor } from '../lib/actor';
import { AppError } from '../http/errors';
import { may, type Capability, type CurrentUser } from '../policy/policy';
import { sessionUser } from '../http/session-guard';
import type { Channel, Notifier } from './notifier';
import { recogniseDeskPc } from '../features/desk-pcs/desk-pc-cookie';

export interface SocketData {
  user: CurrentUser | null;
  sessionId: string | null;
  /** Public screens (queue display) join a read-only channel for one branch. */
  screenBranchId: number | null;
  /** The registered desk PC the handshake came from (its cookie, as for HTTP), for the audit rows of its events. */
  deskPcId: number | null;
  /** Timestamps (ms) of this socket's recent events, for the per-socket rate limit. */
  recentEvents: number[];
}

export type AppSocket = Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketData>;

/** A feature's socket event handlers; register each with `onStaffEvent` and its capability. */
export type SocketFeature = (io: Server, socket: AppSocket, deps: Deps) => void;

/** What every client→server event gets back through its acknowledgement callback. */
export type Ack = { ok: true; [key: string]: unknown } | { ok: false; error: 'forbidden' | 'not_found' | 'bad_request' | 'conflict' | 'rate_limited' | 'error' };

/** How often connected staff sockets are checked against their session (idle timeout, sign-out elsewhere). */
export const SESSION_SWEEP_MS = 30_000;
const EVENT_LIMIT = 20;
const EVENT_WINDOW_MS = 10_000;

class SocketNotifier implements Notifier {
  constructor(private readonly io: Server) {}
  publish(channel: Channel, event: string, payload: Record<string, unknown>): void {
    this.io.to(channel).emit(event, payload);
  }
  disconnectSession(sessionId: string): void {
    this.io.in(`session:${sessionId}`).disconnectSockets(true);
  }
}

function readSession(deps: Deps, sid: string): Promise<SessionData | null> {
  return new Promise((resolve) => deps.sessionStore.get(sid, (err, sess) => resolve(err ? null : (sess ?? null))));
}

/** The session's user under the one rule of the HTTP session guard (idle, absolute lifetime, active account). */
function userOfSession(deps: Deps, session: Partial<SessionData> | null | undefined): CurrentUser | null {
  const user = sessionUser(deps, session);
  // Like the HTTP guard: whoever still has to set up the second factor their role requires gets no staff socket.
  return user && !deps.secondFactor.mustEnrol(user) ? user : null;
}

function sameAccess(a: CurrentUser, b: CurrentUser): boolean {
  return a.role === b.role && a.branchIds.length === b.branchIds.length && a.branchIds.every((id) => b.branchIds.includes(id));
}

/**
 * Disconnects staff sockets whose session ended without an HTTP request noticing (idle timeout, expiry,
 * deleted by sign-out elsewhere, account disabled) or whose rights changed, so rooms joined at connect
 * time never outlive the rights that allowed them. A changed client simply reconnects with its new rights.
 */
export async function sweepSessions(io: Server, deps: Deps): Promise<number> {
  let dropped = 0;
  for (const raw of io.of('/').sockets.values()) {
    const socket = raw as AppSocket;
    const { sessionId, user } = socket.data;
    if (!sessionId || !user) continue;
    const current = userOfSession(deps, await readSession(deps, sessionId));
    if (!current || current.id !== user.id || !sameAccess(current, user)) {
      socket.disconnect(true);
      dropped++;
    }
  }
  return dropped;
}

function ackFor(err: unknown): Ack {
  if (err instanceof AppError) {
    const error = err.status === 403 ? 'forbidden' : err.status === 404 ? 'not_found' : err.status === 409 ? 'conflict' : err.status === 429 ? 'rate_limited' : 'bad_request';
    return { ok: false, error };
  }
  return { ok: false, error: 'error' };
}

/**
 * Every client→server event with the capability it requires, as registered through `onStaffEvent`. The
 * same for every socket (features register the same events on each connection), so this is static
 * metadata, not state: the permission matrix test reads it, and compares it with a server-side socket's
 * `eventNames()` so an event registered around `onStaffEvent` is caught.
 */
const SOCKET_EVENTS = new Map<string, Capability>();

/** Every registered client→server event and its capability (filled once a socket has connected). */
export function registeredSocketEvents(): ReadonlyMap<string, Capability> {
  return SOCKET_EVENTS;
}

function registerEvent(event: string, capability: Capability): void {
  const known = SOCKET_EVENTS.get(event);
  // Two features claiming one event name with different rights would make the matrix lie.
  if (known !== undefined && known !== capability) throw new Error(`socket event ${event} registered with ${known} and ${capability}`);
  SOCKET_EVENTS.set(event, capability);
}

/** The Actor for a socket event: like actorOf(req) for HTTP, carrying the user the services ask about. */
export function socketActor(socket: AppSocket, user: CurrentUser): Actor {
  return { userId: user.id, label: user.email, ip: socket.handshake.address ?? null, user };
}

/**
 * Registers a client→server event for signed-in staff, with the capability it needs. Every call is checked
 * here before the handler runs: public screens may not send anything, the session must still be valid
 * (re-read, not trusted from connect time), the role must hold the capability (`may(user, capability)`,
 * else 'forbidden'), the payload must be an object, and a socket may send at most EVENT_LIMIT events per
 * window. The handler's service call asks the policy again with the branch of the record it touches.
 * The handler runs inside the request context, as an HTTP request does, so its audit rows name the desk PC.
 */
export function onStaffEvent(
  socket: AppSocket,
  deps: Deps,
  event: string,
  capability: Capability,
  handler: (user: CurrentUser, payload: Record<string, unknown>, actor: Actor) => Ack | Promise<Ack>,
): void {
  registerEvent(event, capability);
  socket.on(event, async (payload: unknown, ack?: unknown) => {
    const reply = typeof ack === 'function' ? (ack as (a: Ack) => void) : () => undefined;
    const now = Date.now();
    const recent = socket.data.recentEvents.filter((t) => now - t < EVENT_WINDOW_MS);
    recent.push(now);
    socket.data.recentEvents = recent;
    if (recent.length > EVENT_LIMIT) return reply({ ok: false, error: 'rate_limited' });
    const { sessionId } = socket.data;
    const user = sessionId ? userOfSession(deps, await readSession(deps, sessionId)) : null;
    if (!user || user.id !== socket.data.user?.id) {
      reply({ ok: false, error: 'forbidden' });
      if (sessionId) socket.disconnect(true);
      return;
    }
    if (!may(user, capability)) return reply({ ok: false, error: 'forbidden' });
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return reply({ ok: false, error: 'bad_request' });
    try {
      // As for HTTP, a desk PC revoked since the handshake no longer counts (one primary-key lookup).
      const pc = socket.data.deskPcId;
      const facts = { deskPcId: pc !== null && deps.deskPcs.isActive(pc) ? pc : null };
      reply(await deps.requestContext.run(facts, () => handler(user, payload as Record<string, unknown>, socketActor(socket, user))));
    } catch (err) {
      if (!(err instanceof AppError)) deps.logger.error({ err, event }, 'socket event failed');
      reply(ackFor(err));
    }
  });
}

/** A same-origin check for the handshake: a page on another site must not open a socket with our cookie. */
function sameOrigin(req: http.IncomingMessage, baseUrl: string): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // Not a browser (tests, benchmarks); the session cookie still has to be valid.
  try {
    const host = new URL(origin).host;
    return host === req.headers.host || host === new URL(baseUrl).host;
  } catch {
    return false;
  }
}

/**
 * socket.io on the same HTTP server, sharing the one session middleware. Staff sockets need a valid
 * signed-in session; a public queue screen connects without one (auth `{ screen: "<branchId>" }`), joins
 * only its branch's `screen:` channel, which never carries personal data, and may not send events.
 */
export function attachRealtime(server: http.Server, deps: Deps, features: SocketFeature[] = []): Server {
  const io = new Server(server, {
    serveClient: true,
    cors: { origin: false },
    maxHttpBufferSize: 16_384,
    allowRequest: (req, cb) => cb(null, sameOrigin(req, deps.config.baseUrl)),
  });
  io.engine.use((req: Request, res: Response, next: NextFunction) => deps.sessionMiddleware(req, res, next));

  io.use((socket, next) => {
    const req = socket.request as Request;
    const auth = socket.handshake.auth as { screen?: unknown } | undefined;
    const data = socket.data as SocketData;
    data.user = null;
    data.sessionId = null;
    data.screenBranchId = null;
    data.deskPcId = null;
    data.recentEvents = [];
    // A screen asks for the screen channel explicitly, even in a browser that also holds a staff session.
    if (auth?.screen !== undefined) {
      const screen = typeof auth.screen === 'string' && /^[1-9]\d{0,9}$/.test(auth.screen) ? Number(auth.screen) : null;
      if (screen !== null && deps.branches.find(screen)) {
        data.screenBranchId = screen;
        return next();
      }
      return next(new Error('unknown screen'));
    }
    const user = userOfSession(deps, req.session);
    if (user) {
      data.user = user;
      data.sessionId = req.sessionID;
      // Once per connection, with the same check as HTTP (signed cookie, not revoked).
      data.deskPcId = recogniseDeskPc(deps, req.headers.cookie)?.id ?? null;
      return next();
    }
    next(new Error('unauthorized'));
  });

  io.on('connection', (raw) => {
    const socket = raw as AppSocket;
    const { user, sessionId, screenBranchId } = socket.data;
    if (user && sessionId) {
      void socket.join(`session:${sessionId}`);
      void socket.join(`user:${user.id}`);
      // Branch rooms carry the branch's personal data (names at the desk): only where the policy lets the
      // person use that desk. Admins hold no desk capability, so they join none.
      for (const b of user.branchIds) if (may(user, 'desk.use', b)) void socket.join(`branch:${b}`);
      if (may(user, 'escalations.answer')) void socket.join('experts');
    } else if (screenBranchId !== null) {
      void socket.join(`screen:${screenBranchId}`);
    }
    for (const feature of features) feature(io, socket, deps);
  });

  const sweep = setInterval(() => void sweepSessions(io, deps), SESSION_SWEEP_MS);
  sweep.unref();
  server.once('close', () => clearInterval(sweep));

  deps.notifier.attach(new SocketNotifier(io));
  return io;
}
