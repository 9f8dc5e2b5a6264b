import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../../deps';
import { parseId, requireCapability } from '../../http/auth';
import { BadRequestError, ConflictError } from '../../http/errors';
import { assertMay, branchIdsFor, may } from '../../policy/policy';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import { methodNotAllowed, pathId } from '../../http/routes';
import { keepValues, parseForm, type FieldError, type FormValues } from '../../http/validation';
import type { Branch } from './branches.service';
import {
  BOOKING_FIELDS,
  BRANCH_FIELDS,
  CLOSURE_FIELDS,
  HOURS_FIELDS,
  PERIODS_PER_DAY,
  STAFFING_MODELS,
  WEEKDAYS,
  bookingSchema,
  branchSchema,
  branchValues,
  closureSchema,
  hoursFieldName,
  hoursSchema,
  hoursValues,
} from './branches.schema';

/** Only admins create, rename, retire or reopen branches (branch.create); coordinators look after their own schedule. */
const creates = requireCapability('branch.create');

/**
 * The branch of a route, after the permission check: a malformed id is 400, a branch the person may not
 * configure is 404 whether or not it exists (the same answers as branchScope gives for ?branch=).
 */
function branchOf(deps: RouteDeps, req: Request): Branch {
  const id = parseId(req.params.id);
  if (id === null) throw new BadRequestError();
  assertMay(req.user, 'branch.configure', id);
  return deps.branches.get(id);
}

const NEW_BRANCH_VALUES: FormValues = {
  name: '',
  address: '',
  postcode: '',
  city: '',
  municipality: '',
  phone: '',
  inside_library: 'yes',
  staffing_model: 'volunteers',
  slot_minutes: '30',
  desks: '1',
  horizon_days: '28',
  min_notice_minutes: '60',
  waitlist_hold_minutes: '240',
};

