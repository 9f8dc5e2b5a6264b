import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../deps';
import { requireCapability } from '../../http/auth';
import { branchScope } from '../../http/branch-scope';
import { NotFoundError } from '../../http/errors';
import { noStore } from '../../http/no-store';
import { methodNotAllowed, pathId } from '../../http/routes';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import { keepValues, parseForm, type FieldError, type FormValues } from '../../http/validation';
import { qrImage } from '../appointments/qr';
import { LoanRefusedError } from './devices.service';
import { DEVICE_STATUSES, DEVICE_TYPES, LOCKABLE_TYPES, MANUAL_STATUSES, type Device } from './loans.model';
import { IMPORT_COLUMNS } from './devices.import';
import { DEVICE_FIELDS, IMPORT_FIELDS, importSchema, STATUS_FIELDS, WIPE_FIELDS, editDeviceSchema, newDeviceSchema, readInventoryQuery, statusSchema, wipeSchema } from './loans.schema';

const PAGE_SIZE = 50;

/** The form values of an existing device, as the edit form shows them. */
function deviceValues(d: Device): FormValues {
  return { type: d.type, asset_tag: d.assetTag, serial: d.serial, make_model: d.makeModel, kit: d.kit.join('\n'), notes: d.notes };
}

/**
 * /devices: the inventory of a branch (search, filters, pages), add and edit a device, the device page with
 * its whole history, status changes by hand and the wipe confirmation. Views live in views/loans/ (one
 * folder for the loans feature, both URL prefixes).
 */
