import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Deps } from '../../deps';
import { parseId, requireCapability } from '../../http/auth';
import { branchScope } from '../../http/branch-scope';
import { may } from '../../policy/policy';
import { kioskReset } from '../../http/kiosk';
import { noStore } from '../../http/no-store';
import { methodNotAllowed } from '../../http/routes';
import { BadRequestError, ConflictError, NotFoundError } from '../../http/errors';
import { createRateLimiter } from '../../http/rate-limit';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import { keepValues, parseForm, type FieldError, type FormValues } from '../../http/validation';
import { addDays, isValidLocalDate, localDate } from '../../lib/time';
import { HELP_TOPICS } from '../../lib/topics';
import { SlotTakenError, type Appointment } from './appointments.model';
import { qrImage } from './qr';
import {
  CANCEL_FIELDS,
  RESCHEDULE_FIELDS,
  STAFF_BOOK_FIELDS,
  STATUS_FIELDS,
  cancelSchema,
  rescheduleSchema,
  staffBookSchema,
  statusSchema,
} from './appointments.schema';

const MANAGE = 'appointments.manage';
const UPCOMING_DAYS = 7;

function q(req: Request, name: string): string {
  const v = req.query[name];
  return typeof v === 'string' ? v : '';
}

/**
 * /appointments: the citizen's manage link (/appointments/:token …) and the staff pages (list, day list,
 * book for someone, one booking by numeric id). A token is 43 base64url characters and an id is a number,
 * so the two can share the prefix without ever being confused.
 */
