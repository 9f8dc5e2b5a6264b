import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../../deps';
import { parseId, requireCapability } from '../../http/auth';
import { branchScope, choosableBranches } from '../../http/branch-scope';
import { may } from '../../policy/policy';
import { BadRequestError } from '../../http/errors';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import { methodNotAllowed } from '../../http/routes';
import { keepValues, parseForm, parseOrBadRequest, type FieldError, type FormValues } from '../../http/validation';
import type { Branch } from '../branches/branches.service';
import { labelOf } from '../categories/taxonomy';
import type { QuestionFields } from './intake.service';
import { NOTE_MAX } from './intake.service';
import {
  afterOrganisationStep,
  defaultValues,
  editFormContext,
  formOptions,
  newFormContext,
  newQuestionValues,
  pickValues,
  readNewQuestionQuery,
  registerStartOf,
  visitFieldValues,
  withCurrentPartner,
  type FormContext,
} from './intake.form';
import { QUESTION_FIELDS, TALLY_FIELDS, TILE_FIELDS, VISIT_FIELDS, questionSchema, tallySchema, tileSchema, toQuestionFields, valuesOf, visitSchema } from './intake.schema';

export function intakeRouter(deps: RouteDeps): Router {
  const router = Router();
  // Reading the list is the widest right here (admins read, they do not register); each route narrows it.
  router.use(requireCapability('intake.read'));
  const registers = requireCapability('intake.register');
  const configures = requireCapability('intake.configure');

  const renderForm = (req: Request, res: Response, status: number, ctx: FormContext): void => {
    const tax = deps.categories.taxonomy();
    const cur = ctx.current;
    const partners = withCurrentPartner(deps.partners.choosableAt(ctx.branch.id), cur?.partnerId ? deps.partners.find(cur.partnerId) : null);
    res.status(status).render('intake/form', {
      title: req.t(ctx.mode === 'new' ? 'intake.form.title_new' : 'intake.form.title_edit'),
      ...ctx,
      lang: req.lang,
      labelOf,
      tax,
      noteMax: NOTE_MAX,
      options: formOptions(tax, ctx.values, cur, partners),
      channelLabel: labelOf(tax.get(ctx.channelId), req.lang),
      scripts: ['intake.js'],
    });
  };

  // ---- list ------------------------------------------------------------------------------------------
  router
    .route('/')
    .get((req, res) => {
      const { branch, branches } = branchScope(req, deps.branches, 'intake.read');
      const period = req.query.period === 'week' ? 'week' : 'today';
      const questions = branch ? deps.intake.list(req.user!, branch.id, period) : [];
      res.render('intake/list', {
        title: req.t('intake.list.title'),
        branch,
        branches,
        period,
        questions,
        tax: deps.categories.taxonomy(),
        partnersById: deps.partners.allById(),
        labelOf,
        canRegister: branch !== null && may(req.user, 'intake.register', branch.id),
        canConfigure: branch !== null && may(req.user, 'intake.configure', branch.id),
      });
    })
    .all(methodNotAllowed);

  // ---- full form -------------------------------------------------------------------------------------
  router
    .route('/new')
    .all(registers)
    .get((req, res) => {
      const query = readNewQuestionQuery(req.query);
      // The visit decides the branch; without one, ?branch= (checked) or the user's first branch does.
      const branchId = query.visitId === null ? (branchScope(req, deps.branches, 'intake.register').branch?.id ?? null) : null;
      const start = deps.intake.startFromQuery(req.user!, query.visitId, branchId, query.channelKey);
      const values = newQuestionValues(deps.categories.taxonomy(), start, query);
      renderForm(req, res, 200, newFormContext(deps.branches.get(start.branchId), start, values));
    })
    .post((req, res) => {
      const user = req.user!;
      const body = (req.body ?? {}) as Record<string, unknown>;
      // A new visit names its branch in the form: checked before anything else is read (400 malformed, 404 not
      // theirs). A further question of an existing visit takes the visit's branch (checked by the service).
      if (!body.visit) branchScope(req, deps.branches, 'intake.register');
      const hidden = parseForm(visitSchema, body, VISIT_FIELDS);
      if (!hidden.ok) throw new BadRequestError();
      const start = deps.intake.startFromForm(user, hidden.data);
      const branch = deps.branches.get(start.branchId);
      const form = parseForm(questionSchema, body, QUESTION_FIELDS);
      const values: FormValues = { ...pickValues(body), ...visitFieldValues(start, hidden.data.appointment, hidden.data.walkin) };
      const ctx = newFormContext(branch, start, values);
      if (body.step === 'organisation') return renderForm(req, res, 200, afterOrganisationStep(ctx));
      if (!form.ok) return renderForm(req, res, 400, { ...ctx, errors: form.errors });
      const fields = toQuestionFields(form.data);
      const errors = deps.intake.validate(branch.id, fields);
      if (errors.length > 0) return renderForm(req, res, 400, { ...ctx, errors });
      const ids = deps.intake.register(user, registerStartOf(start, hidden.data.appointment, hidden.data.walkin), fields, 'form');
      flash(req, 'success', 'intake.flash.registered');
      if (body.then === 'another') return redirectAfterPost(res, `/intake/new?visit=${ids.visitId}`);
      redirectAfterPost(res, `/intake?branch=${branch.id}`);
    })
    .all(methodNotAllowed);

  // ---- tally: one request registers one complete question --------------------------------------------
  router
    .route('/tally')
    .all(registers)
    .post((req, res) => {
      branchScope(req, deps.branches, 'intake.register');
      const tally = parseOrBadRequest(tallySchema, req.body, TALLY_FIELDS);
      const { tile } = deps.intake.registerFromTile(req.user!, tally.branch, tally.tile);
      flash(req, 'success', 'intake.flash.tallied', { label: labelOf(tile, req.lang) });
      redirectAfterPost(res, `/desk?branch=${tally.branch}#intake`);
    })
    .all(methodNotAllowed);

  // ---- tiles (coordinators) --------------------------------------------------------------------------
  const renderTiles = (req: Request, res: Response, status: number, branch: Branch, values: FormValues, errors: FieldError[]): void => {
    const tax = deps.categories.taxonomy();
    res.status(status).render('intake/tiles', {
      title: req.t('intake.tiles.title'),
      branch,
      branches: choosableBranches(deps.branches, req.user, 'intake.configure'),
      tiles: deps.intake.tilesFor(branch.id),
      own: deps.intake.ownTiles(req.user!, branch.id).length > 0,
      tax,
      labelOf,
      lang: req.lang,
      values,
      errors,
      subjects: tax.active('organisation').map((o) => ({ org: o, topics: tax.active('topic', o.id) })),
    });
  };
  router
    .route('/tiles')
    .all(configures)
    .get((req, res) => {
      const { branch } = branchScope(req, deps.branches, 'intake.configure');
      if (!branch) throw new BadRequestError('intake.errors.no_branch');
      const d = defaultValues(deps.categories.taxonomy());
      renderTiles(req, res, 200, branch, { label_nl: '', label_en: '', type: d.type, subject: '', help: d.help, duration: '', outcome: d.outcome }, []);
    })
    .post((req, res) => {
      const { branch } = branchScope(req, deps.branches, 'intake.configure');
      if (!branch) throw new BadRequestError('intake.errors.no_branch');
      const branchId = branch.id;
      const form = parseForm(tileSchema, req.body, TILE_FIELDS);
      if (!form.ok) return renderTiles(req, res, 400, branch, form.values, form.errors);
      const d = form.data;
      const fields: QuestionFields = {
        typeId: d.type,
        organisationId: d.subject.organisationId,
        topicId: d.subject.topicId,
        lifeEventId: null,
        helpId: d.help,
        partnerId: null,
        durationId: d.duration,
        outcomeId: d.outcome,
        note: '',
      };
      const errors = deps.intake.validate(branchId, fields).map((e) => (['organisation', 'topic'].includes(e.field) ? { ...e, field: 'subject' } : e));
      if (errors.length > 0) return renderTiles(req, res, 400, branch, keepValues(req.body, TILE_FIELDS), errors);
      deps.intake.addTile(actorOf(req), req.user!, branchId, {
        labelNl: d.label_nl,
        labelEn: d.label_en || d.label_nl,
        typeId: fields.typeId,
        organisationId: fields.organisationId,
        topicId: fields.topicId,
        helpId: fields.helpId,
        durationId: fields.durationId,
        outcomeId: fields.outcomeId,
      });
      flash(req, 'success', 'intake.flash.tile_added');
      redirectAfterPost(res, `/intake/tiles?branch=${branchId}`);
    })
    .all(methodNotAllowed);

  router
    .route('/tiles/:id/delete')
    .all(configures)
    .post((req, res) => {
      const id = parseId(req.params.id);
      if (id === null) throw new BadRequestError();
      const { branch } = branchScope(req, deps.branches, 'intake.configure');
      if (!branch) throw new BadRequestError('intake.errors.no_branch');
      const branchId = branch.id;
      deps.intake.removeTile(actorOf(req), req.user!, branchId, id);
      flash(req, 'success', 'intake.flash.tile_removed');
      redirectAfterPost(res, `/intake/tiles?branch=${branchId}`);
    })
    .all(methodNotAllowed);

  // ---- one question: edit, undo ----------------------------------------------------------------------
  const questionParam = (req: Request): number => {
    const id = parseId(req.params.id);
    if (id === null) throw new BadRequestError();
    return id;
  };

  router
    .route('/:id/edit')
    .all(registers)
    .get((req, res) => {
      const q = deps.intake.questionFor(req.user!, questionParam(req));
      renderForm(req, res, 200, editFormContext(q, deps.branches.get(q.branchId), valuesOf(q)));
    })
    .post((req, res) => {
      const q = deps.intake.questionFor(req.user!, questionParam(req));
      const branch = deps.branches.get(q.branchId);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const form = parseForm(questionSchema, body, QUESTION_FIELDS);
      const ctx = editFormContext(q, branch, pickValues(body));
      if (body.step === 'organisation') return renderForm(req, res, 200, afterOrganisationStep(ctx));
      if (!form.ok) return renderForm(req, res, 400, { ...ctx, errors: form.errors });
      const fields = toQuestionFields(form.data);
      const errors = deps.intake.validate(branch.id, fields, q);
      if (errors.length > 0) return renderForm(req, res, 400, { ...ctx, errors });
      deps.intake.update(actorOf(req), req.user!, q.id, fields);
      flash(req, 'success', 'intake.flash.updated');
      redirectAfterPost(res, `/intake?branch=${branch.id}`);
    })
    .all(methodNotAllowed);

  router
    .route('/:id/undo')
    .all(registers)
    .post((req, res) => {
      const q = deps.intake.undo(actorOf(req), req.user!, questionParam(req));
      flash(req, 'info', 'intake.flash.undone');
      const back = (req.body as Record<string, unknown>)?.back === 'list' ? `/intake?branch=${q.branchId}` : `/desk?branch=${q.branchId}#intake`;
      redirectAfterPost(res, back);
    })
    .all(methodNotAllowed);

  return router;
}
