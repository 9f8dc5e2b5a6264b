import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { RouteDeps } from '../../deps';
import type { RequestContext } from '../../lib/request-context';
import { methodNotAllowed } from '../../http/routes';
import { parseId, requireCapability, requireSignIn } from '../../http/auth';
import { branchScope, choosableBranches } from '../../http/branch-scope';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import { ForbiddenError, NotFoundError } from '../../http/errors';
import { parseForm, type FieldError, type FormValues } from '../../http/validation';
import type { AdminSection } from '../admin/admin.routes';
import { safeNext } from '../auth/auth.schema';
import { landingFor } from '../../http/sign-in';
import type { CurrentUser } from '../../policy/policy';
import { deskPcCookie, recogniseDeskPc } from './desk-pc-cookie';
import type { DeskPc } from './desk-pcs.repository';
import type { SwitchResult } from './quick-switch.service';
import { PIN_FIELDS, REGISTER_FIELDS, STEP_UP_FIELDS, SWITCH_FIELDS, pinSchema, registerSchema, stepUpSchema, switchSchema } from './desk-pcs.schema';

declare module 'express-serve-static-core' {
  interface Request {
    /** The registered, unrevoked desk PC this browser is (its signed cookie), else null. */
    deskPc?: DeskPc | null;
  }
}

export const deskPcsAdminSection: AdminSection = {
  href: '/admin/desk-pcs',
  titleKey: 'desk-pcs.section.title',
  textKey: 'desk-pcs.section.text',
  capability: 'deskpcs.manage',
  order: 25,
};

/**
 * Runs before the routers: recognises a registered desk PC, starts the shift when someone signed in fully
 * there, and serves the rest of the request inside a context that puts the desk PC on every audit row.
 */
export function deskPcContext(deps: RouteDeps, context: RequestContext): RequestHandler {
  return (req, res, next) => {
    const deskPc = recogniseDeskPc(deps, req.headers.cookie);
    req.deskPc = deskPc;
    const session = req.session as Request['session'] | undefined;
    if (deskPc && req.user && session && !session.viaPin && session.deskShift?.deskPcId !== deskPc.id) {
      session.deskShift = { deskPcId: deskPc.id };
    }
    res.locals.deskPc = deskPc;
    res.locals.canSwitch = Boolean(deskPc && req.user && session?.deskShift?.deskPcId === deskPc.id);
    context.run({ deskPcId: deskPc?.id ?? null }, next);
  };
}

/** A new session id for a new person (or new trust), keeping only the language and the desk's shift. */
function renewSession(req: Request, fill: (s: Request['session']) => void): Promise<void> {
  const keep = { lang: req.session.lang, deskShift: req.session.deskShift, signedInAt: req.session.signedInAt };
  return new Promise((resolve, reject) => {
    req.session.regenerate((err) => {
      if (err) return reject(err);
      Object.assign(req.session, keep);
      fill(req.session);
      req.session.save((saveErr) => (saveErr ? reject(saveErr) : resolve()));
    });
  });
}

