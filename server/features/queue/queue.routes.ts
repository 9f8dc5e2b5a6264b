import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../deps';
import { methodNotAllowed, pathId } from '../../http/routes';
import { parseOrBadRequest } from '../../http/validation';
import { parseId, requireCapability } from '../../http/auth';
import { NotFoundError } from '../../http/errors';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import type { QueueActionEntry, QueueActionResult } from './queue.service';
import { CALL_FIELDS, callSchema } from './queue.schema';

/** Seconds between reloads of the display when JavaScript is off (with it, updates are pushed live). */
export const DISPLAY_NOSCRIPT_REFRESH_SECONDS = 20;

/**
 * /queue/:branchId is the public waiting-room display; /queue/walkins/… and /queue/appointments/… are the
 * desk's buttons (plain forms that redirect back to /desk, so they work without JavaScript).
 */
export function queueRouter(deps: Deps): Router {
  const router = Router();
  const queue = deps.queue;
  // An early, friendly 403 for roles that never work a queue; the service asks again with the branch.
  const staff = requireCapability('queue.operate');

  /** Where every desk button lands: the desk, at the queue panel, with a message naming who it was about. */
  const DESK_ANCHOR = '#queue-panel';
  const whoOf = (req: Request, e: QueueActionEntry): string =>
    e.kind === 'walkin' ? req.t('queue.panel.walkin_label', { number: e.label }) : e.name ? req.t('queue.flash.appointment_named', { name: e.name, time: e.label }) : req.t('queue.panel.appointment_label', { time: e.label });
  const back = (req: Request, res: Response, result: QueueActionResult, done: 'called' | 'started' | 'done' | 'no_show'): void => {
    if (!result.ok) {
      flash(req, 'info', 'queue.flash.state_changed');
      return redirectAfterPost(res, `/desk${DESK_ANCHOR}`);
    }
    const e = result.entry;
    flash(req, 'success', `queue.flash.${done}`, { who: whoOf(req, e), desk: e.desk ?? '' });
    redirectAfterPost(res, `/desk?branch=${e.branchId}${DESK_ANCHOR}`);
  };

  // The desk comes from a <select> of the branch's desks, so a bad value is a forged or broken form: 400.
  const deskOf = (req: Request): number => parseOrBadRequest(callSchema, req.body, CALL_FIELDS).desk;

  // Each desk button is a POST of its own: staff only, any other method 405.
  const deskButton = (path: string, handler: (req: Request, res: Response) => void): void => {
    router.route(path).all(staff).post(handler).all(methodNotAllowed);
  };
  // "Helpen" stays on the desk too: the row then offers "Naar registratie" for when the help is over.
  deskButton('/queue/walkins/:id/call', (req, res) => back(req, res, queue.callWalkin(actorOf(req), pathId(req), deskOf(req)), 'called'));
  deskButton('/queue/walkins/:id/start', (req, res) => back(req, res, queue.startWalkin(actorOf(req), pathId(req)), 'started'));
  deskButton('/queue/walkins/:id/done', (req, res) => back(req, res, queue.finishWalkin(actorOf(req), pathId(req), 'done'), 'done'));
  deskButton('/queue/walkins/:id/no-show', (req, res) => back(req, res, queue.finishWalkin(actorOf(req), pathId(req), 'no_show'), 'no_show'));
  deskButton('/queue/appointments/:id/call', (req, res) => back(req, res, queue.callAppointment(actorOf(req), pathId(req), deskOf(req)), 'called'));
  deskButton('/queue/appointments/:id/start', (req, res) => back(req, res, queue.startAppointment(actorOf(req), pathId(req)), 'started'));

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
      const branchId = pathId(req, 'branchId');
      res.setHeader('Cache-Control', 'no-store');
      res.json(queue.displayState(branchId));
    })
    .all(methodNotAllowed);

  return router;
}
