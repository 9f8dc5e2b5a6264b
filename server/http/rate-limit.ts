import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { TooManyRequestsError } from './errors';

export interface RateLimitOptions {
  windowMs: number;
  /** Requests per client address per window. */
  limit: number;
  /**
   * Count only answers of 400 and up (a wrong code, a wrong link), so people who get it right are never
   * blocked, even many of them behind one library address.
   */
  countFailuresOnly?: boolean;
  /** What a blocked request gets instead of the 429 error page (e.g. a kiosk message that resets itself). */
  onLimited?: RequestHandler;
}

/**
 * The one way to build a rate limiter: per client address, in memory, standard RateLimit headers
 * (draft-8) and no legacy X-RateLimit ones, and by default the ordinary 429 error page.
 */
export function createRateLimiter(options: RateLimitOptions): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    skipSuccessfulRequests: options.countFailuresOnly ?? false,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: options.onLimited ?? ((_req, _res, next) => next(new TooManyRequestsError())),
  });
}
