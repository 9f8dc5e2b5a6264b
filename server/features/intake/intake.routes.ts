import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../deps';
import { assertBranchAccess, parseId, requireRole, visibleBranchIds, type CurrentUser } from '../../http/auth';
import { BadRequestError } from '../../http/errors';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import { methodNotAllowed } from '../../http/routes';
import { keepValues, parseForm, type FieldError, type FormValues } from '../../http/validation';
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

const STAFF = ['volunteer', 'coordinator', 'admin'] as const;

/** Branches the user works at (admins: every open branch), for pickers. */
function branchesOf(deps: Deps, user: CurrentUser): Branch[] {
  const ids = visibleBranchIds(user);
  const all = deps.branches.listActive();
  return ids === null ? all : all.filter((b) => ids.includes(b.id));
}

/** The branch a page is about: ?branch=ID (checked), else the user's first. */
function branchFromQuery(deps: Deps, req: Request): { branch: Branch | null; branches: Branch[] } {
  const user = req.user!;
  const branches = branchesOf(deps, user);
  if (req.query.branch !== undefined) {
    const id = parseId(req.query.branch);
    if (id === null) throw new BadRequestError();
    assertBranchAccess(user, id);
    return { branch: deps.branches.get(id), branches };
  }
  return { branch: branches[0] ?? null, branches };
}

export function intakeRouter(deps: Deps): Router {
  const router = Router();
  router.use(requireRole(...STAFF));

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
      const { branch, branches } = branchFromQuery(deps, req);
      const period = req.query.period === 'week' ? 'week' : 'today';
      const questions = branch ? deps.intake.list(branch.id, period) : [];
      res.render('intake/list', {
        title: req.t('intake.list.title'),
        branch,
        branches,
        period,
        questions,
        tax: deps.categories.taxonomy(),
        partnersById: deps.partners.allById(),
        labelOf,
        user: req.user,
      });
    })
    .all(methodNotAllowed);

  // ---- full form -------------------------------------------------------------------------------------
  router
    .route('/new')
    .get((req, res) => {
      const query = readNewQuestionQuery(req.query);
      // The visit decides the branch; without one, ?branch= (checked) or the user's first branch does.
      const branchId = query.visitId === null ? (branchFromQuery(deps, req).branch?.id ?? null) : null;
      const start = deps.intake.startFromQuery(req.user!, query.visitId, branchId, query.channelKey);
      const values = newQuestionValues(deps.categories.taxonomy(), start, query);
      renderForm(req, res, 200, newFormContext(deps.branches.get(start.branchId), start, values));
    })
    .post((req, res) => {
      const user = req.user!;
      const body = (req.body ?? {}) as Record<string, unknown>;
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
    .post((req, res) => {
      const form = parseForm(tallySchema, req.body, TALLY_FIELDS);
      if (!form.ok) throw new BadRequestError();
      assertBranchAccess(req.user, form.data.branch);
      const { tile } = deps.intake.registerFromTile(req.user!, form.data.branch, form.data.tile);
      flash(req, 'success', 'intake.flash.tallied', { label: labelOf(tile, req.lang) });
      redirectAfterPost(res, `/desk?branch=${form.data.branch}#intake`);
    })
    .all(methodNotAllowed);

  // ---- tiles (coordinators) --------------------------------------------------------------------------
  const renderTiles = (req: Request, res: Response, status: number, branch: Branch, values: FormValues, errors: FieldError[]): void => {
    const tax = deps.categories.taxonomy();
    res.status(status).render('intake/tiles', {
      title: req.t('intake.tiles.title'),
      branch,
      branches: branchesOf(deps, req.user!),
      tiles: deps.intake.tilesFor(branch.id),
      own: deps.intake.ownTiles(branch.id).length > 0,
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
    .all(requireRole('coordinator', 'admin'))
    .get((req, res) => {
      const { branch } = branchFromQuery(deps, req);
      if (!branch) throw new BadRequestError('intake.errors.no_branch');
      const d = defaultValues(deps.categories.taxonomy());
      renderTiles(req, res, 200, branch, { label_nl: '', label_en: '', type: d.type, subject: '', help: d.help, duration: '', outcome: d.outcome }, []);
    })
    .post((req, res) => {
      const branchId = parseId((req.body as Record<string, unknown>)?.branch);
      if (branchId === null) throw new BadRequestError();
      assertBranchAccess(req.user, branchId);
      const branch = deps.branches.get(branchId);
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
    .all(requireRole('coordinator', 'admin'))
    .post((req, res) => {
      const id = parseId(req.params.id);
      const branchId = parseId((req.body as Record<string, unknown>)?.branch);
      if (id === null || branchId === null) throw new BadRequestError();
      assertBranchAccess(req.user, branchId);
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
    .post((req, res) => {
      const q = deps.intake.undo(actorOf(req), req.user!, questionParam(req));
      flash(req, 'info', 'intake.flash.undone');
      const back = (req.body as Record<string, unknown>)?.back === 'list' ? `/intake?branch=${q.branchId}` : `/desk?branch=${q.branchId}#intake`;
      redirectAfterPost(res, back);
    })
    .all(methodNotAllowed);

  return router;
}
