import { Router } from 'express';
import type { Deps } from '../../deps';
import { assertBranchAccess, parseId, requireRole } from '../../http/auth';
import { methodNotAllowed } from '../../http/routes';
import type { DeskPanel } from './desk.panels';

/** GET /desk?branch=ID: today at one branch, assembled from the features' panels. */
export function deskRouter(deps: Deps, panels: DeskPanel[]): Router {
  const router = Router();
  const ordered = [...panels].sort((a, b) => a.order - b.order);
  router
    .route('/desk')
    .all(requireRole('volunteer', 'coordinator'))
    .get((req, res) => {
      const user = req.user!;
      const branches = user.branchIds.map((id) => deps.branches.find(id)).filter((b) => b !== null && !b.retiredAt);
      const requested = parseId(req.query.branch);
      const branch = requested !== null ? deps.branches.get(requested) : branches[0];
      if (!branch) {
        return res.render('desk/index', { title: res.locals.t('desk.title'), branch: null, branches, panels: [], scripts: [] });
      }
      assertBranchAccess(user, branch.id);
      const loaded = ordered.map((p) => ({ id: p.id, view: p.view, data: p.load(user, branch) }));
      const scripts = [...new Set(ordered.flatMap((p) => p.scripts ?? []))];
      res.render('desk/index', { title: res.locals.t('desk.title'), branch, branches, panels: loaded, scripts });
    })
    .all(methodNotAllowed);
  return router;
}
