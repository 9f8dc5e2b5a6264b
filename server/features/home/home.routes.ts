import { Router } from 'express';
import type { RouteDeps } from '../../deps';
import { methodNotAllowed } from '../../http/routes';
import { HomeService } from './home.service';

export function homeRouter(deps: RouteDeps): Router {
  const router = Router();
  const home = new HomeService(deps.branches, deps.clock);
  router
    .route('/')
    .get((_req, res) => {
      res.render('home/index', { title: res.locals.t('home.title'), branches: home.branchesWithHours() });
    })
    .all(methodNotAllowed);

  // Language switch: a plain link, so it works without JavaScript. Only local paths are allowed back, and
  // only short ones: a Location header of many kilobytes makes a reverse proxy answer 502.
  router.route('/language/:code').get((req, res) => {
    const code = String(req.params.code);
    const back = typeof req.query.back === 'string' && req.query.back.length <= 2000 && /^\/(?!\/)[^\s\\]*$/.test(req.query.back) ? req.query.back : '/';
    if (deps.translations.has(code)) {
      res.cookie('lang', code, { httpOnly: true, sameSite: 'lax', secure: deps.config.secureCookies, maxAge: 365 * 24 * 3600_000 });
    }
    res.redirect(303, back);
  }).all(methodNotAllowed);
  return router;
}
