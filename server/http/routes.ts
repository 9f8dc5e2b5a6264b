import type { RequestHandler } from 'express';
import { MethodNotAllowedError } from './errors';

/** Put last on a `router.route(path)` chain: other methods on a known path get 405, not 404. */
export const methodNotAllowed: RequestHandler = (_req, _res, next) => next(new MethodNotAllowedError());
