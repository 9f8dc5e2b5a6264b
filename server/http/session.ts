import session, { type SessionData, Store } from 'express-session';
import type { RequestHandler } from 'express';
import type { Db } from '../db/open';
import type { Config } from '../config';

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    signedInAt?: number;
    lastSeenAt?: number;
    lang?: string;
    flash?: { kind: 'success' | 'info' | 'error'; key: string; params?: Record<string, string | number> };
    /** Feature-owned scratch space (e.g. an unfinished booking); keyed by feature name. */
    drafts?: Record<string, unknown>;
  }
}

/**
 * express-session store on the application's own SQLite database: sessions survive restarts and we can
 * end every session of a user (sign-out elsewhere, disabled account) with one statement.
 */
export class SqliteSessionStore extends Store {
  private readonly getStmt;
  private readonly setStmt;
  private readonly destroyStmt;
  private readonly touchStmt;
  private readonly purgeStmt;
  private readonly byUserStmt;
  private readonly destroyByUserStmt;
  private readonly destroyOthersStmt;

  constructor(
    db: Db,
    private readonly nowMs: () => number,
  ) {
    super();
    // A revoked session stays as a row with empty data (a tombstone) until it would have expired anyway, so
    // that a request of that session still in flight cannot save it back when it ends (see revokeStmt).
    this.getStmt = db.prepare(`SELECT data FROM sessions WHERE sid = ? AND expires_at > ? AND data <> ''`).pluck();
    this.setStmt = db.prepare(
      `INSERT INTO sessions (sid, data, expires_at, user_id) VALUES (@sid, @data, @expiresAt, @userId)
       ON CONFLICT (sid) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at, user_id = excluded.user_id
       WHERE sessions.data <> ''`,
    );
    this.destroyStmt = db.prepare('DELETE FROM sessions WHERE sid = ?');
    this.touchStmt = db.prepare(`UPDATE sessions SET expires_at = ? WHERE sid = ? AND data <> ''`);
    this.purgeStmt = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
    this.byUserStmt = db.prepare('SELECT sid FROM sessions WHERE user_id = ?').pluck();
    const revoke = `UPDATE sessions SET data = '', user_id = NULL, expires_at = max(expires_at, @until) WHERE user_id = @userId`;
    this.destroyByUserStmt = db.prepare(revoke);
    this.destroyOthersStmt = db.prepare(`${revoke} AND sid <> @keepSid`);
  }

  private expiry(sess: SessionData): number {
    const expires = sess.cookie?.expires ? new Date(sess.cookie.expires).getTime() : NaN;
    return Number.isFinite(expires) ? expires : this.nowMs() + 24 * 3600_000;
  }

  override get(sid: string, cb: (err: unknown, session?: SessionData | null) => void): void {
    try {
      const data = this.getStmt.get(sid, this.nowMs()) as string | undefined;
      cb(null, data ? (JSON.parse(data) as SessionData) : null);
    } catch (err) {
      cb(err);
    }
  }

  override set(sid: string, sess: SessionData, cb?: (err?: unknown) => void): void {
    try {
      this.setStmt.run({ sid, data: JSON.stringify(sess), expiresAt: this.expiry(sess), userId: sess.userId ?? null });
      cb?.();
    } catch (err) {
      cb?.(err);
    }
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    try {
      this.destroyStmt.run(sid);
      cb?.();
    } catch (err) {
      cb?.(err);
    }
  }

  override touch(sid: string, sess: SessionData, cb?: (err?: unknown) => void): void {
    try {
      this.touchStmt.run(this.expiry(sess), sid);
      cb?.();
    } catch (err) {
      cb?.(err);
    }
  }

  purgeExpired(): number {
    return this.purgeStmt.run(this.nowMs()).changes;
  }

  sessionIdsOfUser(userId: number): string[] {
    return this.byUserStmt.all(userId) as string[];
  }

  /** Ends every session of a user (disabled, password reset); they can never be saved back. */
  destroyAllOfUser(userId: number): void {
    this.destroyByUserStmt.run({ userId, until: this.tombstoneUntil() });
  }

  /** Ends every session of a user except one (the one in which they just changed their password). */
  destroyOthersOfUser(userId: number, keepSid: string): void {
    this.destroyOthersStmt.run({ userId, keepSid, until: this.tombstoneUntil() });
  }

  /** Tombstones outlive any request that was running when the session was ended; then purgeExpired removes them. */
  private tombstoneUntil(): number {
    return this.nowMs() + 3600_000;
  }
}

export const SESSION_COOKIE = 'dichterbij.sid';

/** One session middleware instance, shared by Express and socket.io. */
export function createSessionMiddleware(config: Config, store: SqliteSessionStore): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret: config.sessionSecret,
    store,
    resave: false,
    // No session (and no cookie) until something is stored: public pages stay cacheable and cheap.
    saveUninitialized: false,
    // Every request moves the idle deadline; the absolute lifetime is checked in auth middleware.
    rolling: true,
    proxy: config.trustProxy > 0,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookies,
      maxAge: config.staffIdleMinutes * 60_000,
      path: '/',
    },
  });
}
