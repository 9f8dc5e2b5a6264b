import crypto from 'node:crypto';
import type http from 'node:http';
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
    /** The shift on a registered desk PC, started by a full sign-in there (server/features/desk-pcs). */
    deskShift?: { deskPcId: number };
    /** This person was switched in by PIN and has not confirmed their password since (step-up). */
    viaPin?: boolean;
    /** Feature-owned scratch space (e.g. an unfinished booking); keyed by feature name. */
    drafts?: Record<string, unknown>;
  }
}

/** An id made here may wait this long for its first save: far longer than any request runs. */
const FRESH_ID_MS = 10 * 60_000;
/**
 * The session row's deadline and lastSeenAt move in steps of this size. A finer change is not worth a disk
 * write (an fsync under synchronous=FULL) on every page view; the idle timeout can end a session at most
 * this much early, never late.
 */
export const SESSION_WRITE_STEP_MS = 60_000;

/**
 * express-session store on the application's own SQLite database: sessions survive restarts and we can
 * end every session of a user (sign-out elsewhere, disabled account) with one statement.
 *
 * A session that ended stays ended whatever request finishes after it: only an id that this store just
 * generated (and has not stored yet) is ever INSERTed; every later save is an UPDATE of a live row. So a
 * slow request of a session that was signed out, revoked or expired while it ran cannot bring it back.
 */
export class SqliteSessionStore extends Store {
  private readonly getStmt;
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly destroyStmt;
  private readonly touchStmt;
  private readonly purgeStmt;
  private readonly byUserStmt;
  private readonly pinOnDeskPcStmt;
  private readonly destroyByUserStmt;
  private readonly destroyOthersStmt;
  /** Ids generated here and not stored yet, with when (monotonic ms; not the app clock, which tests move). */
  private readonly fresh = new Map<string, number>();

  constructor(
    db: Db,
    private readonly nowMs: () => number,
  ) {
    super();
    // A revoked session stays as a row with empty data (a tombstone) until it would have expired anyway.
    const live = `data <> '' AND expires_at > @now`;
    this.getStmt = db.prepare(`SELECT data FROM sessions WHERE sid = @sid AND ${live}`).pluck();
    this.insertStmt = db.prepare(`INSERT INTO sessions (sid, data, expires_at, user_id) VALUES (@sid, @data, @expiresAt, @userId)`);
    this.updateStmt = db.prepare(
      `UPDATE sessions SET data = @data, expires_at = @expiresAt, user_id = @userId WHERE sid = @sid AND ${live}`,
    );
    this.destroyStmt = db.prepare('DELETE FROM sessions WHERE sid = ?');
    // Only when the deadline moved by a whole step: most requests change nothing and so write nothing.
    this.touchStmt = db.prepare(
      `UPDATE sessions SET expires_at = @expiresAt WHERE sid = @sid AND ${live} AND expires_at <= @expiresAt - ${SESSION_WRITE_STEP_MS}`,
    );
    this.purgeStmt = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
    this.byUserStmt = db.prepare('SELECT sid FROM sessions WHERE user_id = ?').pluck();
    // Only when a desk PC is revoked (rare): a scan of the live rows' JSON is fine there.
    this.pinOnDeskPcStmt = db
      .prepare(`SELECT sid FROM sessions WHERE data <> '' AND json_extract(data, '$.viaPin') = 1 AND json_extract(data, '$.deskShift.deskPcId') = ?`)
      .pluck();
    const revoke = `UPDATE sessions SET data = '', user_id = NULL, expires_at = max(expires_at, @until) WHERE user_id = @userId`;
    this.destroyByUserStmt = db.prepare(revoke);
    this.destroyOthersStmt = db.prepare(`${revoke} AND sid <> @keepSid`);
  }

  /**
   * A new session id (express-session's `genid`), remembered as fresh until its first save. The entry goes
   * when the request ends (or after FRESH_ID_MS for requests without a response object, e.g. socket
   * handshakes), so anonymous traffic that never saves a session cannot grow the map.
   */
  newSessionId(req?: http.IncomingMessage): string {
    const id = crypto.randomBytes(24).toString('base64url');
    const now = performance.now();
    for (const [old, at] of this.fresh) {
      if (now - at < FRESH_ID_MS) break;
      this.fresh.delete(old);
    }
    this.fresh.set(id, now);
    (req as { res?: http.ServerResponse } | undefined)?.res?.once('close', () => this.fresh.delete(id));
    return id;
  }

  private expiry(sess: SessionData): number {
    const expires = sess.cookie?.expires ? new Date(sess.cookie.expires).getTime() : NaN;
    return Number.isFinite(expires) ? expires : this.nowMs() + 24 * 3600_000;
  }

  override get(sid: string, cb: (err: unknown, session?: SessionData | null) => void): void {
    try {
      const data = this.getStmt.get({ sid, now: this.nowMs() }) as string | undefined;
      cb(null, data ? (JSON.parse(data) as SessionData) : null);
    } catch (err) {
      cb(err);
    }
  }

  override set(sid: string, sess: SessionData, cb?: (err?: unknown) => void): void {
    try {
      const row = { sid, data: JSON.stringify(sess), expiresAt: this.expiry(sess), userId: sess.userId ?? null };
      if (this.fresh.delete(sid)) this.insertStmt.run(row);
      else this.updateStmt.run({ ...row, now: this.nowMs() });
      cb?.();
    } catch (err) {
      cb?.(err);
    }
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    try {
      this.fresh.delete(sid);
      this.destroyStmt.run(sid);
      cb?.();
    } catch (err) {
      cb?.(err);
    }
  }

  override touch(sid: string, sess: SessionData, cb?: (err?: unknown) => void): void {
    try {
      this.touchStmt.run({ sid, expiresAt: this.expiry(sess), now: this.nowMs() });
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

  /** Sessions switched in by PIN on this desk PC (server/features/desk-pcs), to disconnect their sockets. */
  pinSessionIdsOnDeskPc(deskPcId: number): string[] {
    return this.pinOnDeskPcStmt.all(deskPcId) as string[];
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
    genid: (req) => store.newSessionId(req),
    resave: false,
    // No session (and no cookie) until something is stored: public pages stay cacheable and cheap.
    saveUninitialized: false,
    // Every response moves the cookie's idle deadline; the row's deadline follows in SESSION_WRITE_STEP_MS
    // steps (see touch), and the idle and absolute lifetimes are checked by sessionUser().
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
