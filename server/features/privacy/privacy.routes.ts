import { Router, type Response } from 'express';
import type { RouteDeps } from '../../deps';
import { requireCapability } from '../../http/auth';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import { methodNotAllowed } from '../../http/routes';
import { parseForm, type FieldError, type FormValues } from '../../http/validation';
import type { AdminSection } from '../admin/admin.routes';
import { RETENTION_KINDS, RETENTION_RULES } from './retention.model';
import { RETENTION_FIELDS, retentionSchema } from './retention.schema';

export const retentionAdminSection: AdminSection = {
  href: '/admin/retention',
  titleKey: 'privacy.section.title',
  textKey: 'privacy.section.text',
  capability: 'retention.configure',
  order: 85,
};

/**
 * The public statements every Dutch public-sector site carries (/privacy, /toegankelijkheid) and the admin
 * page that sets the retention periods the privacy statement quotes (/admin/retention).
 */
export function privacyRouter(deps: RouteDeps): Router {
  const router = Router();
  const { retention } = deps;

  router
    .route('/privacy')
    .get((_req, res) => {
      res.render('privacy/statement', {
        title: res.locals.t('privacy.statement.title'),
        periods: retention.current(),
        contact: retention.contact(),
        sessionMinutes: deps.config.staffIdleMinutes,
      });
    })
    .all(methodNotAllowed);

  router
    .route('/toegankelijkheid')
    .get((_req, res) => {
      res.render('privacy/accessibility', { title: res.locals.t('privacy.accessibility.title'), contact: retention.contact() });
    })
    .all(methodNotAllowed);

  const renderForm = (res: Response, status: number, values: FormValues, errors: FieldError[]): void => {
    res.status(status).render('privacy/retention', { title: res.locals.t('privacy.retention.title'), kinds: RETENTION_KINDS, rules: RETENTION_RULES, values, errors });
  };

  router
    .route('/admin/retention')
    .all(requireCapability('retention.configure'))
    .get((req, res) => {
      const { settings, contact } = retention.forEdit(actorOf(req));
      const values: FormValues = { contact };
      for (const k of RETENTION_KINDS) values[k] = String(settings[k]);
      renderForm(res, 200, values, []);
    })
    .post((req, res) => {
      const form = parseForm(retentionSchema, req.body, RETENTION_FIELDS);
      if (!form.ok) return renderForm(res, 400, form.values, form.errors);
      retention.save(actorOf(req), form.data);
      flash(req, 'success', 'privacy.retention.saved');
      redirectAfterPost(res, '/admin/retention');
    })
    .all(methodNotAllowed);

  return router;
}
