import { asLanguageCode } from '../../lib/i18n';
import crypto from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../deps';
import { parseId } from '../../http/auth';
import { methodNotAllowed } from '../../http/routes';
import { BadRequestError } from '../../http/errors';
import { createRateLimiter } from '../../http/rate-limit';
import { actorOf, redirectAfterPost } from '../../http/locals';
import { parseForm, type FieldError } from '../../http/validation';
import { isValidLocalDate, localDate } from '../../lib/time';
import { HELP_TOPICS } from '../../lib/topics';
import { kioskReset } from '../../http/kiosk';
import { SlotTakenError, type BookingInput } from './appointments.model';
import { CONFIRM_FIELDS, PUBLIC_DETAIL_FIELDS, confirmSchema, publicDetailsSchema, topicSchema } from './appointments.schema';

/** What the citizen chose so far; kept in the session so no personal data ever travels in a URL. */
interface BookingDraft extends Pick<BookingInput, 'branchId' | 'startsAt' | 'name' | 'email' | 'phone' | 'needs' | 'language'> {
  topic: string;
  /** Idempotency key of this confirmation: a second POST with it finds the first booking. */
  key: string;
}

const DAYS_PER_PAGE = 3;

function draftOf(req: Request): BookingDraft | null {
  return (req.session?.drafts?.booking as BookingDraft | undefined) ?? null;
}

function saveDraft(req: Request, draft: BookingDraft): void {
  req.session.drafts = { ...(req.session.drafts ?? {}), booking: draft };
}

function q(req: Request, name: string): string {
  const v = req.query[name];
  return typeof v === 'string' ? v : '';
}

function detailValues(d: BookingDraft | null): Record<string, string> {
  const other = d?.needs.otherLanguage && d.needs.otherLanguage !== '-' ? d.needs.otherLanguage : '';
  return {
    name: d?.name ?? '',
    email: d?.email ?? '',
    phone: d?.phone ?? '',
    help_language: other ? 'other' : 'nl',
    other_language: other,
    need_wheelchair: d?.needs.wheelchair ? 'on' : '',
    need_hearing_loop: d?.needs.hearingLoop ? 'on' : '',
  };
}


/**
 * The public booking flow. Steps 1–3 are GET forms (branch, topic, time) so back/forward and bookmarks just
 * work; step 4 posts the personal details into the session; step 5 confirms with one POST.
 */
