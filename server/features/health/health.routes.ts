import { Router } from 'express';
import type { Deps } from '../../deps';

/** GET /healthz: for load balancers and monitoring; no session, no personal data. */
export function healthRouter(deps: Deps): Router {
  const router = Router();
  const check = deps.db.prepare('SELECT 1').pluck();
  router.get('/healthz', (_req, res) => {
    let database = 'ok';
    try {
      check.get();
    } catch {
      database = 'error';
    }
    res.setHeader('Cache-Control', 'no-store');
    res.status(database === 'ok' ? 200 : 503).json({ status: database === 'ok' ? 'ok' : 'error', database, outbox: deps.outbox.countByStatus() });
  });
  return router;
}
