import { Router } from 'express';
import type { Deps } from '../../deps';
import { requireRole } from '../../http/auth';

// Placeholder until the admin pages land (issue 2, item 7-9).
export function usersRouter(_deps: Deps): Router {
  const router = Router();
  router.use(requireRole('admin'));
  return router;
}
