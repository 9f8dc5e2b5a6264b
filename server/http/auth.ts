import type { NextFunction, Request, Response, RequestHandler } from 'express';
import { ForbiddenError } from './errors';

export type Role = 'volunteer' | 'coordinator' | 'expert' | 'admin';
export const ROLES: readonly Role[] = ['volunteer', 'coordinator', 'expert', 'admin'];

export interface CurrentUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  branchIds: number[];
  mustChangePassword: boolean;
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: CurrentUser;
  }
}

/**
 * The one answer to "may this user see this branch's data". Volunteers and coordinators: only their own
 * branches. Admins manage every branch. Experts work across branches on escalations only, never on a
 * branch's bookings or loans, so they get no branch access here.
 */
export function canAccessBranch(user: CurrentUser | undefined, branchId: number): boolean {
  if (!user) return false;
  if (user.role === 'admin') return true;
  if (user.role === 'expert') return false;
  return user.branchIds.includes(branchId);
}

/** Throws 403 unless the user may see the branch. Use in every handler that takes a branch id. */
export function assertBranchAccess(user: CurrentUser | undefined, branchId: number): void {
  if (!canAccessBranch(user, branchId)) throw new ForbiddenError();
}

/** Branch ids the user may see, for list queries; admins: all (null). */
export function visibleBranchIds(user: CurrentUser): number[] | null {
  if (user.role === 'admin') return null;
  if (user.role === 'expert') return [];
  return user.branchIds;
}

/** Signed-in staff only; others go to the sign-in page and come back afterwards. */
export const requireSignIn: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
  if (req.user) return next();
  if (req.method === 'GET' || req.method === 'HEAD') {
    // The way back only when it fits a Location header that a reverse proxy passes on (see safeNext).
    const next = encodeURIComponent(req.originalUrl);
    return res.redirect(303, next.length <= 2000 ? `/login?next=${next}` : '/login');
  }
  next(new ForbiddenError('errors.403.signed_out'));
};

/** Signed in with one of these roles; anyone else gets 403. */
export function requireRole(...roles: Role[]): RequestHandler[] {
  const check: RequestHandler = (req, _res, next) => {
    if (req.user && roles.includes(req.user.role)) return next();
    next(new ForbiddenError());
  };
  return [requireSignIn, check];
}

/** Parses a numeric route or query id; anything else is treated as absent (404 by callers). */
export function parseId(value: unknown): number | null {
  if (typeof value !== 'string' || !/^[1-9]\d{0,15}$/.test(value)) return null;
  return Number(value);
}