/** /admin/branches: admins manage every branch; coordinators the hours, closures and booking settings of their own. */
export function branchesRouter(deps: RouteDeps): Router {
  const router = Router();
  router.use(requireCapability('branch.configure'));

  const renderForm = (res: Response, status: number, branch: Branch | null, values: FormValues, errors: FieldError[]): void => {
    const user = res.locals.user as Request['user'];
    res.status(status).render('branches/form', {
      title: branch ? branch.name : res.locals.t('branches.new.title'),
      branch,
      tab: 'details',
      values,
      errors,
      staffingModels: STAFFING_MODELS,
      fullForm: may(user, 'branch.create'),
    });
  };

  const renderHours = (res: Response, status: number, branch: Branch, values: FormValues, errors: FieldError[]): void => {
    res.status(status).render('branches/hours', {
      title: res.locals.t('branches.hours.title', { name: branch.name }),
      branch,
      tab: 'hours',
      values,
      errors,
      weekdays: WEEKDAYS,
      periods: PERIODS_PER_DAY,
      fieldName: hoursFieldName,
    });
  };

  const renderClosures = (res: Response, status: number, branch: Branch, values: FormValues, errors: FieldError[]): void => {
    res.status(status).render('branches/closures', {
      title: res.locals.t('branches.closures.title', { name: branch.name }),
      branch,
      tab: 'closures',
      closures: deps.branches.upcomingClosures(branch.id),
      values,
      errors,
    });
  };

  router
    .route('/')
    .get((req, res) => {
      const user = req.user!;
      const all = deps.branches.listAll();
      const ids = branchIdsFor(user, 'branch.configure');
      const branches = ids === null ? all : all.filter((b) => ids.includes(b.id));
      res.render('branches/index', { title: res.locals.t('branches.index.title'), branches, canCreate: may(user, 'branch.create') });
    })
    .all(methodNotAllowed);

  router
    .route('/new')
    .all(creates)
    .get((_req, res) => renderForm(res, 200, null, NEW_BRANCH_VALUES, []))
    .post((req, res) => {
      const form = parseForm(branchSchema, req.body, BRANCH_FIELDS);
      if (!form.ok) return renderForm(res, 400, null, form.values, form.errors);
      let id: number;
      try {
        id = deps.branches.create(actorOf(req), form.data);
      } catch (err) {
        // Also what a double submit gets: the first one made the branch, the name is now taken.
        if (err instanceof ConflictError) return renderForm(res, 409, null, keepValues(req.body, BRANCH_FIELDS), [{ field: 'name', key: err.messageKey }]);
        throw err;
      }
      flash(req, 'success', 'branches.new.done', { name: form.data.name });
      redirectAfterPost(res, `/admin/branches/${id}/hours`);
    })
    .all(methodNotAllowed);

  router
    .route('/:id')
    .get((req, res) => {
      const branch = branchOf(deps, req);
      renderForm(res, 200, branch, branchValues(branch), []);
    })
    .post((req, res) => {
      const branch = branchOf(deps, req);
      const actor = actorOf(req);
      if (may(req.user, 'branch.create')) {
        const form = parseForm(branchSchema, req.body, BRANCH_FIELDS);
        if (!form.ok) return renderForm(res, 400, branch, form.values, form.errors);
        try {
          deps.branches.update(actor, branch.id, form.data);
        } catch (err) {
          if (err instanceof ConflictError) return renderForm(res, 409, branch, keepValues(req.body, BRANCH_FIELDS), [{ field: 'name', key: err.messageKey }]);
          throw err;
        }
      } else {
        // Coordinators send only the booking settings; anything else in the body is ignored.
        const form = parseForm(bookingSchema, req.body, BOOKING_FIELDS);
        if (!form.ok) return renderForm(res, 400, branch, { ...branchValues(branch), ...form.values }, form.errors);
        deps.branches.updateBookingSettings(actor, branch.id, form.data);
      }
      flash(req, 'success', 'branches.edit.saved');
      redirectAfterPost(res, `/admin/branches/${branch.id}`);
    })
    .all(methodNotAllowed);

  router
    .route('/:id/hours')
    .get((req, res) => {
      const branch = branchOf(deps, req);
      renderHours(res, 200, branch, hoursValues(deps.branches.openingHours(branch.id)), []);
    })
    .post((req, res) => {
      const branch = branchOf(deps, req);
      const form = parseForm(hoursSchema, req.body, HOURS_FIELDS);
      if (!form.ok) return renderHours(res, 400, branch, form.values, form.errors);
      deps.branches.replaceOpeningHours(actorOf(req), branch.id, form.data);
      flash(req, 'success', 'branches.hours.saved');
      redirectAfterPost(res, `/admin/branches/${branch.id}/hours`);
    })
    .all(methodNotAllowed);

  router
    .route('/:id/closures')
    .get((req, res) => {
      const branch = branchOf(deps, req);
      renderClosures(res, 200, branch, { start_date: '', end_date: '', reason: '' }, []);
    })
    .post((req, res) => {
      const branch = branchOf(deps, req);
      const form = parseForm(closureSchema, req.body, CLOSURE_FIELDS);
      if (!form.ok) return renderClosures(res, 400, branch, form.values, form.errors);
      try {
        deps.branches.addClosure(actorOf(req), branch.id, form.data);
      } catch (err) {
        if (err instanceof ConflictError) return renderClosures(res, 409, branch, keepValues(req.body, CLOSURE_FIELDS), [{ field: 'start_date', key: err.messageKey }]);
        throw err;
      }
      flash(req, 'success', 'branches.closures.added');
      redirectAfterPost(res, `/admin/branches/${branch.id}/closures`);
    })
    .all(methodNotAllowed);

  router
    .route('/:id/closures/:closureId/delete')
    .post((req, res) => {
      const branch = branchOf(deps, req);
      const closureId = pathId(req, 'closureId');
      // The repository deletes only within this branch, so another branch's closure id is a 404.
      deps.branches.removeClosure(actorOf(req), branch.id, closureId);
      flash(req, 'success', 'branches.closures.removed');
      redirectAfterPost(res, `/admin/branches/${branch.id}/closures`);
    })
    .all(methodNotAllowed);

  const setRetired = (retired: boolean) => (req: Request, res: Response) => {
    const branch = branchOf(deps, req);
    deps.branches.setRetired(actorOf(req), branch.id, retired);
    flash(req, 'success', retired ? 'branches.retire.done' : 'branches.reopen.done', { name: branch.name });
    redirectAfterPost(res, `/admin/branches/${branch.id}`);
  };
  router.route('/:id/retire').all(creates).post(setRetired(true)).all(methodNotAllowed);
  router.route('/:id/reopen').all(creates).post(setRetired(false)).all(methodNotAllowed);

  return router;
}
