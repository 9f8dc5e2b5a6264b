import type { NextFunction, Request, Response, RequestHandler } from 'express';
import { ForbiddenError, StepUpRequiredError } from './errors';
import { needsStepUp, roleMay, type Capability, type CurrentUser } from '../policy/policy';

export type { CurrentUser, Role } from '../policy/policy';
export { ROLES } from '../policy/policy';

declare module 'express-serve-static-core' {
  interface Request {
    user?: CurrentUser;
  }
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

/**
 * Signed in and holding the capability somewhere (server/policy/capabilities.ts); anyone else gets 403.
 * A gate for a friendly early answer only: the service method asks the policy again, with the branch.
 */
export function requireCapability(capability: Capability): RequestHandler[] {
  const check: RequestHandler = (req, _res, next) => {
    if (req.user && roleMay(req.user.role, capability)) return next(needsStepUp(req.user, capability) ? new StepUpRequiredError() : undefined);
    next(new ForbiddenError());
  };
  return [requireSignIn, check];
}

/** Parses a numeric route or query id; anything else is treated as absent (404 by callers). */
export function parseId(value: unknown): number | null {
  if (typeof value !== 'string' || !/^[1-9]\d{0,15}$/.test(value)) return null;
  return Number(value);
}

