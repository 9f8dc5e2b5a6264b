import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../deps';
import { requireCapability } from '../../http/auth';
import { branchScope } from '../../http/branch-scope';
import { NotFoundError } from '../../http/errors';
import { noStore } from '../../http/no-store';
import { methodNotAllowed, pathId } from '../../http/routes';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import { keepValues, parseForm, type FieldError, type FormValues } from '../../http/validation';
import { addDays, localDate } from '../../lib/time';
import { may } from '../../policy/policy';
import { LoanRefusedError } from './loans.service';
import { CONDITIONS, DEVICE_TYPES, type Device, type LoanView } from './loans.model';
import {
  LEND_FIELDS,
  RENEW_FIELDS,
  RESERVE_FIELDS,
  RETURN_FIELDS,
  SETTINGS_FIELDS,
  lendSchema,
  renewSchema,
  reserveSchema,
  returnSchema,
  settingsSchema,
} from './loans.schema';

function q(req: Request, name: string): string {
  const v = req.query[name];
  return typeof v === 'string' ? v.trim() : '';
}

/**
 * /loans: lending (device by tag, borrower found again by contact), the active and overdue loans, the
 * printable call list, one loan with take-back and renewal, a borrower's loans, reservations and the
 * printable agreement. Every page here shows personal data: no-store, and the service audits each view.
 */