export function appointmentsRouter(deps: Deps): Router {
  const router = Router();
  const { appointments, appointmentStatus, booking, availability, appointmentMail } = deps;
  const today = (): string => localDate(deps.clock.now());

  // Wrong manage links count against the client; right ones do not. 30 wrong in 15 minutes → 429, so
  // guessing a 256-bit token (or a code, via the same limiter) is hopeless and noisy.
  const wrongGuessLimiter = createRateLimiter({ windowMs: 15 * 60_000, limit: 30, countFailuresOnly: true });

  // Every page here may show personal data: never keep it in a (shared kiosk's) browser or proxy cache.
  router.use('/appointments', noStore);
  // A citizen's manage page on a library kiosk goes back to the start after a while without input.
  router.use('/appointments', kioskReset(deps.config));

  // ------------------------------------------------------------------ staff helpers

  /** One booking for staff: 400 for a malformed id, 404 if unknown or of a branch the person does not work at. */
  function staffAppointment(req: Request): Appointment {
    const id = parseId(req.params.key ?? req.params.id);
    if (id === null) throw new BadRequestError();
    return appointments.findForStaff(actorOf(req), id);
  }

  function listUrl(a: Appointment): string {
    return `/appointments?branch=${a.branchId}&date=${a.localDate}`;
  }

  // ------------------------------------------------------------------ staff: list, day list, book for someone

  router
    .route('/appointments')
    .all(requireCapability(MANAGE))
    .get((req, res) => {
      const { branch, branches } = branchScope(req, deps.branches, MANAGE);
      const actor = actorOf(req);
      const date = isValidLocalDate(q(req, 'date')) ? q(req, 'date') : today();
      const list = branch ? appointments.listDay(actor, branch.id, date) : [];
      const upcoming = branch ? appointments.listBetween(actor, branch.id, addDays(date, 1), addDays(date, UPCOMING_DAYS)).filter((a) => a.status !== 'cancelled') : [];
      res.render('appointments/list', {
        title: res.locals.t('appointments.staff.title'),
        branch,
        branches,
        date,
        isToday: date === today(),
        list,
        upcoming,
        counts: branch ? appointments.countsByStatus(actor, branch.id, date) : {},
      });
    })
    .all(methodNotAllowed);

  router
    .route('/appointments/day')
    .all(requireCapability(MANAGE))
    .get((req, res) => {
      const { branch } = branchScope(req, deps.branches, MANAGE);
      if (!branch) throw new NotFoundError();
      const date = isValidLocalDate(q(req, 'date')) ? q(req, 'date') : today();
      const list = appointments.dayListForPrint(actorOf(req), branch.id, date).filter((a) => a.status !== 'cancelled');
      res.render('appointments/day', { title: res.locals.t('appointments.daylist.title', { date }), branch, date, list });
    })
    .all(methodNotAllowed);

  // Tomorrow's bookings without e-mail, to ring as their reminder; printable.
  router
    .route('/appointments/reminder-calls')
    .all(requireCapability(MANAGE))
    .get((req, res) => {
      const { branch } = branchScope(req, deps.branches, MANAGE);
      if (!branch) throw new NotFoundError();
      const date = isValidLocalDate(q(req, 'date')) ? q(req, 'date') : addDays(today(), 1);
      const list = appointments.reminderCallList(actorOf(req), branch.id, date);
      res.render('appointments/reminder-calls', { title: res.locals.t('appointments.calls.title'), branch, date, list });
    })
    .all(methodNotAllowed);

  function renderNew(req: Request, res: Response, status: number, values: FormValues, errors: FieldError[]): void {
    const { branch, branches } = branchScope(req, deps.branches, MANAGE);
    if (!branch) throw new NotFoundError();
    const dateValue = typeof values.date === 'string' && isValidLocalDate(values.date) ? values.date : '';
    const date = dateValue || (isValidLocalDate(q(req, 'date')) ? q(req, 'date') : today());
    const day = availability.freeDays(branch.id, date, 1, true)[0];
    res.status(status).render('appointments/new', {
      title: res.locals.t('appointments.new.title'),
      branch,
      branches,
      date,
      slots: day?.slots ?? [],
      topics: HELP_TOPICS,
      canOverride: may(req.user, 'appointments.override_capacity', branch.id),
      values: { language: 'nl', channel: 'desk', ...values },
      errors,
    });
  }

  router
    .route('/appointments/new')
    .all(requireCapability(MANAGE))
    .get((req, res) => renderNew(req, res, 200, {}, []))
    .post((req, res) => {
      const form = parseForm(staffBookSchema, req.body, STAFF_BOOK_FIELDS);
      if (!form.ok) return renderNew(req, res, 400, form.values, form.errors);
      // The booking service asks the policy: appointments.manage in that branch, and for a (forged) override
      // appointments.override_capacity. Hiding the checkbox is not a permission.
      try {
        const booked = booking.book(actorOf(req), {
          branchId: form.data.branchId,
          topicKey: form.data.topic,
          startsAt: form.data.startsAt,
          name: form.data.name,
          email: form.data.email,
          phone: form.data.phone,
          needs: form.data.needs,
          language: form.data.language,
          channel: form.data.channel,
          idempotencyKey: null,
          capacityOverride: form.data.override,
        });
        flash(req, 'success', 'appointments.new.booked', { code: booked.appointment.code });
        redirectAfterPost(res, `/appointments/${booked.appointment.id}`);
      } catch (err) {
        if (err instanceof SlotTakenError) {
          return renderNew(req, res, 409, keepValues(req.body, STAFF_BOOK_FIELDS), [{ field: 'start', key: 'booking.taken.title' }]);
        }
        throw err;
      }
    })
    .all(methodNotAllowed);

  // ------------------------------------------------------------------ citizen: manage link

  /** Passes numeric ids on to the staff routes; everything else is a (possibly wrong) token. */
  const tokenOnly = (req: Request, _res: Response, next: NextFunction): void => {
    if (parseId(req.params.key) !== null) return next('route');
    next();
  };

  function citizenAppointment(req: Request): Appointment {
    return booking.getByToken(String(req.params.key));
  }

  router
    .route('/appointments/:key')
    .get(tokenOnly, wrongGuessLimiter, (req, res) => {
      const a = citizenAppointment(req);
      res.render('appointments/manage', {
        title: res.locals.t('appointments.manage.title'),
        a,
        branch: availability.branch(a.branchId),
        token: req.params.key,
        qr: qrImage(appointmentMail.checkInUrl(a)),
        justBooked: q(req, 'booked') === '1',
      });
    })
    .all(tokenOnly, methodNotAllowed);

  router
    .route('/appointments/:key/calendar.ics')
    .get(wrongGuessLimiter, (req, res) => {
      const a = citizenAppointment(req);
      res.type('text/calendar; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="afspraak.ics"');
      res.setHeader('Cache-Control', 'no-store');
      res.send(appointmentMail.calendarFor(a, deps.branches.get(a.branchId)));
    })
    .all(methodNotAllowed);

  router
    .route('/appointments/:key/cancel')
    .get(tokenOnly, wrongGuessLimiter, (req, res) => {
      const a = citizenAppointment(req);
      res.render('appointments/cancel', { title: res.locals.t('appointments.manage.cancel_heading'), a, branch: availability.branch(a.branchId), token: req.params.key });
    })
    .post(tokenOnly, wrongGuessLimiter, (req, res) => {
      booking.cancelByToken(actorOf(req), String(req.params.key));
      redirectAfterPost(res, '/book/cancelled');
    })
    .all(tokenOnly, methodNotAllowed);

  function renderReschedule(req: Request, res: Response, status: number, errors: FieldError[]): void {
    const a = citizenAppointment(req);
    const from = isValidLocalDate(q(req, 'from')) && q(req, 'from') >= today() ? q(req, 'from') : today();
    const { days, nextFrom } = availability.nextFreeDays(a.branchId, from, 3);
    res.status(status).render('appointments/reschedule', {
      title: res.locals.t('appointments.manage.reschedule_heading'),
      a,
      days: days.map((d) => ({ ...d, slots: d.slots.filter((s) => s.startsAt !== a.startsAt) })).filter((d) => d.slots.length > 0),
      nextFrom,
      token: req.params.key,
      errors,
    });
  }

  router
    .route('/appointments/:key/reschedule')
    .get(tokenOnly, wrongGuessLimiter, (req, res) => renderReschedule(req, res, 200, []))
    .post(tokenOnly, wrongGuessLimiter, (req, res) => {
      const form = parseForm(rescheduleSchema, req.body, RESCHEDULE_FIELDS);
      if (!form.ok) return renderReschedule(req, res, 400, form.errors);
      try {
        booking.reschedule(actorOf(req), String(req.params.key), form.data.start);
      } catch (err) {
        if (err instanceof SlotTakenError) return renderReschedule(req, res, 409, [{ field: 'start', key: 'booking.taken.title' }]);
        throw err;
      }
      flash(req, 'success', 'appointments.manage.rescheduled');
      redirectAfterPost(res, `/appointments/${String(req.params.key)}`);
    })
    .all(tokenOnly, methodNotAllowed);

  // ------------------------------------------------------------------ staff: one booking

  router
    .route('/appointments/:key')
    .all(requireCapability(MANAGE))
    .get((req, res) => {
      const id = parseId(req.params.key);
      if (id === null) throw new BadRequestError();
      const viewed = appointments.viewForStaff(actorOf(req), id);
      const names = new Map<number, string>();
      for (const id of [viewed.arrivedBy, viewed.doneBy, viewed.noShowBy, viewed.cancelledBy, viewed.bookedByUserId]) {
        if (id !== null && !names.has(id)) names.set(id, deps.users.get(id).name);
      }
      res.render('appointments/detail', {
        title: res.locals.t('appointments.detail.title', { code: viewed.code }),
        a: viewed,
        branch: deps.branches.get(viewed.branchId),
        names,
        values: {},
        errors: [],
      });
    })
    .all(methodNotAllowed);

  router
    .route('/appointments/:id/status')
    .all(requireCapability(MANAGE))
    .post((req, res) => {
      const a = staffAppointment(req);
      const form = parseForm(statusSchema, req.body, STATUS_FIELDS);
      if (!form.ok) throw new ConflictError('appointments.staff.not_booked');
      const actor = actorOf(req);
      const s = appointmentStatus;
      const change = { arrived: s.markArrived, in_progress: s.markInProgress, done: s.markDone, no_show: s.markNoShow }[form.data.status];
      if (!change.call(s, actor, a.id)) throw new ConflictError('appointments.staff.not_booked');
      // The message names the person, so a volunteer who pressed the wrong row sees it at once.
      const who = a.name ? req.t('appointments.staff.who_named', { name: a.name, time: a.localTime }) : req.t('appointments.staff.who_code', { code: a.code, time: a.localTime });
      flash(req, 'success', `appointments.staff.flash_${form.data.status}`, { who });
      const backTo = q(req, 'back');
      // From the desk, back to the same panel on the desk (not to the appointments list).
      if (backTo === 'desk') return redirectAfterPost(res, `/desk?branch=${a.branchId}#appointments-today`);
      redirectAfterPost(res, backTo === 'detail' ? `/appointments/${a.id}` : listUrl(a));
    })
    .all(methodNotAllowed);

  router
    .route('/appointments/:id/cancel')
    .all(requireCapability(MANAGE))
    .post((req, res) => {
      const a = staffAppointment(req);
      const form = parseForm(cancelSchema, req.body, CANCEL_FIELDS);
      if (!form.ok) {
        return res.status(400).render('appointments/detail', {
          title: res.locals.t('appointments.detail.title', { code: a.code }),
          a,
          branch: deps.branches.get(a.branchId),
          names: new Map<number, string>(),
          values: form.values,
          errors: form.errors,
        });
      }
      booking.cancelByStaff(actorOf(req), a.id, form.data.reason);
      flash(req, 'success', 'appointments.detail.cancelled');
      redirectAfterPost(res, listUrl(a));
    })
    .all(methodNotAllowed);

  return router;
}
