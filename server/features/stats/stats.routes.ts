import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../../deps';
import { requireCapability } from '../../http/auth';
import { choosableBranches } from '../../http/branch-scope';
import { actorOf } from '../../http/locals';
import { methodNotAllowed } from '../../http/routes';
import type { FieldError } from '../../http/validation';
import { localDate } from '../../lib/time';
import { parseStatsQuery } from './stats.query';
import { formValuesOf, periodChoices, queryString, statsPage } from './stats.view';

const FILTER_FIELDS = ['period', 'month', 'quarter', 'year', 'from', 'to', 'branch'] as const;

/** The filter as typed, for re-showing the form: strings only, never the raw query object. */
function typedValues(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of FILTER_FIELDS) {
    const v = req.query[f];
    if (typeof v === 'string') out[f] = v.slice(0, 20);
  }
  return out;
}

/**
 * /stats: a coordinator's numbers for their branches, an admin's for all (the service decides the scope
 * through the policy). /stats/print is the same report laid out for one A4 page per section group.
 */
export function statsRouter(deps: RouteDeps): Router {
  const router = Router();
  // Only under /stats: this router is mounted at the root, and a bare use() would gate every later request (404s too).
  router.use('/stats', requireCapability('stats.read'));

  const show = (view: 'stats/index' | 'stats/print') => (req: Request, res: Response) => {
    const today = localDate(deps.clock.now());
    const t = res.locals.t;
    const branches = choosableBranches(deps.branches, req.user, 'stats.read');
    const choices = periodChoices(today);
    const parsed = parseStatsQuery(req.query, today);
    const base = { title: t('stats.title'), branches, choices, print: view === 'stats/print' };
    if (!parsed.ok) {
      const errors: FieldError[] = Object.entries(parsed.errors).map(([field, key]) => ({ field, key: `stats.${key}` }));
      return res.status(400).render('stats/index', { ...base, values: typedValues(req), errors, page: null, branchName: null, query: '' });
    }
    const report = deps.stats.report(actorOf(req), parsed.query, req.lang);
    const branchName = parsed.query.branchId === null ? null : (deps.branches.find(parsed.query.branchId)?.name ?? null);
    const values = Object.keys(typedValues(req)).length > 0 ? typedValues(req) : formValuesOf(parsed.query);
    res.render(view, { ...base, values, errors: [], page: statsPage(report, t), branchName, query: queryString(parsed.query) });
  };

  router.route('/stats').get(show('stats/index')).all(methodNotAllowed);
  router.route('/stats/print').get(show('stats/print')).all(methodNotAllowed);
  return router;
}