export function deskPcsRouter(deps: RouteDeps, csrf: { regenerate: (req: Request) => string }): Router {
  const router = Router();
  const { deskPcs, quickSwitch } = deps;

  // --- Registration (/admin/desk-pcs) -------------------------------------------------------------------
  const renderAdmin = (req: Request, res: Response, status: number, values: FormValues, errors: FieldError[]): void => {
    const branches = choosableBranches(deps.branches, req.user, 'deskpcs.manage');
    res.status(status).render('desk-pcs/index', {
      title: res.locals.t('desk-pcs.admin.title'),
      deskPcs: deskPcs.list(actorOf(req)),
      branchOptions: branches.map((b) => ({ value: b.id, label: b.name })),
      values,
      errors,
    });
  };
  router
    .route('/admin/desk-pcs')
    .all(requireCapability('deskpcs.manage'))
    .get((req, res) => renderAdmin(req, res, 200, {}, []))
    .post((req, res) => {
      const form = parseForm(registerSchema, req.body, REGISTER_FIELDS);
      if (!form.ok) return renderAdmin(req, res, 400, form.values, form.errors);
      // The one branch answer (a branch the person may not manage is 404), from the form's `branch` field.
      const { branch } = branchScope(req, deps.branches, 'deskpcs.manage');
      const id = deskPcs.register(actorOf(req), branch!.id, form.data.name);
      const cookie = deskPcCookie(deps.config, id);
      res.cookie(cookie.name, cookie.value, cookie.options);
      flash(req, 'success', 'desk-pcs.admin.registered', { name: form.data.name });
      redirectAfterPost(res, '/admin/desk-pcs');
    })
    .all(methodNotAllowed);

  router
    .route('/admin/desk-pcs/:id/revoke')
    .all(requireCapability('deskpcs.manage'))
    .post((req, res) => {
      const id = parseId(req.params.id);
      if (id === null) throw new NotFoundError();
      deskPcs.revoke(actorOf(req), id);
      flash(req, 'success', 'desk-pcs.admin.revoked');
      redirectAfterPost(res, '/admin/desk-pcs');
    })
    .all(methodNotAllowed);

  // --- The personal PIN (/account/pin) ------------------------------------------------------------------
  const renderPin = (res: Response, status: number, errors: FieldError[]): void => {
    res.status(status).render('desk-pcs/pin', { title: res.locals.t('desk-pcs.pin.title'), values: {}, errors });
  };
  router
    .route('/account/pin')
    .all(requireSignIn)
    .get((_req, res) => renderPin(res, 200, []))
    .post(async (req, res) => {
      const form = parseForm(pinSchema, req.body, PIN_FIELDS);
      if (!form.ok) return renderPin(res, 400, form.errors);
      const saved = await quickSwitch.setPin(actorOf(req), form.data.current_password, form.data.pin);
      if (!saved) return renderPin(res, 400, [{ field: 'current_password', key: 'auth.errors.current_wrong' }]);
      flash(req, 'success', 'desk-pcs.pin.saved');
      redirectAfterPost(res, landingFor(req.user!));
    })
    .all(methodNotAllowed);

  // --- The quick switch (/switch) ------------------------------------------------------------------------
  const renderSwitch = (req: Request, res: Response, status: number, values: FormValues, errors: FieldError[], notice?: string): void => {
    const pc = req.deskPc ?? null;
    res.status(status).render('desk-pcs/switch', {
      title: res.locals.t('desk-pcs.switch.title'),
      deskPc: pc,
      // The form only where a PIN may be used: a registered desk PC with a shift running.
      offer: Boolean(pc && res.locals.canSwitch),
      people: pc ? quickSwitch.candidates(pc).map((p) => ({ value: p.id, label: p.name })) : [],
      values,
      errors,
      notice,
    });
  };
  router
    .route('/switch')
    .get((req, res) => {
      if (!req.deskPc) throw new ForbiddenError('desk-pcs.switch.not_desk_pc');
      renderSwitch(req, res, 200, { next: typeof req.query.next === 'string' ? req.query.next : '' }, []);
    })
    .post(async (req, res) => {
      // Before reading the form: on a browser that is not a desk PC, a PIN is never even looked at.
      if (!req.deskPc) throw new ForbiddenError('desk-pcs.switch.not_desk_pc');
      const form = parseForm(switchSchema, req.body, SWITCH_FIELDS);
      if (!form.ok) return renderSwitch(req, res, 400, { ...form.values, pin: '' }, form.errors);
      const { person, email, pin, next } = form.data;
      const result: SwitchResult = await quickSwitch.switchTo({
        deskPc: req.deskPc,
        shiftDeskPcId: req.session?.deskShift?.deskPcId ?? null,
        current: req.user ?? null,
        who: person ? { userId: Number(person) } : { email },
        pin,
        ip: req.ip ?? 'unknown',
      });
      const kept = { person, email, next: next ?? '' };
      if (result.kind === 'not_desk_pc') throw new ForbiddenError('desk-pcs.switch.not_desk_pc');
      if (result.kind === 'no_shift') return renderSwitch(req, res, 403, kept, []);
      if (result.kind === 'throttled') return renderSwitch(req, res, 429, kept, [], req.t('desk-pcs.switch.throttled', { count: result.retryAfterMinutes }));
      if (result.kind === 'invalid') return renderSwitch(req, res, 400, kept, [{ field: 'pin', key: 'desk-pcs.errors.pin_wrong' }]);
      const oldSid = req.sessionID;
      await renewSession(req, (s) => {
        s.userId = result.user.id;
        s.lastSeenAt = deps.clock.now().getTime();
        s.viaPin = true;
      });
      // The previous person's live desk page on this PC must not keep their socket.
      deps.notifier.disconnectSession(oldSid);
      flash(req, 'success', 'desk-pcs.switch.done', { name: result.user.name });
      redirectAfterPost(res, safeNext(next) ?? landingFor(result.user));
    })
    .all(methodNotAllowed);

  // --- Step-up (/account/step-up) ------------------------------------------------------------------------
  const renderStepUp = (res: Response, status: number, values: FormValues, errors: FieldError[], notice?: string): void => {
    const user = res.locals.user as CurrentUser | undefined;
    const withCode = Boolean(user && deps.secondFactor.status(user.id));
    res.status(status).render('desk-pcs/step-up', { title: res.locals.t('desk-pcs.step_up.title'), values, errors, notice, withCode });
  };
  router
    .route('/account/step-up')
    .all(requireSignIn)
    .get((req, res) => renderStepUp(res, 200, { next: typeof req.query.next === 'string' ? req.query.next : '' }, []))
    .post(async (req, res) => {
      const form = parseForm(stepUpSchema, req.body, STEP_UP_FIELDS);
      if (!form.ok) return renderStepUp(res, 400, { next: form.values.next ?? '' }, form.errors);
      const back = safeNext(form.data.next) ?? landingFor(req.user!);
      if (!req.session.viaPin) return redirectAfterPost(res, back);
      const result = await quickSwitch.stepUp(actorOf(req), req.session.deskShift?.deskPcId ?? null, { password: form.data.password, code: form.data.code });
      if (result.kind === 'throttled') return renderStepUp(res, 429, { next: form.data.next ?? '' }, [], req.t('desk-pcs.switch.throttled', { count: result.retryAfterMinutes }));
      if (result.kind !== 'ok') return renderStepUp(res, 400, { next: form.data.next ?? '' }, [{ field: form.data.code?.trim() ? 'code' : 'password', key: form.data.code?.trim() ? 'desk-pcs.errors.code_wrong' : 'desk-pcs.errors.password_wrong' }]);
      const { userId, lastSeenAt } = req.session;
      await renewSession(req, (s) => {
        s.userId = userId;
        s.lastSeenAt = lastSeenAt;
        s.viaPin = false;
      });
      csrf.regenerate(req);
      redirectAfterPost(res, back);
    })
    .all(methodNotAllowed);

  return router;
}
