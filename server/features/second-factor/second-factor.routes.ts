import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../../deps';
import { requireCapability, requireSignIn } from '../../http/auth';
import { ConflictError } from '../../http/errors';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import { methodNotAllowed, pathId } from '../../http/routes';
import { parseForm, type FieldError } from '../../http/validation';
import type { CurrentUser } from '../../policy/policy';
import { qrImage } from '../appointments/qr';
import type { AdminSection } from '../admin/admin.routes';
import { SECOND_STEP_URL, landingFor, startSession } from '../../http/sign-in';
import { ENROL_FIELDS, SETTINGS_FIELDS, SIGN_IN_CODE_FIELDS, enrolSchema, settingsSchema, signInCodeSchema } from './second-factor.schema';
import { groupedSecret, totpUri } from './totp';

export const ENROL_URL = '/account/second-factor';
/** The second step must follow the password soon; a half-finished sign-in on a shared PC must not linger. */
const SECOND_STEP_MINUTES = 5;

export const secondFactorAdminSection: AdminSection = {
  href: '/admin/second-factor',
  titleKey: 'second-factor.section.title',
  textKey: 'second-factor.section.text',
  capability: 'users.manage',
  order: 25,
};

interface PendingEnrolment {
  secret: string;
}

/** /account/second-factor (enrol or replace), /login/second-factor (the second step), the admin switch and reset. */
export function secondFactorRouter(deps: RouteDeps): Router {
  const router = Router();
  const { secondFactor } = deps;

  // --- Enrolment -------------------------------------------------------------------------------------------
  const pendingSecret = (req: Request): string => {
    const drafts = (req.session.drafts ??= {});
    const pending = drafts['second-factor'] as PendingEnrolment | undefined;
    if (pending) return pending.secret;
    const secret = secondFactor.newSecret();
    drafts['second-factor'] = { secret } satisfies PendingEnrolment;
    return secret;
  };

  const renderEnrol = (req: Request, res: Response, status: number, errors: FieldError[]): void => {
    const user = req.user as CurrentUser;
    const secret = pendingSecret(req);
    res.setHeader('Cache-Control', 'no-store');
    res.status(status).render('second-factor/enrol', {
      title: res.locals.t('second-factor.enrol.title'),
      qr: qrImage(totpUri(secret, user.email)),
      secret: groupedSecret(secret),
      status: secondFactor.status(user.id),
      required: secondFactor.isRequired(user.role),
      values: {},
      errors,
    });
  };

  router
    .route(ENROL_URL)
    .all(requireSignIn)
    .get((req, res) => renderEnrol(req, res, 200, []))
    .post((req, res) => {
      const form = parseForm(enrolSchema, req.body, ENROL_FIELDS);
      if (!form.ok) return renderEnrol(req, res, 400, form.errors);
      const codes = secondFactor.confirmEnrolment(actorOf(req), pendingSecret(req), form.data.code);
      if (!codes) return renderEnrol(req, res, 400, [{ field: 'code', key: 'second-factor.errors.code_wrong' }]);
      const drafts = (req.session.drafts ??= {});
      delete drafts['second-factor'];
      drafts['second-factor-codes'] = codes;
      redirectAfterPost(res, `${ENROL_URL}/recovery-codes`);
    })
    .all(methodNotAllowed);

  // Shown exactly once: taken out of the session as the page renders, and never cached.
  router
    .route(`${ENROL_URL}/recovery-codes`)
    .all(requireSignIn)
    .get((req, res) => {
      const drafts = req.session.drafts ?? {};
      const codes = drafts['second-factor-codes'] as string[] | undefined;
      if (!codes) {
        flash(req, 'info', 'second-factor.codes.gone');
        return res.redirect(303, ENROL_URL);
      }
      delete drafts['second-factor-codes'];
      res.setHeader('Cache-Control', 'no-store');
      res.render('second-factor/recovery-codes', { title: res.locals.t('second-factor.codes.title'), codes, continueTo: landingFor(req.user as CurrentUser) });
    })
    .all(methodNotAllowed);

  // --- The second step of sign-in --------------------------------------------------------------------------
  const pendingStep = (req: Request): { userId: number; next: string | null } | null => {
    const step = req.session.secondStep;
    if (!step) return null;
    if (deps.clock.now().getTime() - step.startedAt > SECOND_STEP_MINUTES * 60_000) {
      delete req.session.secondStep;
      return null;
    }
    return step;
  };
  const renderStep = (res: Response, status: number, errors: FieldError[], notice?: string): void => {
    res.status(status).render('second-factor/sign-in', { title: res.locals.t('second-factor.sign_in.title'), values: {}, errors, notice });
  };
  const backToLogin = (req: Request, res: Response): void => {
    flash(req, 'info', 'second-factor.sign_in.expired');
    res.redirect(303, '/login');
  };

  router
    .route(SECOND_STEP_URL)
    .get((req, res) => {
      if (req.user) return res.redirect(303, landingFor(req.user));
      if (!pendingStep(req)) return backToLogin(req, res);
      renderStep(res, 200, []);
    })
    .post(async (req, res) => {
      const pending = pendingStep(req);
      if (!pending) return backToLogin(req, res);
      const form = parseForm(signInCodeSchema, req.body, SIGN_IN_CODE_FIELDS);
      if (!form.ok) return renderStep(res, 400, form.errors);
      const result = secondFactor.verifySignIn(pending.userId, form.data.code, req.ip ?? 'unknown');
      if (result.kind === 'throttled') return renderStep(res, 429, [], req.t('second-factor.sign_in.throttled', { count: result.retryAfterMinutes }));
      if (result.kind === 'invalid') return renderStep(res, 400, [{ field: 'code', key: 'second-factor.errors.code_wrong' }]);
      const user = deps.auth.currentUser(pending.userId);
      if (!user) return backToLogin(req, res);
      await startSession(req, user, deps.clock.now().getTime());
      if (result.method === 'recovery_code') flash(req, 'info', 'second-factor.sign_in.recovery_used', { count: secondFactor.status(user.id)?.unusedRecoveryCodes ?? 0 });
      redirectAfterPost(res, user.mustChangePassword ? '/account/password' : (pending.next ?? landingFor(user)));
    })
    .all(methodNotAllowed);

  // --- Admin: the requirement switch and a reset -----------------------------------------------------------
  const renderSettings = (res: Response, status: number, value: string, errors: FieldError[]): void => {
    res.status(status).render('second-factor/settings', { title: res.locals.t('second-factor.settings.title'), values: { coordinators_required: value }, errors });
  };
  router
    .route('/admin/second-factor')
    .all(requireCapability('users.manage'))
    .get((req, res) => renderSettings(res, 200, secondFactor.coordinatorsRequired(actorOf(req)) ? 'yes' : 'no', []))
    .post((req, res) => {
      const form = parseForm(settingsSchema, req.body, SETTINGS_FIELDS);
      if (!form.ok) return renderSettings(res, 400, '', form.errors);
      secondFactor.setCoordinatorsRequired(actorOf(req), form.data.coordinators_required === 'yes');
      flash(req, 'success', 'second-factor.settings.saved');
      redirectAfterPost(res, '/admin/second-factor');
    })
    .all(methodNotAllowed);

  router
    .route('/admin/users/:id/second-factor/reset')
    .all(requireCapability('users.manage'))
    .post((req, res) => {
      const id = pathId(req);
      try {
        secondFactor.reset(actorOf(req), id);
        flash(req, 'success', 'second-factor.reset.done');
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        flash(req, 'error', err.messageKey);
      }
      redirectAfterPost(res, `/admin/users/${id}`);
    })
    .all(methodNotAllowed);

  return router;
}
