import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../deps';
import { parseId, requireCapability } from '../../http/auth';
import { branchScope } from '../../http/branch-scope';
import { noStore } from '../../http/no-store';
import { methodNotAllowed } from '../../http/routes';
import { BadRequestError } from '../../http/errors';
import { createRateLimiter } from '../../http/rate-limit';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import { parseForm, type FieldError, type FormValues } from '../../http/validation';
import { HELP_TOPICS } from '../../lib/topics';
import { OfferGoneError, SlotTakenError } from '../appointments/appointments.model';
import { DAY_PARTS } from './waitlist.model';
import { JOIN_FIELDS, joinSchema } from './waitlist.schema';

const MANAGE = 'appointments.manage';
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

function q(req: Request, name: string): string {
  const v = req.query[name];
  return typeof v === 'string' ? v : '';
}

/**
 * /waitlist: the public form (when no time fits), the offer link a waiting citizen receives, and the staff
 * page per branch (/waitlist/staff) with the phone call list. Accepting an offer books through the normal
 * booking path and lands on the booking's own manage page.
 */
export function waitlistRouter(deps: Deps): Router {
  const router = Router();
  const { waitlist, availability } = deps;

  // Like the booking POST: generous for a library's shared IP, tight enough to stop a flood.
  const joinLimiter = createRateLimiter({ windowMs: 15 * 60_000, limit: 100 });
  // Wrong offer links count against the client, as wrong manage links do.
  const wrongGuessLimiter = createRateLimiter({ windowMs: 15 * 60_000, limit: 30, countFailuresOnly: true });

  // The form, the offer and the staff pages show personal data: not for a shared browser's or proxy's cache.
  router.use('/waitlist', noStore);

  function renderJoin(_req: Request, res: Response, status: number, values: FormValues, errors: FieldError[]): void {
    res.status(status).render('waitlist/join', {
      title: res.locals.t('waitlist.join.heading'),
      branches: availability.bookableBranches(),
      topics: HELP_TOPICS,
      weekdays: WEEKDAYS,
      dayParts: DAY_PARTS,
      values,
      errors,
    });
  }

  router
    .route('/waitlist')
    .get((req, res) => {
      const weekdays = ['1', '2', '3', '4', '5'];
      renderJoin(req, res, 200, { branch: q(req, 'branch'), topic: q(req, 'topic'), weekdays, day_parts: ['morning', 'afternoon'], language: req.lang }, []);
    })
    .post(joinLimiter, (req, res) => {
      const form = parseForm(joinSchema, req.body, JOIN_FIELDS);
      if (!form.ok) return renderJoin(req, res, 400, form.values, form.errors);
      // A branch that is not (or no longer) open for booking: the service answers 404.
      waitlist.join(actorOf(req), form.data);
      flash(req, 'success', 'waitlist.joined.flash', { name: form.data.name });
      redirectAfterPost(res, '/waitlist/joined');
    })
    .all(methodNotAllowed);

  router
    .route('/waitlist/joined')
    .get((_req, res) => {
      res.render('waitlist/joined', { title: res.locals.t('waitlist.joined.heading') });
    })
    .all(methodNotAllowed);

  // ------------------------------------------------------------------ the offer link

  router
    .route('/waitlist/offer/:token')
    .get(wrongGuessLimiter, (req, res) => {
      const view = waitlist.offerByToken(String(req.params.token));
      // Already accepted (a second click, or Back): the booking's own page says everything.
      res.render('waitlist/offer', {
        title: res.locals.t('waitlist.offer.heading'),
        ...view,
        token: req.params.token,
        when: res.locals.formatLocal(view.offer.startsAt, 'dddd D MMMM YYYY, HH:mm'),
        until: res.locals.formatLocal(view.offer.expiresAt, 'dddd D MMMM, HH:mm'),
      });
    })
    .post(wrongGuessLimiter, (req, res) => {
      try {
        const booked = waitlist.accept(actorOf(req), String(req.params.token));
        redirectAfterPost(res, `/appointments/${booked.token}?booked=1`);
      } catch (err) {
        if (err instanceof OfferGoneError || err instanceof SlotTakenError) {
          return res.status(409).render('waitlist/gone', { title: res.locals.t('waitlist.offer.gone_heading') });
        }
        throw err;
      }
    })
    .all(methodNotAllowed);

  // ------------------------------------------------------------------ staff

  router
    .route('/waitlist/staff')
    .all(requireCapability(MANAGE))
    .get((req, res) => {
      const { branch, branches } = branchScope(req, deps.branches, MANAGE);
      const actor = actorOf(req);
      res.render('waitlist/staff', {
        title: res.locals.t('waitlist.staff.title'),
        branch,
        branches,
        list: branch ? waitlist.listForStaff(actor, branch.id) : [],
        calls: branch ? waitlist.callList(actor, branch.id) : [],
      });
    })
    .all(methodNotAllowed);

  router
    .route('/waitlist/staff/:id/remove')
    .all(requireCapability(MANAGE))
    .post((req, res) => {
      const id = parseId(req.params.id);
      if (id === null) throw new BadRequestError();
      const entry = waitlist.remove(actorOf(req), id);
      flash(req, 'success', 'waitlist.staff.removed', { name: entry.name });
      redirectAfterPost(res, `/waitlist/staff?branch=${entry.branchId}`);
    })
    .all(methodNotAllowed);

  router
    .route('/waitlist/staff/offers/:id/book')
    .all(requireCapability(MANAGE))
    .post((req, res) => {
      const id = parseId(req.params.id);
      if (id === null) throw new BadRequestError();
      try {
        const booked = waitlist.acceptByStaff(actorOf(req), id);
        flash(req, 'success', 'waitlist.staff.booked', { code: booked.appointment.code });
        redirectAfterPost(res, `/waitlist/staff?branch=${booked.appointment.branchId}`);
      } catch (err) {
        if (err instanceof OfferGoneError || err instanceof SlotTakenError) {
          flash(req, 'error', 'waitlist.offer.gone');
          return redirectAfterPost(res, '/waitlist/staff');
        }
        throw err;
      }
    })
    .all(methodNotAllowed);

  return router;
}