export function devicesRouter(deps: Deps): Router {
  const router = Router();
  const devices = deps.devices;
  const gate = requireCapability('loans.manage');

  router.use('/devices', noStore);

  router
    .route('/devices')
    .all(gate)
    .get((req, res) => {
      const { branch, branches } = branchScope(req, deps.branches, 'loans.manage');
      const q = readInventoryQuery(req.query);
      const result = branch ? devices.search(actorOf(req), { branchId: branch.id, text: q.text || undefined, type: q.type, status: q.status, page: q.page, pageSize: PAGE_SIZE }) : null;
      const query = new URLSearchParams();
      if (branch) query.set('branch', String(branch.id));
      if (q.text) query.set('q', q.text);
      if (q.type) query.set('type', q.type);
      if (q.status) query.set('status', q.status);
      res.render('loans/inventory', {
        title: res.locals.t('loans.inventory.title'),
        branch,
        branches,
        q,
        result,
        query: query.toString(),
        types: DEVICE_TYPES,
        statuses: DEVICE_STATUSES,
        counts: branch ? devices.countsByStatus(actorOf(req), branch.id) : {},
      });
    })
    .all(methodNotAllowed);

  function renderNew(req: Request, res: Response, status: number, values: FormValues, errors: FieldError[]): void {
    const { branch } = branchScope(req, deps.branches, 'loans.manage');
    if (!branch) throw new NotFoundError();
    res.status(status).render('loans/device-form', { title: res.locals.t('loans.device_form.new_title'), branch, device: null, types: DEVICE_TYPES, values: { type: 'laptop', ...values }, errors });
  }

  router
    .route('/devices/new')
    .all(gate)
    .get((req, res) => renderNew(req, res, 200, {}, []))
    .post((req, res) => {
      const form = parseForm(newDeviceSchema, req.body, DEVICE_FIELDS);
      if (!form.ok) return renderNew(req, res, 400, form.values, form.errors);
      try {
        const id = devices.add(actorOf(req), form.data.branchId, form.data.device);
        flash(req, 'success', 'loans.device_form.added', { tag: form.data.device.assetTag });
        redirectAfterPost(res, `/devices/${id}`);
      } catch (err) {
        if (!(err instanceof LoanRefusedError)) throw err;
        renderNew(req, res, 409, keepValues(req.body, DEVICE_FIELDS), [{ field: err.field, key: err.messageKey }]);
      }
    })
    .all(methodNotAllowed);

  // ------------------------------------------------------------------ CSV import: paste, preview, import

  function renderImport(req: Request, res: Response, status: number, values: FormValues, errors: FieldError[], extra: Record<string, unknown> = {}): void {
    const { branch } = branchScope(req, deps.branches, 'loans.manage');
    if (!branch) throw new NotFoundError();
    res.status(status).render('loans/import', { title: res.locals.t('loans.import.title'), branch, columns: IMPORT_COLUMNS, values, errors, plan: null, imported: null, ...extra });
  }

  router
    .route('/devices/import')
    .all(gate)
    .get((req, res) => renderImport(req, res, 200, {}, []))
    .post((req, res) => {
      const form = parseForm(importSchema, req.body, IMPORT_FIELDS);
      if (!form.ok) return renderImport(req, res, 400, form.values, form.errors);
      const { branch, csv, step } = form.data;
      if (step === 'preview') {
        const plan = devices.previewImport(actorOf(req), branch, csv);
        return renderImport(req, res, plan.fileError ? 400 : 200, keepValues(req.body, IMPORT_FIELDS), [], { plan });
      }
      const { plan, imported } = devices.importCsv(actorOf(req), branch, csv);
      renderImport(req, res, plan.fileError ? 400 : 200, plan.fileError ? keepValues(req.body, IMPORT_FIELDS) : {}, [], { plan, imported });
    })
    .all(methodNotAllowed);

  function renderDevice(req: Request, res: Response, status: number, errors: FieldError[], values: FormValues = {}): void {
    const detail = devices.detail(actorOf(req), pathId(req));
    const lastReturn = [...detail.history].reverse().find((e) => e.kind === 'returned');
    res.status(status).render('loans/device', {
      title: res.locals.t('loans.device.title', { tag: detail.device.assetTag }),
      ...detail,
      branch: deps.branches.get(detail.device.branchId),
      lockable: LOCKABLE_TYPES.includes(detail.device.type),
      missingKit: (lastReturn?.details.missingKit as string[] | undefined) ?? [],
      manualStatuses: MANUAL_STATUSES,
      values,
      errors,
    });
  }

  router
    .route('/devices/:id')
    .all(gate)
    .get((req, res) => renderDevice(req, res, 200, []))
    .all(methodNotAllowed);

  function renderEdit(req: Request, res: Response, status: number, values: FormValues | null, errors: FieldError[]): void {
    const device = devices.get(actorOf(req), pathId(req));
    res.status(status).render('loans/device-form', {
      title: res.locals.t('loans.device_form.edit_title', { tag: device.assetTag }),
      branch: deps.branches.get(device.branchId),
      device,
      types: DEVICE_TYPES,
      values: values ?? deviceValues(device),
      errors,
    });
  }

  router
    .route('/devices/:id/edit')
    .all(gate)
    .get((req, res) => renderEdit(req, res, 200, null, []))
    .post((req, res) => {
      const id = pathId(req);
      // The policy first: a refused person learns nothing from validation messages.
      devices.get(actorOf(req), id);
      const form = parseForm(editDeviceSchema, req.body, DEVICE_FIELDS);
      if (!form.ok) return renderEdit(req, res, 400, form.values, form.errors);
      try {
        devices.edit(actorOf(req), id, form.data);
      } catch (err) {
        if (!(err instanceof LoanRefusedError)) throw err;
        return renderEdit(req, res, 409, keepValues(req.body, DEVICE_FIELDS), [{ field: err.field, key: err.messageKey }]);
      }
      flash(req, 'success', 'loans.device_form.saved');
      redirectAfterPost(res, `/devices/${id}`);
    })
    .all(methodNotAllowed);

  router
    .route('/devices/:id/status')
    .all(gate)
    .post((req, res) => {
      const id = pathId(req);
      devices.get(actorOf(req), id);
      const form = parseForm(statusSchema, req.body, STATUS_FIELDS);
      if (!form.ok) return renderDevice(req, res, 400, form.errors, form.values);
      try {
        devices.setStatus(actorOf(req), id, form.data.status, form.data.note);
      } catch (err) {
        if (!(err instanceof LoanRefusedError)) throw err;
        return renderDevice(req, res, 409, [{ field: 'status', key: err.messageKey }], keepValues(req.body, STATUS_FIELDS));
      }
      flash(req, 'success', 'loans.device.status_saved');
      redirectAfterPost(res, `/devices/${id}`);
    })
    .all(methodNotAllowed);

  router
    .route('/devices/:id/wipe')
    .all(gate)
    .post((req, res) => {
      const id = pathId(req);
      devices.get(actorOf(req), id);
      const form = parseForm(wipeSchema, req.body, WIPE_FIELDS);
      if (!form.ok) return renderDevice(req, res, 400, form.errors, form.values);
      try {
        const after = deps.loans.confirmWipe(actorOf(req), id, form.data);
        flash(req, 'success', after.status === 'reserved' ? 'loans.wipe.held' : 'loans.wipe.done');
      } catch (err) {
        if (!(err instanceof LoanRefusedError)) throw err;
        return renderDevice(req, res, 400, [{ field: err.field, key: err.messageKey }], keepValues(req.body, WIPE_FIELDS));
      }
      redirectAfterPost(res, `/devices/${id}`);
    })
    .all(methodNotAllowed);

  router
    .route('/devices/:id/label')
    .all(gate)
    .get((req, res) => {
      const device = devices.get(actorOf(req), pathId(req));
      // The QR holds the tag only: scanned into the lend form's tag field, it finds the device.
      res.render('loans/label', { title: res.locals.t('loans.label.title', { tag: device.assetTag }), device, branch: deps.branches.get(device.branchId), qr: qrImage(device.assetTag) });
    })
    .all(methodNotAllowed);

  return router;
}
