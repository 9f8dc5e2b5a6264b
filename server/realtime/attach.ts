import type http from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { NextFunction, Request, Response } from 'express';
import type { Deps } from '../deps';
import type { CurrentUser } from '../http/auth';
import { canAccessBranch } from '../http/auth';
import type { Channel, Notifier } from './notifier';

export interface SocketData {
  user: CurrentUser | null;
  sessionId: string | null;
  /** Public screens (queue display) join a read-only channel for one branch. */
  screenBranchId: number | null;
}

export type AppSocket = Socket<Record<string, never>, Record<string, never>, Record<string, never>, SocketData>;

/** A feature's socket event handlers; each must check permissions itself (see `requireBranch`). */
export type SocketFeature = (io: Server, socket: AppSocket, deps: Deps) => void;

class SocketNotifier implements Notifier {
  constructor(private readonly io: Server) {}
  publish(channel: Channel, event: string, payload: Record<string, unknown>): void {
    this.io.to(channel).emit(event, payload);
  }
  disconnectSession(sessionId: string): void {
    this.io.in(`session:${sessionId}`).disconnectSockets(true);
  }
}

/**
 * socket.io on the same HTTP server, sharing the one session middleware. Staff sockets need a valid signed-in
 * session; a public queue screen may connect without one but only joins its branch's `screen:` channel.
 */
export function attachRealtime(server: http.Server, deps: Deps, features: SocketFeature[] = []): Server {
  const io = new Server(server, { serveClient: true, cors: { origin: false }, maxHttpBufferSize: 16_384 });
  io.engine.use((req: Request, res: Response, next: NextFunction) => deps.sessionMiddleware(req, res, next));

  io.use((socket, next) => {
    const req = socket.request as Request;
    const auth = socket.handshake.auth as { screen?: unknown } | undefined;
    const data = socket.data as SocketData;
    data.user = null;
    data.sessionId = null;
    data.screenBranchId = null;
    const session = req.session;
    if (session?.userId) {
      const now = deps.clock.now().getTime();
      const idle = session.lastSeenAt !== undefined && now - session.lastSeenAt > deps.config.staffIdleMinutes * 60_000;
      const user = idle ? null : deps.auth.currentUser(session.userId);
      if (user) {
        data.user = user;
        data.sessionId = req.sessionID;
        return next();
      }
    }
    const screen = typeof auth?.screen === 'string' && /^[1-9]\d{0,9}$/.test(auth.screen) ? Number(auth.screen) : null;
    if (screen !== null && deps.branches.find(screen)) {
      data.screenBranchId = screen;
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
      for (const b of user.branchIds) if (canAccessBranch(user, b)) void socket.join(`branch:${b}`);
      if (user.role === 'expert') void socket.join('experts');
    } else if (screenBranchId !== null) {
      void socket.join(`screen:${screenBranchId}`);
    }
    for (const feature of features) feature(io, socket, deps);
  });

  deps.notifier.attach(new SocketNotifier(io));
  return io;
}
