import { Router } from 'express';
import type { HealthService } from './health.service';

/** GET /healthz: for load balancers and monitoring; no session, no personal data. */
export function healthRouter(health: HealthService): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    const report = health.check();
    res.setHeader('Cache-Control', 'no-store');
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });
  return router;
}
