import { Router } from 'express';
import type { Deps } from '../../deps';
import { requireCapability } from '../../http/auth';
import { branchScope } from '../../http/branch-scope';
import { methodNotAllowed } from '../../http/routes';
import type { DeskPanel } from './desk.panels';

/** GET /desk?branch=ID: today at one branch, assembled from the features' panels. */
export function deskRouter(deps: Deps, panels: DeskPanel[]): Router {
  const router = Router();
  const ordered = [...panels].sort((a, b) => a.order - b.order);
  router
    .route('/desk')
    .all(requireCapability('desk.use'))
    .get((req, res) => {
      const user = req.user!;
      // ?branch=abc is 400, a branch the person does not work at 404, none given: their first branch.
      const { branch, branches } = branchScope(req, deps.branches, 'desk.use');
      if (!branch) {
        return res.render('desk/index', { title: res.locals.t('desk.title'), branch: null, branches, panels: [], scripts: [] });
      }
      const loaded = ordered.map((p) => ({ id: p.id, view: p.view, data: p.load(user, branch) }));
      const scripts = [...new Set(ordered.flatMap((p) => p.scripts ?? []))];
      res.render('desk/index', { title: res.locals.t('desk.title'), branch, branches, panels: loaded, scripts });
    })
    .all(methodNotAllowed);
  return router;
}
