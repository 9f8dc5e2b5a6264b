import type { RequestHandler } from 'express';
import type { SessionData } from 'express-session';
import type { Deps } from '../deps';
import type { CurrentUser } from './auth';
import { SESSION_WRITE_STEP_MS } from './session';
import { setPageLanguage } from './locals';
import { DEFAULT_LANGUAGE, STAFF_LANGUAGES } from '../lib/i18n';

/**
 * The one rule for how long a staff session counts, for HTTP requests and socket handshakes and sweeps
 * alike: not idle longer than the idle timeout (a shared kiosk), not older than the absolute lifetime, its
 * account still active, and, when switched in by PIN, its desk PC not revoked. Returns the user, or null
 * when the session no longer signs anyone in.
 */
export function sessionUser(deps: Pick<Deps, 'auth' | 'clock' | 'config' | 'deskPcs'>, session: Partial<SessionData> | null | undefined): CurrentUser | null {
  if (!session?.userId) return null;
  const now = deps.clock.now().getTime();
  const idle = session.lastSeenAt !== undefined && now - session.lastSeenAt > deps.config.staffIdleMinutes * 60_000;
  const tooOld = session.signedInAt !== undefined && now - session.signedInAt > deps.config.sessionAbsoluteHours * 3600_000;
  if (idle || tooOld) return null;
  // A PIN counts only on the desk PC it was typed on: once that PC is revoked, a PIN session is signed out
  // (a full sign-in there goes on). Only PIN sessions pay this one primary-key lookup.
  if (session.viaPin && !(session.deskShift && deps.deskPcs.isActive(session.deskShift.deskPcId))) return null;
  const user = deps.auth.currentUser(session.userId);
  return user && session.viaPin ? { ...user, viaPin: true } : user;
}

/**
 * Loads the signed-in user and ends sessions that sat idle too long (a shared kiosk) or that are older
 * than the absolute lifetime. Uses the app clock so tests can move time.
 */
export function sessionGuard(deps: Deps): RequestHandler {
  return (req, res, next) => {
    const session = req.session;
    if (!session?.userId) return next();
    const user = sessionUser(deps, session);
    if (!user) {
      const sid = req.sessionID;
      return session.regenerate((err) => {
        if (err) return next(err);
        deps.notifier.disconnectSession(sid);
        res.locals.sessionEnded = true;
        req.session.flash = { kind: 'info', key: 'auth.session_expired' };
        next();
      });
    }
    // Background refreshes of a live page (the desk) are not a person at the kiosk: they must not keep an
    // unattended session alive past the idle timeout. A person's activity is recorded in whole steps, so
    // that a quick series of pages saves the session once, not on every request.
    const now = deps.clock.now().getTime();
    const stale = session.lastSeenAt === undefined || now - session.lastSeenAt >= SESSION_WRITE_STEP_MS;
    if (stale && req.get('X-Desk-Live') !== '1') session.lastSeenAt = now;
    req.user = user;
    res.locals.user = user;
    // Signed in, every page has the staff menu: staff pages are in Dutch and English only.
    if (!STAFF_LANGUAGES.has(req.lang)) setPageLanguage(req, res, deps, DEFAULT_LANGUAGE);
    // Staff pages show names and contact details; on a shared kiosk the next person must not get them
    // back from the browser's cache with the Back button after sign-out.
    res.setHeader('Cache-Control', 'no-store');
    // Someone signed in with a temporary password must choose their own before doing anything else:
    // every method, not only GET, or a form posted with the temporary password would still change data.
    if (user.mustChangePassword && !['/account/password', '/logout'].includes(req.path) && !req.path.startsWith('/static/')) {
      return res.redirect(303, '/account/password');
    }
    // Likewise a coordinator or admin without the second factor their role requires: enrol first.
    if (deps.secondFactor.mustEnrol(user) && !req.path.startsWith('/account/second-factor') && req.path !== '/logout' && !req.path.startsWith('/static/')) {
      return res.redirect(303, '/account/second-factor');
    }
    next();
  };
}