export function loansRouter(deps: Deps): Router {
  const router = Router();
  const loans = deps.loans;
  const gate = requireCapability('loans.manage');
  const today = (): string => localDate(deps.clock.now());

  router.use('/loans', noStore);

  router
    .route('/loans')
    .all(gate)
    .get((req, res) => {
      const { branch, branches } = branchScope(req, deps.branches, 'loans.manage');
      const actor = actorOf(req);
      res.render('loans/index', {
        title: res.locals.t('loans.index.title'),
        branch,
        branches,
        today: today(),
        list: branch ? loans.activeLoans(actor, branch.id) : [],
        counts: branch ? loans.counts(actor, branch.id) : null,
        canConfigure: branch ? may(req.user, 'branch.configure', branch.id) : false,
        needsWipe: branch ? deps.devices.search(actor, { branchId: branch.id, status: 'needs_wipe', page: 1, pageSize: 50 }).devices : [],
      });
    })
    .all(methodNotAllowed);

  // ------------------------------------------------------------------ lend

  /**
   * Step 1 asks for the tag (typed or scanned); step 2, with a known device, shows its kit to tick. Both
   * are plain forms, so lending works without JavaScript.
   */
  function renderLend(req: Request, res: Response, status: number, values: FormValues, errors: FieldError[]): void {
    const { branch } = branchScope(req, deps.branches, 'loans.manage');
    if (!branch) throw new NotFoundError();
    const tag = (typeof values.tag === 'string' ? values.tag : '') || q(req, 'tag');
    const device: Device | null = tag ? loans.findDeviceByTag(actorOf(req), branch.id, tag) : null;
    const rules = loans.lendingRules(actorOf(req), branch.id);
    const tagErrors: FieldError[] = tag && !device && errors.length === 0 && status === 200 ? [{ field: 'tag', key: 'loans.lend.tag_unknown' }] : [];
    res.status(tagErrors.length ? 404 : status).render('loans/lend', {
      title: res.locals.t('loans.lend.title'),
      branch,
      device,
      defaultDue: device ? loans.defaultDueDate(branch.id, device.type) : null,
      defaultDays: rules.dueDays,
      usesDeposit: rules.depositCents > 0,
      canAllowExtra: may(req.user, 'loans.allow_multiple', branch.id),
      values: { tag, kit: device ? device.kit : [], deposit: rules.depositCents > 0 ? (rules.depositCents / 100).toFixed(2).replace('.', ',') : '', ...values },
      errors: [...errors, ...tagErrors],
    });
  }

  router
    .route('/loans/new')
    .all(gate)
    .get((req, res) => renderLend(req, res, 200, {}, []))
    .post((req, res) => {
      const form = parseForm(lendSchema, req.body, LEND_FIELDS);
      if (!form.ok) return renderLend(req, res, 400, form.values, form.errors);
      try {
        const loan = loans.lend(actorOf(req), form.data.branchId, form.data.input);
        flash(req, 'success', 'loans.lend.done', { tag: loan.assetTag, date: loan.dueDate });
        redirectAfterPost(res, `/loans/${loan.id}`);
      } catch (err) {
        if (!(err instanceof LoanRefusedError)) throw err;
        renderLend(req, res, 409, keepValues(req.body, LEND_FIELDS), [{ field: err.field, key: err.messageKey }]);
      }
    })
    .all(methodNotAllowed);

  // ------------------------------------------------------------------ overdue, call list

  function overdue(req: Request, res: Response, view: string, titleKey: string): void {
    const { branch, branches } = branchScope(req, deps.branches, 'loans.manage');
    if (!branch) throw new NotFoundError();
    res.render(view, { title: res.locals.t(titleKey), branch, branches, today: today(), list: loans.overdueLoans(actorOf(req), branch.id) });
  }

  router
    .route('/loans/overdue')
    .all(gate)
    .get((req, res) => overdue(req, res, 'loans/overdue', 'loans.overdue.title'))
    .all(methodNotAllowed);

  router
    .route('/loans/overdue/print')
    .all(gate)
    .get((req, res) => overdue(req, res, 'loans/call-list', 'loans.call_list.title'))
    .all(methodNotAllowed);

  // ------------------------------------------------------------------ reservations

  function renderReservations(req: Request, res: Response, status: number, values: FormValues, errors: FieldError[]): void {
    const { branch, branches } = branchScope(req, deps.branches, 'loans.manage');
    if (!branch) throw new NotFoundError();
    res.status(status).render('loans/reservations', {
      title: res.locals.t('loans.reservations.title'),
      branch,
      branches,
      types: DEVICE_TYPES,
      list: loans.openReservations(actorOf(req), branch.id),
      values: { type: 'laptop', wanted_from: addDays(today(), 1), ...values },
      errors,
    });
  }

  router
    .route('/loans/reservations')
    .all(gate)
    .get((req, res) => renderReservations(req, res, 200, {}, []))
    .post((req, res) => {
      const form = parseForm(reserveSchema, req.body, RESERVE_FIELDS);
      if (!form.ok) return renderReservations(req, res, 400, form.values, form.errors);
      try {
        loans.reserve(actorOf(req), form.data.branchId, form.data.input);
      } catch (err) {
        if (!(err instanceof LoanRefusedError)) throw err;
        return renderReservations(req, res, 409, keepValues(req.body, RESERVE_FIELDS), [{ field: err.field, key: err.messageKey }]);
      }
      flash(req, 'success', 'loans.reservations.created');
      redirectAfterPost(res, `/loans/reservations?branch=${form.data.branchId}`);
    })
    .all(methodNotAllowed);

  router
    .route('/loans/reservations/:id/cancel')
    .all(gate)
    .post((req, res) => {
      const branchId = loans.cancelReservation(actorOf(req), pathId(req));
      flash(req, 'success', 'loans.reservations.cancelled');
      redirectAfterPost(res, `/loans/reservations?branch=${branchId}`);
    })
    .all(methodNotAllowed);

  // ------------------------------------------------------------------ branch settings (who configures the branch)

  function renderSettings(req: Request, res: Response, status: number, values: FormValues | null, errors: FieldError[]): void {
    const { branch, branches } = branchScope(req, deps.branches, 'branch.configure');
    if (!branch) throw new NotFoundError();
    const rules = loans.settingsForEdit(actorOf(req), branch.id);
    const saved: FormValues = { deposit: rules.depositCents ? (rules.depositCents / 100).toFixed(2).replace('.', ',') : '' };
    for (const type of DEVICE_TYPES) saved[`days_${type}`] = String(rules.dueDays[type]);
    res.status(status).render('loans/settings', { title: res.locals.t('loans.settings.title'), branch, branches, types: DEVICE_TYPES, values: values ?? saved, errors });
  }

  router
    .route('/loans/settings')
    .all(requireCapability('branch.configure'))
    .get((req, res) => renderSettings(req, res, 200, null, []))
    .post((req, res) => {
      const form = parseForm(settingsSchema, req.body, SETTINGS_FIELDS);
      if (!form.ok) return renderSettings(req, res, 400, form.values, form.errors);
      loans.saveSettings(actorOf(req), form.data.branchId, form.data.settings);
      flash(req, 'success', 'loans.settings.saved');
      redirectAfterPost(res, `/loans/settings?branch=${form.data.branchId}`);
    })
    .all(methodNotAllowed);

  // ------------------------------------------------------------------ borrowers

  router
    .route('/loans/borrowers/:id')
    .all(gate)
    .get((req, res) => {
      const { borrower, loans: list } = loans.viewBorrower(actorOf(req), pathId(req));
      res.render('loans/borrower', { title: res.locals.t('loans.borrower.title'), borrower, list, branch: deps.branches.get(borrower.branchId) });
    })
    .all(methodNotAllowed);

  // ------------------------------------------------------------------ one loan

  function renderLoan(req: Request, res: Response, status: number, errors: FieldError[], values: FormValues = {}): void {
    const loan: LoanView = loans.viewLoan(actorOf(req), pathId(req));
    res.status(status).render('loans/loan', {
      title: res.locals.t('loans.loan.title', { tag: loan.assetTag }),
      loan,
      branch: deps.branches.get(loan.branchId),
      today: today(),
      conditions: CONDITIONS,
      values: { kit: loan.kitOut, condition: 'fine', due_date: addDays(loan.dueDate > today() ? loan.dueDate : today(), 14), ...values },
      errors,
    });
  }

  router
    .route('/loans/:id')
    .all(gate)
    .get((req, res) => renderLoan(req, res, 200, []))
    .all(methodNotAllowed);

  router
    .route('/loans/:id/agreement')
    .all(gate)
    .get((req, res) => {
      const loan = loans.viewLoan(actorOf(req), pathId(req));
      res.render('loans/agreement', { title: res.locals.t('loans.agreement.title'), loan, branch: deps.branches.get(loan.branchId) });
    })
    .all(methodNotAllowed);

  router
    .route('/loans/:id/return')
    .all(gate)
    .post((req, res) => {
      const id = pathId(req);
      const form = parseForm(returnSchema, req.body, RETURN_FIELDS);
      if (!form.ok) return renderLoan(req, res, 400, form.errors, form.values);
      const loan = loans.takeBack(actorOf(req), id, form.data);
      flash(req, 'success', loan.missingKit.length ? 'loans.return.done_missing' : 'loans.return.done', { missing: loan.missingKit.join(', ') });
      redirectAfterPost(res, `/devices/${loan.deviceId}`);
    })
    .all(methodNotAllowed);

  router
    .route('/loans/:id/renew')
    .all(gate)
    .post((req, res) => {
      const id = pathId(req);
      const form = parseForm(renewSchema, req.body, RENEW_FIELDS);
      if (!form.ok) return renderLoan(req, res, 400, form.errors, form.values);
      try {
        loans.renew(actorOf(req), id, form.data.due_date);
      } catch (err) {
        if (!(err instanceof LoanRefusedError)) throw err;
        return renderLoan(req, res, 409, [{ field: err.field, key: err.messageKey }], keepValues(req.body, RENEW_FIELDS));
      }
      flash(req, 'success', 'loans.loan.renewed', { date: form.data.due_date });
      redirectAfterPost(res, `/loans/${id}`);
    })
    .all(methodNotAllowed);

  return router;
}
