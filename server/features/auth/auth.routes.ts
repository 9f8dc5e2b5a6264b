import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../../deps';
import { methodNotAllowed } from '../../http/routes';
import { parseForm } from '../../http/validation';
import { requireSignIn } from '../../http/auth';
import type { CurrentUser } from '../../policy/policy';
import { NotFoundError } from '../../http/errors';
import { flash, redirectAfterPost } from '../../http/locals';
import type { FieldError } from '../../http/validation';
import { deviceCookieFor, trustedDevice } from './device-cookie';
import { SECOND_STEP_URL, beginSecondStep, landingFor, startSession } from '../../http/sign-in';
import { LOGIN_FIELDS, PASSWORD_FIELDS, SETUP_FIELDS, loginSchema, passwordSchema, safeNext, setupSchema } from './auth.schema';

export function authRouter(deps: RouteDeps, csrf: { regenerate: (req: Request) => string }): Router {
  const router = Router();

  const renderLogin = (res: Response, status: number, values: Record<string, unknown>, errors: FieldError[], notice?: string): void => {
    res.status(status).render('auth/login', { title: res.locals.t('auth.login.title'), values, errors, notice });
  };

  router
    .route('/login')
    .get((req, res) => {
      if (deps.auth.needsSetup()) return res.redirect(303, '/setup');
      if (req.user) return res.redirect(303, landingFor(req.user));
      renderLogin(res, 200, { next: typeof req.query.next === 'string' ? req.query.next : '' }, []);
    })
    .post(async (req, res) => {
      const form = parseForm(loginSchema, req.body, LOGIN_FIELDS);
      if (!form.ok) return renderLogin(res, 400, { ...form.values, password: '' }, form.errors);
      const device = trustedDevice(req.headers.cookie, deps.config, form.data.email);
      const result = await deps.auth.signIn(form.data.email, form.data.password, req.ip ?? 'unknown', device);
      if (result.kind === 'throttled') {
        return renderLogin(res, 429, { email: form.data.email, next: form.data.next ?? '' }, [], req.t('auth.login.throttled', { count: result.retryAfterMinutes }));
      }
      if (result.kind === 'invalid') {
        return renderLogin(res, 400, { email: form.data.email, next: form.data.next ?? '' }, [{ field: 'email', key: 'auth.login.invalid' }]);
      }
      const deviceCookie = deviceCookieFor(req.headers.cookie, deps.config, form.data.email);
      // With a second factor the password is only the first step: nobody is signed in until the code.
      if (deps.secondFactor.isEnrolled(result.user.id)) {
        await beginSecondStep(req, result.user.id, form.data.next, deps.clock.now().getTime());
        res.cookie(deviceCookie.name, deviceCookie.value, deviceCookie.options);
        return redirectAfterPost(res, SECOND_STEP_URL);
      }
      await startSession(req, result.user, deps.clock.now().getTime());
      res.cookie(deviceCookie.name, deviceCookie.value, deviceCookie.options);
      redirectAfterPost(res, result.user.mustChangePassword ? '/account/password' : (safeNext(form.data.next) ?? landingFor(result.user)));
    })
    .all(methodNotAllowed);

  router
    .route('/logout')
    .post((req, res, next) => {
      const sid = req.sessionID;
      if (req.user) deps.auth.recordSignOut(req.user, req.ip ?? 'unknown');
      req.session.destroy((err) => {
        if (err) return next(err);
        deps.notifier.disconnectSession(sid);
        res.clearCookie('dichterbij.sid', { path: '/' });
        redirectAfterPost(res, '/login?signed_out=1');
      });
    })
    .all(methodNotAllowed);

  // First run only: once any account exists this page is gone (404).
  const setupOnly = (_req: Request, _res: Response, next: (err?: unknown) => void): void => {
    if (!deps.auth.needsSetup()) return next(new NotFoundError());
    next();
  };
  router
    .route('/setup')
    .all(setupOnly)
    .get((_req, res) => {
      res.render('auth/setup', { title: res.locals.t('auth.setup.title'), values: {}, errors: [] });
    })
    .post(async (req, res) => {
      const form = parseForm(setupSchema, req.body, SETUP_FIELDS);
      if (!form.ok) {
        return res.status(400).render('auth/setup', {
          title: res.locals.t('auth.setup.title'),
          values: { ...form.values, password: '', password_confirm: '' },
          errors: form.errors,
        });
      }
      const user = await deps.auth.createFirstAdmin(form.data, req.ip ?? 'unknown');
      if (!user) throw new NotFoundError();
      await startSession(req, user, deps.clock.now().getTime());
      flash(req, 'success', 'auth.setup.done');
      redirectAfterPost(res, '/admin');
    })
    .all(methodNotAllowed);

  router
    .route('/account/password')
    .all(requireSignIn)
    .get((_req, res) => {
      res.render('auth/password', { title: res.locals.t('auth.password.title'), values: {}, errors: [] });
    })
    .post(async (req, res) => {
      const form = parseForm(passwordSchema, req.body, PASSWORD_FIELDS);
      const rerender = (errors: FieldError[]): void =>
        res.status(400).render('auth/password', { title: res.locals.t('auth.password.title'), values: {}, errors });
      if (!form.ok) return rerender(form.errors);
      const user = req.user as CurrentUser;
      const changed = await deps.auth.changeOwnPassword(user, form.data.current_password, form.data.password, req.ip ?? 'unknown');
      if (!changed) return rerender([{ field: 'current_password', key: 'auth.errors.current_wrong' }]);
      deps.users.signOutElsewhere(user.id, req.sessionID);
      csrf.regenerate(req);
      flash(req, 'success', 'auth.password.changed');
      redirectAfterPost(res, landingFor({ ...user, mustChangePassword: false }));
    })
    .all(methodNotAllowed);

  return router;
}
