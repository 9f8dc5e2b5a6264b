import { Router, type Response } from 'express';
import type { RouteDeps } from '../../deps';
import { requireCapability } from '../../http/auth';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import { methodNotAllowed } from '../../http/routes';
import { parseForm, type FieldError, type FormValues } from '../../http/validation';
import type { AdminSection } from '../admin/admin.routes';
import { ESCALATION_SETTINGS_FIELDS, WEEKDAYS, escalationSettingsSchema } from './escalations.settings.schema';

export const escalationSettingsAdminSection: AdminSection = {
  href: '/admin/escalations',
  titleKey: 'helpline.section.title',
  textKey: 'helpline.section.text',
  capability: 'escalations.configure',
  order: 80,
};

/** /admin/escalations: the Digihulplijn's phone number, weekly hours and chat limits. */
export function escalationSettingsRouter(deps: RouteDeps): Router {
  const router = Router();
  const { escalationSettings } = deps;

  const renderForm = (res: Response, status: number, values: FormValues, errors: FieldError[]): void => {
    res.status(status).render('escalations/settings', { title: res.locals.t('helpline.title'), weekdays: WEEKDAYS, values, errors });
  };

  router
    .route('/admin/escalations')
    .all(requireCapability('escalations.configure'))
    .get((req, res) => {
      const s = escalationSettings.forEdit(actorOf(req));
      const values: FormValues = { phone: s.helplinePhone, max_chats: String(s.maxChatsPerExpert), away_minutes: String(s.awayAfterMinutes) };
      for (const d of WEEKDAYS) {
        const h = s.helplineHours.find((x) => x.weekday === d);
        values[`opens_${d}`] = h?.opens ?? '';
        values[`closes_${d}`] = h?.closes ?? '';
      }
      renderForm(res, 200, values, []);
    })
    .post((req, res) => {
      const form = parseForm(escalationSettingsSchema, req.body, ESCALATION_SETTINGS_FIELDS);
      if (!form.ok) return renderForm(res, 400, form.values, form.errors);
      escalationSettings.save(actorOf(req), form.data);
      flash(req, 'success', 'helpline.saved');
      redirectAfterPost(res, '/admin/escalations');
    })
    .all(methodNotAllowed);

  return router;
}