export function bookingRouter(deps: Deps): Router {
  const router = Router();
  const { booking, availability } = deps;
  const today = (): string => localDate(deps.clock.now());

  // Generous enough for a library's shared IP, tight enough to stop a flood of fake bookings.
  // On a library kiosk the booking steps go back to the start after a while without input.
  router.use('/book', kioskReset(deps.config));

  const confirmLimiter = createRateLimiter({ windowMs: 15 * 60_000, limit: 100 });

  const branchOr404 = (req: Request): ReturnType<typeof availability.branch> => {
    const id = parseId(q(req, 'branch'));
    if (id === null) throw new BadRequestError();
    return availability.branch(id);
  };

  const topicOr400 = (req: Request): string => {
    const topic = topicSchema.safeParse(q(req, 'topic'));
    if (!topic.success) throw new BadRequestError();
    return topic.data;
  };

  function renderTime(req: Request, res: Response, status: number, errors: FieldError[]): void {
    const branch = branchOr404(req);
    const topic = topicOr400(req);
    const from = isValidLocalDate(q(req, 'from')) && q(req, 'from') >= today() ? q(req, 'from') : today();
    const { days, nextFrom } = availability.nextFreeDays(branch.id, from, DAYS_PER_PAGE, branch.horizonDays + 1);
    res.status(status).render('booking/time', {
      title: res.locals.t('booking.time.heading'),
      branch,
      topic,
      days,
      nextFrom,
      from,
      earlier: from > today(),
      earlierFrom: today(),
      errors,
      step: 3,
    });
  }

  function renderTaken(res: Response, branchId: number, topic: string, startsAt: string): void {
    res.status(409).render('booking/taken', {
      title: res.locals.t('booking.taken.title'),
      branchId,
      topic,
      alternatives: availability.nearestFreeTo(branchId, startsAt, 5),
    });
  }

  // The details and check steps show what the citizen typed: not for the browser or proxy cache.
  router.use(['/book/details', '/book/check'], (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router
    .route('/book')
    .get((_req, res) => {
      res.render('booking/branch', { title: res.locals.t('booking.title'), branches: availability.bookableBranches(), step: 1, errors: [] });
    })
    .post(confirmLimiter, (req, res) => {
      const draft = draftOf(req);
      const form = parseForm(confirmSchema, req.body, CONFIRM_FIELDS);
      if (!draft) return redirectAfterPost(res, '/book/check');
      if (!form.ok) {
        return res.status(400).render('booking/check', { ...checkLocals(res, draft), errors: form.errors, values: form.values });
      }
      // A form from an older check page (the details changed since): show the current one again.
      if (form.data.key !== draft.key) return redirectAfterPost(res, '/book/check');
      try {
        const booked = booking.book(actorOf(req), {
          branchId: draft.branchId,
          topicKey: draft.topic,
          startsAt: draft.startsAt,
          name: draft.name,
          email: draft.email,
          phone: draft.phone,
          needs: draft.needs,
          language: draft.language,
          channel: 'online',
          idempotencyKey: draft.key,
          capacityOverride: false,
        });
        // A query flag rather than a session flash: a double submit's second response must say the same.
        return redirectAfterPost(res, `/appointments/${booked.token}?booked=1`);
      } catch (err) {
        if (err instanceof SlotTakenError) return renderTaken(res, draft.branchId, draft.topic, draft.startsAt);
        throw err;
      }
    })
    .all(methodNotAllowed);

  router
    .route('/book/topic')
    .get((req, res) => {
      if (!q(req, 'branch')) {
        return res.status(400).render('booking/branch', {
          title: res.locals.t('booking.title'),
          branches: availability.bookableBranches(),
          step: 1,
          errors: [{ field: 'branch', key: 'validation.choose' }],
        });
      }
      const branch = branchOr404(req);
      res.render('booking/topic', { title: res.locals.t('booking.topic.heading'), branch, topics: HELP_TOPICS, topic: q(req, 'topic'), step: 2, errors: [] });
    })
    .all(methodNotAllowed);

  router
    .route('/book/time')
    .get((req, res) => {
      const branch = branchOr404(req);
      if (!topicSchema.safeParse(q(req, 'topic')).success) {
        return res.status(400).render('booking/topic', {
          title: res.locals.t('booking.topic.heading'),
          branch,
          topics: HELP_TOPICS,
          topic: '',
          step: 2,
          errors: [{ field: 'topic', key: 'validation.choose' }],
        });
      }
      renderTime(req, res, 200, []);
    })
    .all(methodNotAllowed);

  /** The chosen time, re-checked against the schedule and the bookings of this moment. */
  function chosenSlot(req: Request): { branchId: number; topic: string; startsAt: string; free: boolean } {
    const branch = branchOr404(req);
    const topic = topicOr400(req);
    const startsAt = q(req, 'start');
    const date = /^\d{4}-\d{2}-\d{2}T/.test(startsAt) ? localDate(new Date(startsAt)) : '';
    const free = isValidLocalDate(date) && availability.freeDays(branch.id, date, 1)[0]?.slots.some((s) => s.startsAt === startsAt);
    return { branchId: branch.id, topic, startsAt, free: Boolean(free) };
  }

  function renderDetails(req: Request, res: Response, status: number, values: Record<string, string | string[]>, errors: FieldError[]): void {
    const slot = chosenSlot(req);
    res.status(status).render('booking/details', {
      title: res.locals.t('booking.details.heading'),
      branch: availability.branch(slot.branchId),
      topic: slot.topic,
      startsAt: slot.startsAt,
      values,
      errors,
      step: 4,
    });
  }

  router
    .route('/book/details')
    .get((req, res) => {
      const branch = branchOr404(req);
      if (!topicSchema.safeParse(q(req, 'topic')).success) return res.redirect(303, `/book/topic?branch=${branch.id}`);
      if (!q(req, 'start')) return renderTime(req, res, 400, [{ field: 'start', key: 'booking.time.choose' }]);
      const slot = chosenSlot(req);
      if (!slot.free) return renderTaken(res, slot.branchId, slot.topic, slot.startsAt);
      renderDetails(req, res, 200, detailValues(draftOf(req)), []);
    })
    .post((req, res) => {
      // The step's own choices travel in the query string of the form's action; personal data in the body.
      const slot = chosenSlot(req);
      const form = parseForm(publicDetailsSchema, req.body, PUBLIC_DETAIL_FIELDS);
      if (!form.ok) return renderDetails(req, res, 400, form.values, form.errors);
      if (!slot.free) return renderTaken(res, slot.branchId, slot.topic, slot.startsAt);
      saveDraft(req, {
        branchId: slot.branchId,
        topic: slot.topic,
        startsAt: slot.startsAt,
        ...form.data,
        // E-mail and calendar file in the language of the pages the citizen reads (one of the six).
        language: asLanguageCode(req.lang),
        key: crypto.randomBytes(18).toString('base64url'),
      });
      redirectAfterPost(res, '/book/check');
    })
    .all(methodNotAllowed);

  function checkLocals(res: Response, draft: BookingDraft): Record<string, unknown> {
    const branch = availability.branch(draft.branchId);
    return {
      title: res.locals.t('booking.check.heading'),
      branch,
      draft,
      already: booking.manageLinkOfSubmit(draft.key),
      when: res.locals.formatLocal(draft.startsAt, 'dddd D MMMM YYYY, HH:mm'),
      step: 5,
    };
  }

  router
    .route('/book/check')
    .get((req, res) => {
      const draft = draftOf(req);
      if (!draft) return res.render('booking/expired', { title: res.locals.t('booking.title') });
      res.render('booking/check', { ...checkLocals(res, draft), errors: [], values: {} });
    })
    .all(methodNotAllowed);

  router
    .route('/book/cancelled')
    .get((_req, res) => {
      res.render('booking/cancelled', { title: res.locals.t('appointments.manage.title') });
    })
    .all(methodNotAllowed);

  return router;
}
