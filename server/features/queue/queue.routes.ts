import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../deps';
import { methodNotAllowed } from '../../http/routes';
import { parseForm } from '../../http/validation';
import { parseId, requireCapability } from '../../http/auth';
import { BadRequestError, NotFoundError } from '../../http/errors';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import type { QueueActionResult } from './queue.service';
import { CALL_FIELDS, callSchema } from './queue.schema';

/** Seconds between reloads of the display when JavaScript is off (with it, updates are pushed live). */
export const DISPLAY_NOSCRIPT_REFRESH_SECONDS = 20;

function idParam(req: Request): number {
  const id = parseId(req.params.id);
  if (id === null) throw new NotFoundError();
  return id;
}

/**
 * /queue/:branchId is the public waiting-room display; /queue/walkins/… and /queue/appointments/… are the
 * desk's buttons (plain forms that redirect back to /desk, so they work without JavaScript).
 */
export function queueRouter(deps: Deps): Router {
  const router = Router();
  const queue = deps.queue;
  // An early, friendly 403 for roles that never work a queue; the service asks again with the branch.
  const staff = requireCapability('queue.operate');

  type Entry = Extract<QueueActionResult, { ok: true }>['entry'];
  const back = (req: Request, res: Response, result: QueueActionResult, next?: (entry: Entry) => string): void => {
    if (!result.ok) {
      flash(req, 'info', 'queue.flash.state_changed');
      return redirectAfterPost(res, '/desk');
    }
    redirectAfterPost(res, next ? next(result.entry) : `/desk?branch=${result.entry.branchId}`);
  };

  // The desk comes from a <select> of the branch's desks, so a bad value is a forged or broken form: 400.
  const deskOf = (req: Request): number => {
    const form = parseForm(callSchema, req.body, CALL_FIELDS);
    if (!form.ok) throw new BadRequestError();
    return form.data.desk;
  };

  router
    .route('/queue/walkins/:id/call')
    .all(staff)
    .post((req, res) => {
      const id = idParam(req);
      const desk = deskOf(req);
      back(req, res, queue.callWalkin(actorOf(req), id, desk));
    })
    .all(methodNotAllowed);
  router
    .route('/queue/walkins/:id/start')
    .all(staff)
    .post((req, res) => {
      const id = idParam(req);
      back(req, res, queue.startWalkin(actorOf(req), id), (e) => `/intake/new?walkin=${id}&channel=desk&branch=${e.branchId}`);
    })
    .all(methodNotAllowed);
  router
    .route('/queue/walkins/:id/done')
    .all(staff)
    .post((req, res) => back(req, res, queue.finishWalkin(actorOf(req), idParam(req), 'done')))
    .all(methodNotAllowed);
  router
    .route('/queue/walkins/:id/no-show')
    .all(staff)
    .post((req, res) => back(req, res, queue.finishWalkin(actorOf(req), idParam(req), 'no_show')))
    .all(methodNotAllowed);
  router
    .route('/queue/appointments/:id/call')
    .all(staff)
    .post((req, res) => {
      const id = idParam(req);
      const desk = deskOf(req);
      back(req, res, queue.callAppointment(actorOf(req), id, desk));
    })
    .all(methodNotAllowed);
  router
    .route('/queue/appointments/:id/start')
    .all(staff)
    .post((req, res) => {
      const id = idParam(req);
      back(req, res, queue.startAppointment(actorOf(req), id), (e) => `/intake/new?appointment=${id}&channel=appointment&branch=${e.branchId}`);
    })
    .all(methodNotAllowed);

  // The display: public, no names. Live over a tiny WebSocket client; a reload every few seconds without JS.
  router
    .route('/queue/:branchId')
    .get((req, res) => {
      const branchId = parseId(req.params.branchId);
      const branch = branchId !== null ? deps.branches.find(branchId) : null;
      if (!branch) throw new NotFoundError();
      res.setHeader('Cache-Control', 'no-store');
      res.render('queue/display', { title: res.locals.t('queue.display.title'), branch, state: queue.displayState(branch.id), refreshSeconds: DISPLAY_NOSCRIPT_REFRESH_SECONDS });
    })
    .all(methodNotAllowed);
  router
    .route('/queue/:branchId/state.json')
    .get((req, res) => {
      const branchId = parseId(req.params.branchId);
      if (branchId === null) throw new NotFoundError();
      res.setHeader('Cache-Control', 'no-store');
      res.json(queue.displayState(branchId));
    })
    .all(methodNotAllowed);

  return router;
}
