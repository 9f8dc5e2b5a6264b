import type { Request } from 'express';
import { may, type CurrentUser } from '../policy/policy';
import { safeNext } from '../features/auth/auth.schema';

/**
 * Starting a signed-in session, shared by the password step (features/auth) and the second step
 * (features/second-factor): a new session id each time (no session fixation).
 */
declare module 'express-session' {
  interface SessionData {
    /** Password accepted, code not yet: nobody is signed in (no userId) until the second step succeeds. */
    secondStep?: { userId: number; startedAt: number; next: string | null };
  }
}

/** The second step of sign-in (features/second-factor). */
export const SECOND_STEP_URL = '/login/second-factor';

export function landingFor(user: CurrentUser): string {
  if (user.mustChangePassword) return '/account/password';
  if (may(user, 'desk.use')) return '/desk';
  if (may(user, 'escalations.answer')) return '/escalations';
  if (may(user, 'admin.open')) return '/admin';
  return '/desk';
}

/** New session id at sign-in (no session fixation), then the user id and timestamps. */
export function startSession(req: Request, user: CurrentUser, now: number): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((err) => {
      if (err) return reject(err);
      req.session.userId = user.id;
      req.session.signedInAt = now;
      req.session.lastSeenAt = now;
      req.session.save((saveErr) => (saveErr ? reject(saveErr) : resolve()));
    });
  });
}

/** After a correct password, for someone with a second factor: a new session that holds only the pending step. */
export function beginSecondStep(req: Request, userId: number, next: string | undefined, now: number): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((err) => {
      if (err) return reject(err);
      req.session.secondStep = { userId, startedAt: now, next: safeNext(next) };
      req.session.save((saveErr) => (saveErr ? reject(saveErr) : resolve()));
    });
  });
}

