import { Router, type Response } from 'express';
import type { RouteDeps } from '../../deps';
import { requireCapability } from '../../http/auth';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import { noStore } from '../../http/no-store';
import { methodNotAllowed } from '../../http/routes';
import { parseForm, parseOrBadRequest, type FieldError, type FormValues } from '../../http/validation';
import type { AdminSection } from '../admin/admin.routes';
import type { SubjectData } from './subjects.service';
import { ERASE_FIELDS, EXPORT_FIELDS, SUBJECT_FIELDS, eraseSchema, exportSchema, subjectSchema } from './subjects.schema';

export const subjectsAdminSection: AdminSection = {
  href: '/admin/subjects',
  titleKey: 'privacy.subjects.section.title',
  textKey: 'privacy.subjects.section.text',
  capability: 'subjects.manage',
  order: 86,
};

/**
 * /admin/subjects: a coordinator answers a data-subject request. Searching, exporting and erasing are POSTs,
 * so the person's e-mail address or phone number never appears in a URL, the browser history or a log.
 */
export function subjectsRouter(deps: RouteDeps): Router {
  const router = Router();
  const { subjects } = deps;
  router.use('/admin/subjects', requireCapability('subjects.manage'), noStore);

  const render = (res: Response, status: number, values: FormValues, errors: FieldError[], data: SubjectData | null): void => {
    res.status(status).render('privacy/subjects', { title: res.locals.t('privacy.subjects.title'), values, errors, data });
  };

  router
    .route('/admin/subjects')
    .get((_req, res) => render(res, 200, { contact: '' }, [], null))
    .post((req, res) => {
      const form = parseForm(subjectSchema, req.body, SUBJECT_FIELDS);
      if (!form.ok) return render(res, 400, form.values, form.errors, null);
      render(res, 200, { contact: form.data.contact }, [], subjects.find(actorOf(req), form.data.contact));
    })
    .all(methodNotAllowed);

  router
    .route('/admin/subjects/export')
    .post((req, res) => {
      const { contact, format } = parseOrBadRequest(exportSchema, req.body, EXPORT_FIELDS);
      const data = subjects.export(actorOf(req), contact);
      if (format === 'json') {
        res.setHeader('Content-Disposition', 'attachment; filename="dichterbij-gegevens.json"');
        res.type('application/json').send(JSON.stringify({ exportedAt: deps.clock.now().toISOString(), ...data }, null, 2));
        return;
      }
      res.render('privacy/subject-export', { title: res.locals.t('privacy.subjects.export_title'), data, contact });
    })
    .all(methodNotAllowed);

  router
    .route('/admin/subjects/erase')
    .post((req, res) => {
      const form = parseForm(eraseSchema, req.body, ERASE_FIELDS);
      if (!form.ok) {
        const contact = typeof form.values.contact === 'string' ? form.values.contact : '';
        const ok = subjectSchema.safeParse({ contact });
        return render(res, 400, form.values, form.errors, ok.success ? subjects.find(actorOf(req), ok.data.contact) : null);
      }
      const result = subjects.erase(actorOf(req), form.data.contact);
      flash(req, 'success', 'privacy.subjects.erased', { ...result });
      redirectAfterPost(res, '/admin/subjects');
    })
    .all(methodNotAllowed);

  return router;
}
