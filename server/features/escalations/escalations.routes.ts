import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../deps';
import { requireCapability } from '../../http/auth';
import { branchScope } from '../../http/branch-scope';
import { BadRequestError, ConflictError } from '../../http/errors';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import { methodNotAllowed, pathId } from '../../http/routes';
import { noStore } from '../../http/no-store';
import { keepValues, parseForm, parseOrBadRequest, type FieldError, type FormValues } from '../../http/validation';
import { may } from '../../policy/policy';
import { labelOf } from '../categories/taxonomy';
import type { Outcome, PresenceStatus } from './escalations.model';
import {
  CALLBACK_FIELDS,
  ESCALATE_FIELDS,
  OUTCOME_FIELDS,
  PRESENCE_FIELDS,
  TRANSFER_FIELDS,
  callbackSchema,
  escalateSchema,
  outcomeSchema,
  presenceSchema,
  transferSchema,
} from './escalations.schema';

/**
 * /escalations: the expert console (experts) or the branch's escalations (desk staff); /escalations/new
 * escalates an intake question; /escalations/:id follows one escalation (and holds its chat);
 * /escalations/callback is the fallback with the helpline's number, hours and the callback form.
 */
export function escalationsRouter(deps: Deps): Router {
  const router = Router();
  const service = deps.escalations;
  const expert = requireCapability('escalations.answer');
  const desk = requireCapability('escalations.start');
  const tax = (): ReturnType<Deps['categories']['taxonomy']> => deps.categories.taxonomy();
  // Every escalation view names the question's category the same way: organisation – topic.
  router.use('/escalations', (req, res, next) => {
    const t = tax();
    res.locals.categoryOf = (e: { organisationId: number | null; topicId: number | null }): string =>
      [labelOf(t.get(e.organisationId), req.lang), labelOf(t.get(e.topicId), req.lang)].filter(Boolean).join(' – ');
    next();
  });

  router
    .route('/escalations')
    .all(requireCapability('escalations.chat'))
    .get((req, res) => {
      const actor = actorOf(req);
      if (may(req.user, 'escalations.answer')) {
        service.touch(actor);
        const view = service.console(actor);
        const waiting = view.queue.length + view.callbacks.length;
        // The count first in the title: visible on a background tab; escalation-console.js keeps it live.
        return res.render('escalations/console', {
          title: `${waiting > 0 ? `(${waiting}) ` : ''}${res.locals.t('escalations.console.title')}`,
          view,
          // Unread messages per chat, from the messaging part.
          unread: deps.chat.unreadCounts(req.user!),
          scripts: ['/socket.io/socket.io.min.js', 'escalation-console.js'],
        });
      }
      const { branch, branches } = branchScope(req, deps.branches, 'escalations.start');
      const overview = branch ? service.branchOverview(actor, branch.id) : null;
      res.render('escalations/list', { title: res.locals.t('escalations.list.title'), branch, branches, overview });
    })
    .post(desk, (req: Request, res: Response) => {
      const actor = actorOf(req);
      // The question decides the branch: checked before the description, so another branch's id is 404.
      const questionId = parseOrBadRequest(escalateSchema.pick({ question: true }), req.body, ['question']).question;
      const question = service.questionFor(actor, questionId);
      const form = parseForm(escalateSchema, req.body, ESCALATE_FIELDS);
      if (!form.ok) return renderNew(req, res.status(400), question.id, form.errors, form.values);
      const result = service.escalate(actor, question.id, form.data.description);
      if (!result.ok) return redirectAfterPost(res, `/escalations/callback?question=${question.id}&reason=${result.reason}`);
      redirectAfterPost(res, `/escalations/${result.escalation.id}`);
    })
    .all(methodNotAllowed);

  const renderNew = (req: Request, res: Response, questionId: number, errors: FieldError[], values: FormValues): void => {
    const question = service.questionFor(actorOf(req), questionId);
    res.render('escalations/new', {
      title: res.locals.t('escalations.new.title'),
      question,
      tax: tax(),
      errors,
      values,
      helplineOpen: service.helplineOpen(),
      availableExperts: service.availableCount(),
    });
  };

  const questionOfQuery = (req: Request): number => {
    const raw = req.query.question;
    if (typeof raw !== 'string' || !/^[1-9]\d{0,15}$/.test(raw)) throw new BadRequestError();
    return Number(raw);
  };

  router
    .route('/escalations/new')
    .all(desk)
    .get((req, res) => renderNew(req, res, questionOfQuery(req), [], { question: '', description: '' }))
    .all(methodNotAllowed);

  // The fallback: shown at once when nobody can take the escalation, never after a timeout.
  const renderCallback = (req: Request, res: Response, questionId: number, errors: FieldError[], values: FormValues): void => {
    const question = service.questionFor(actorOf(req), questionId);
    const reason = typeof req.query.reason === 'string' && ['closed', 'no_expert', 'waiting'].includes(req.query.reason) ? req.query.reason : null;
    res.render('escalations/callback', {
      title: res.locals.t('escalations.callback.title'),
      question,
      reason,
      settings: service.settings,
      helplineOpen: service.helplineOpen(),
      errors,
      values,
    });
  };
  router
    .route('/escalations/callback')
    .all(desk)
    .get((req, res) => {
      const escalation = typeof req.query.escalation === 'string' && /^[1-9]\d{0,15}$/.test(req.query.escalation) ? req.query.escalation : '';
      renderCallback(req, res, questionOfQuery(req), [], { ...keepValues({}, CALLBACK_FIELDS), escalation });
    })
    .all(methodNotAllowed);
  router
    .route('/escalations/callbacks')
    // A refused form comes back with the phone number the volunteer typed in it.
    .all(desk, noStore)
    .post((req, res) => {
      const actor = actorOf(req);
      const questionId = parseOrBadRequest(callbackSchema.pick({ question: true }), req.body, ['question']).question;
      const question = service.questionFor(actor, questionId);
      const form = parseForm(callbackSchema, req.body, CALLBACK_FIELDS);
      if (!form.ok) return renderCallback(req, res.status(400), question.id, form.errors, form.values);
      service.createCallback(actor, { questionId: question.id, escalationId: form.data.escalation, phone: form.data.phone, preferredMoment: form.data.preferred_moment });
      flash(req, 'success', 'escalations.flash.callback_created');
      redirectAfterPost(res, `/escalations?branch=${question.branchId}`);
    })
    .all(methodNotAllowed);

  // A callback's phone number: its own page, so every view of it is one audited request.
  router
    .route('/escalations/callbacks/:id')
    .all(expert, noStore)
    .get((req, res) => {
      const callback = service.callbackWithPhone(actorOf(req), pathId(req));
      res.render('escalations/callback-show', { title: res.locals.t('escalations.callback_show.title'), callback });
    })
    .all(methodNotAllowed);
  router
    .route('/escalations/callbacks/:id/done')
    .all(expert)
    .post((req, res) => {
      service.markCallbackDone(actorOf(req), pathId(req));
      flash(req, 'success', 'escalations.flash.callback_done');
      redirectAfterPost(res, '/escalations');
    })
    .all(methodNotAllowed);

  router
    .route('/escalations/presence')
    .all(expert)
    .post((req, res) => {
      const { status } = parseOrBadRequest(presenceSchema, req.body, PRESENCE_FIELDS);
      service.setPresence(actorOf(req), status as PresenceStatus);
      redirectAfterPost(res, '/escalations');
    })
    .all(methodNotAllowed);

  router
    .route('/escalations/:id')
    // The chat transcript is personal data (what the citizen asked, in the words of their helpers).
    .all(requireCapability('escalations.chat'), noStore)
    .get((req, res) => {
      const actor = actorOf(req);
      const { escalation, side } = service.find(actor, pathId(req));
      if (side === 'expert') service.touch(actor);
      res.render('escalations/show', {
        title: res.locals.t('escalations.show.title', { id: escalation.id }),
        escalation,
        side,
        state: service.state(escalation),
        settings: service.settings,
        helplineOpen: service.helplineOpen(),
        experts: side === 'expert' ? service.experts().filter((p) => p.status === 'available' && p.userId !== actor.userId) : [],
        // The conversation (h2's messaging part) once an expert took it; a closed one is the read-only transcript.
        chat: escalation.status === 'active' || escalation.status === 'closed' ? deps.chat.view(actor, escalation.id) : null,
        scripts: ['/socket.io/socket.io.min.js', 'escalation-live.js'],
      });
    })
    .all(methodNotAllowed);

  router
    .route('/escalations/:id/accept')
    .all(expert)
    .post((req, res) => {
      const result = service.accept(actorOf(req), pathId(req));
      if (!result.ok) throw new ConflictError(`escalations.errors.${result.reason}`);
      redirectAfterPost(res, `/escalations/${result.escalation.id}`);
    })
    .all(methodNotAllowed);
  router
    .route('/escalations/:id/transfer')
    .all(expert)
    .post((req, res) => {
      const id = pathId(req);
      const { to } = parseOrBadRequest(transferSchema, req.body, TRANSFER_FIELDS);
      service.transfer(actorOf(req), id, to);
      flash(req, 'success', 'escalations.flash.transferred');
      redirectAfterPost(res, '/escalations');
    })
    .all(methodNotAllowed);
  router
    .route('/escalations/:id/close')
    .all(expert)
    .post((req, res) => {
      const id = pathId(req);
      const { outcome } = parseOrBadRequest(outcomeSchema, req.body, OUTCOME_FIELDS);
      service.close(actorOf(req), id, outcome as Outcome);
      flash(req, 'success', 'escalations.flash.closed');
      redirectAfterPost(res, `/escalations/${id}`);
    })
    .all(methodNotAllowed);
  router
    .route('/escalations/:id/cancel')
    .all(desk)
    .post((req, res) => {
      const escalation = service.cancel(actorOf(req), pathId(req));
      flash(req, 'info', 'escalations.flash.cancelled');
      redirectAfterPost(res, `/escalations?branch=${escalation.branchId}`);
    })
    .all(methodNotAllowed);

  return router;
}
