import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../../deps';
import { requireCapability } from '../../http/auth';
import { ROLES } from '../../policy/policy';
import { ConflictError } from '../../http/errors';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import { methodNotAllowed, pathId } from '../../http/routes';
import { keepValues, parseForm, type FieldError, type FormValues } from '../../http/validation';
import type { UserWithBranches } from './users.service';
import { BRANCH_ROLES, USER_EDIT_FIELDS, USER_FIELDS, createUserSchema, editUserSchema } from './users.schema';

/** The one-time password waits in the session between the POST and the page that shows it once. */
interface PendingPassword {
  userId: number;
  password: string;
  reason: 'created' | 'reset';
}

function takePendingPassword(req: Request, userId: number): PendingPassword | null {
  const drafts = req.session.drafts;
  const pending = drafts?.users as PendingPassword | undefined;
  if (!drafts || !pending || pending.userId !== userId) return null;
  delete drafts.users;
  return pending;
}

function keepPendingPassword(req: Request, pending: PendingPassword): void {
  req.session.drafts = { ...(req.session.drafts ?? {}), users: pending };
}

/** Form values of an existing account, for the edit form. */
function valuesOf(user: UserWithBranches): FormValues {
  return { name: user.name, role: user.role, branch_ids: user.branchIds.map(String) };
}

/** /admin/users: accounts, roles and branches. Admins only. */
export function usersRouter(deps: RouteDeps): Router {
  const router = Router();
  router.use(requireCapability('users.manage'));

  const branchOptions = (): { id: number; name: string; retired: boolean }[] =>
    deps.branches.listAll().map((b) => ({ id: b.id, name: b.name, retired: b.retiredAt !== null }));

  const renderNew = (res: Response, status: number, values: FormValues, errors: FieldError[]): void => {
    res.status(status).render('users/form', {
      title: res.locals.t('users.new.title'),
      mode: 'new',
      subject: null,
      values,
      errors,
      roles: ROLES,
      branchRoles: BRANCH_ROLES,
      branches: branchOptions(),
    });
  };

  const renderEdit = (res: Response, status: number, subject: UserWithBranches, values: FormValues, errors: FieldError[]): void => {
    res.status(status).render('users/form', {
      title: res.locals.t('users.edit.title', { name: subject.name }),
      mode: 'edit',
      subject,
      secondFactor: deps.secondFactor.status(subject.id),
      values,
      errors,
      roles: ROLES,
      branchRoles: BRANCH_ROLES,
      branches: branchOptions(),
    });
  };

  router
    .route('/')
    .get((req, res) => {
      const branchNames = new Map(deps.branches.listAll().map((b) => [b.id, b.name]));
      const users = deps.users.list(actorOf(req)).map((u) => ({ ...u, branchNames: u.branchIds.map((id) => branchNames.get(id) ?? `#${id}`) }));
      res.render('users/index', { title: res.locals.t('users.index.title'), users });
    })
    .all(methodNotAllowed);

  router
    .route('/new')
    .get((_req, res) => renderNew(res, 200, { name: '', email: '', role: 'volunteer', branch_ids: [] }, []))
    .post(async (req, res) => {
      const form = parseForm(createUserSchema, req.body, USER_FIELDS);
      if (!form.ok) return renderNew(res, 400, form.values, form.errors);
      const { name, email, role, branch_ids: branchIds } = form.data;
      try {
        const created = await deps.users.create(actorOf(req), { name, email, role, branchIds });
        keepPendingPassword(req, { userId: created.id, password: created.temporaryPassword, reason: 'created' });
        redirectAfterPost(res, `/admin/users/${created.id}/password`);
      } catch (err) {
        // A taken e-mail address (also a double submit) is a form error, not a crash.
        if (err instanceof ConflictError) return renderNew(res, 409, keepValues(req.body, USER_FIELDS), [{ field: 'email', key: err.messageKey }]);
        throw err;
      }
    })
    .all(methodNotAllowed);

  router
    .route('/:id')
    .get((req, res) => {
      const subject = deps.users.account(actorOf(req), pathId(req));
      renderEdit(res, 200, subject, valuesOf(subject), []);
    })
    .post((req, res) => {
      const subject = deps.users.account(actorOf(req), pathId(req));
      const form = parseForm(editUserSchema, req.body, USER_EDIT_FIELDS);
      if (!form.ok) return renderEdit(res, 400, subject, form.values, form.errors);
      try {
        deps.users.update(actorOf(req), subject.id, { name: form.data.name, role: form.data.role, branchIds: form.data.branch_ids });
      } catch (err) {
        // The last active admin cannot lose the role: there would be nobody left to manage accounts.
        if (err instanceof ConflictError) return renderEdit(res, 409, subject, keepValues(req.body, USER_EDIT_FIELDS), [{ field: 'role', key: err.messageKey }]);
        throw err;
      }
      flash(req, 'success', 'users.edit.saved', { name: form.data.name });
      redirectAfterPost(res, '/admin/users');
    })
    .all(methodNotAllowed);

  const setDisabled = (disabled: boolean) => (req: Request, res: Response) => {
    const subject = deps.users.account(actorOf(req), pathId(req));
    try {
      deps.users.setDisabled(actorOf(req), subject.id, disabled);
    } catch (err) {
      if (err instanceof ConflictError) return renderEdit(res, 409, subject, valuesOf(subject), [{ field: 'account-actions', key: err.messageKey }]);
      throw err;
    }
    flash(req, 'success', disabled ? 'users.disable.done' : 'users.enable.done', { name: subject.name });
    redirectAfterPost(res, `/admin/users/${subject.id}`);
  };
  router.route('/:id/disable').post(setDisabled(true)).all(methodNotAllowed);
  router.route('/:id/enable').post(setDisabled(false)).all(methodNotAllowed);

  router
    .route('/:id/reset-password')
    .post(async (req, res) => {
      const subject = deps.users.account(actorOf(req), pathId(req));
      let password: string;
      try {
        password = await deps.users.resetPassword(actorOf(req), subject.id);
      } catch (err) {
        if (err instanceof ConflictError) return renderEdit(res, 409, subject, valuesOf(subject), [{ field: 'account-actions', key: err.messageKey }]);
        throw err;
      }
      keepPendingPassword(req, { userId: subject.id, password, reason: 'reset' });
      redirectAfterPost(res, `/admin/users/${subject.id}/password`);
    })
    .all(methodNotAllowed);

  // Shown exactly once: the session copy is deleted as the page is rendered, and the page is not cached.
  router
    .route('/:id/password')
    .get((req, res) => {
      const subject = deps.users.account(actorOf(req), pathId(req));
      const pending = takePendingPassword(req, subject.id);
      if (!pending) {
        flash(req, 'info', 'users.password.gone');
        return res.redirect(303, `/admin/users/${subject.id}`);
      }
      res.setHeader('Cache-Control', 'no-store');
      res.render('users/password', { title: res.locals.t('users.password.title'), subject, password: pending.password, reason: pending.reason });
    })
    .all(methodNotAllowed);

  return router;
}
