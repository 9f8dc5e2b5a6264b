import { Router } from 'express';
import type { RouteDeps } from '../../deps';
import { requireCapability } from '../../http/auth';
import { actorOf } from '../../http/locals';
import { methodNotAllowed } from '../../http/routes';
import { keepValues, parseForm } from '../../http/validation';
import { AUDIT_FILTER_FIELDS, auditFilterSchema } from './audit.schema';
import { actionLabel, presentEntry, subjectLabel } from './audit.present';

const PAGE_SIZE = 50;

/** /admin/audit: who did what, newest first, for admins only. */
export function auditRouter(deps: RouteDeps): Router {
  const router = Router();
  router.use(requireCapability('audit.read'));

  router
    .route('/')
    .get((req, res) => {
      const form = parseForm(auditFilterSchema, req.query, AUDIT_FILTER_FIELDS);
      const t = res.locals.t;
      // The filter lists the same names as the table, sorted as read.
      const byLabel = (a: { label: string }, b: { label: string }): number => a.label.localeCompare(b.label, req.lang);
      const actions = deps.audit.actions(actorOf(req)).map((code) => ({ value: code, label: actionLabel(t, code) })).sort(byLabel);
      const subjectTypes = deps.audit.subjectTypes(actorOf(req)).map((type) => ({ value: type, label: subjectLabel(t, type) })).sort(byLabel);
      const people = deps.audit.actors(actorOf(req)).map((p) => ({ value: p.label, label: p.name ?? (t.has(`audit.values.${p.label}`) ? t(`audit.values.${p.label}`) : p.label) }));
      const title = t('audit.index.title');
      if (!form.ok) {
        return res.status(400).render('audit/index', { title, actions, subjectTypes, people, values: form.values, errors: form.errors, result: null, rows: [], query: '' });
      }
      const { action, user, subject_type: subjectType, subject_id: subjectId, contact, from, to, page } = form.data;
      const result = deps.audit.search(actorOf(req), { action, user, subjectType, subjectId, contact, fromDate: from || undefined, toDate: to || undefined, page, pageSize: PAGE_SIZE });
      // The filter again, for the previous/next links.
      const filter = { action, user, subject_type: subjectType, subject_id: subjectId, contact, from, to };
      const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== '')).toString();
      const names = deps.audit.names(actorOf(req));
      const rows = result.entries.map((e) => presentEntry(t, e, names, res.locals.formatLocal));
      res.render('audit/index', { title, actions, subjectTypes, people, rows, values: keepValues(req.query, AUDIT_FILTER_FIELDS), errors: [], result, query });
    })
    .all(methodNotAllowed);

  return router;
}
