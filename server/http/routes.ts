import type { Request, RequestHandler } from 'express';
import { parseId } from './auth';
import { MethodNotAllowedError, NotFoundError } from './errors';

/** Put last on a `router.route(path)` chain: other methods on a known path get 405, not 404. */
export const methodNotAllowed: RequestHandler = (req, _res, next) => next(new MethodNotAllowedError(allowedMethods(req.route)));

/** The methods a route answers, from Express's own record of its handlers; GET implies HEAD. */
function allowedMethods(route: unknown): string[] {
  const methods = (route as { methods?: Record<string, boolean> } | undefined)?.methods ?? {};
  const names = Object.keys(methods).filter((m) => m !== '_all' && methods[m]);
  if (names.includes('get') && !names.includes('head')) names.push('head');
  const order = ['get', 'head', 'post', 'put', 'patch', 'delete'];
  const allowed = names.sort((a, b) => order.indexOf(a) - order.indexOf(b)).map((m) => m.toUpperCase());
  return allowed.length > 0 ? allowed : ['GET', 'HEAD', 'POST'];
}

/** A record's id from the path (`:id` unless named otherwise): anything but a positive whole number is no such page, 404. */
export function pathId(req: Request, name = 'id'): number {
  const id = parseId(req.params[name]);
  if (id === null) throw new NotFoundError();
  return id;
}
