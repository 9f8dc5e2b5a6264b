import { Router } from 'express';
import type { RouteDeps } from '../../deps';
import { requireCapability } from '../../http/auth';
import { actorOf } from '../../http/locals';
import { methodNotAllowed } from '../../http/routes';
import { keepValues, parseForm } from '../../http/validation';
import { AUDIT_FILTER_FIELDS, auditFilterSchema } from './audit.schema';

const PAGE_SIZE = 50;

/** /admin/audit: who did what, newest first, for admins only. */
export function auditRouter(deps: RouteDeps): Router {
  const router = Router();
  router.use(requireCapability('audit.read'));

  router
    .route('/')
    .get((req, res) => {
      const form = parseForm(auditFilterSchema, req.query, AUDIT_FILTER_FIELDS);
      const actions = deps.audit.actions(actorOf(req));
      const subjectTypes = deps.audit.subjectTypes(actorOf(req));
      const title = res.locals.t('audit.index.title');
      if (!form.ok) {
        return res.status(400).render('audit/index', { title, actions, subjectTypes, values: form.values, errors: form.errors, result: null, query: '' });
      }
      const { action, user, subject_type: subjectType, subject_id: subjectId, contact, from, to, page } = form.data;
      const result = deps.audit.search(actorOf(req), { action, user, subjectType, subjectId, contact, fromDate: from || undefined, toDate: to || undefined, page, pageSize: PAGE_SIZE });
      // The filter again, for the previous/next links.
      const filter = { action, user, subject_type: subjectType, subject_id: subjectId, contact, from, to };
      const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== '')).toString();
      res.render('audit/index', { title, actions, subjectTypes, values: keepValues(req.query, AUDIT_FILTER_FIELDS), errors: [], result, query });
    })
    .all(methodNotAllowed);

  return router;
}
