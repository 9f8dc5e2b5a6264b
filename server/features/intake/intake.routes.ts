import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../deps';
import { assertBranchAccess, parseId, requireRole, visibleBranchIds, type CurrentUser } from '../../http/auth';
import { BadRequestError } from '../../http/errors';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import { methodNotAllowed } from '../../http/routes';
import { keepValues, parseForm, type FieldError, type FormValues } from '../../http/validation';
import type { Branch } from '../branches/branches.service';
import { labelOf, type Taxonomy } from '../categories/taxonomy';
import type { TaxonomyEntry } from '../categories/categories.service';
import type { Question, QuestionFields, Visit } from './intake.service';
import { NOTE_MAX } from './intake.service';
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

/** The entries a select offers: active ones, plus the record's current value if it was retired since. */
function withCurrent(active: TaxonomyEntry[], tax: Taxonomy, currentId: number | null): TaxonomyEntry[] {
  const current = tax.get(currentId);
  return current && !active.some((e) => e.id === current.id) ? [...active, current] : active;
}

function numberOrNull(v: string | string[] | undefined): number | null {
  return typeof v === 'string' && /^[1-9]\d{0,15}$/.test(v) ? Number(v) : null;
}

interface FormContext {
  mode: 'new' | 'edit';
  action: string;
  branch: Branch;
  values: FormValues;
  errors: FieldError[];
  /** The record being corrected (edit), so its retired values stay offered. */
  current: QuestionFields | null;
  visit: Visit | null;
  visitQuestions: Question[];
  channelId: number | null;
  /** The organisation step was just taken without JavaScript: move focus to the topic. */
  focusTopic?: boolean;
}

export function intakeRouter(deps: Deps): Router {
  const router = Router();
  router.use(requireRole(...STAFF));

  const renderForm = (req: Request, res: Response, status: number, ctx: FormContext): void => {
    const tax = deps.categories.taxonomy();
    const lang = req.lang;
    const orgId = numberOrNull(ctx.values.organisation);
    const cur = ctx.current;
    const organisations = withCurrent(tax.active('organisation'), tax, cur?.organisationId ?? null);
    const topics = orgId === null ? [] : withCurrent(tax.active('topic', orgId), tax, cur && cur.organisationId === orgId ? cur.topicId : null);
    const partners = deps.partners.choosableAt(ctx.branch.id);
    const currentPartner = cur?.partnerId ? deps.partners.find(cur.partnerId) : null;
    if (currentPartner && !partners.some((p) => p.id === currentPartner.id)) partners.push(currentPartner);
    res.status(status).render('intake/form', {
      title: req.t(ctx.mode === 'new' ? 'intake.form.title_new' : 'intake.form.title_edit'),
      ...ctx,
      lang,
      labelOf,
      tax,
      noteMax: NOTE_MAX,
      options: {
        types: withCurrent(tax.active('question_type'), tax, cur?.typeId ?? null),
        organisations,
        topics,
        lifeEvents: withCurrent(tax.active('life_event'), tax, cur?.lifeEventId ?? null),
        helps: withCurrent(tax.active('help'), tax, cur?.helpId ?? null),
        durations: withCurrent(tax.active('duration'), tax, cur?.durationId ?? null),
        outcomes: withCurrent(tax.active('outcome'), tax, cur?.outcomeId ?? null),
        channels: tax.active('channel'),
        partners,
        // Every organisation's topics, for the script that swaps the topic list without a round trip.
        allTopics: organisations.map((o) => ({ org: o, topics: tax.active('topic', o.id) })),
      },
      channelLabel: labelOf(tax.get(ctx.channelId), lang),
      scripts: ['intake.js'],
    });
  };

  /** Sensible starting values: the most common answers, so a typical question is a few taps. */
  const defaultValues = (): FormValues => {
    const tax = deps.categories.taxonomy();
    const idOf = (kind: Parameters<Taxonomy['byKey']>[0], key: string): string => {
      const e = tax.byKey(kind, key);
      return e && !e.retiredAt ? String(e.id) : '';
    };
    return {
      type: idOf('question_type', 'digital_government'),
      organisation: '',
      topic: '',
      life_event: '',
      help: idOf('help', 'together'),
      partner: '',
      duration: '',
      outcome: idOf('outcome', 'solved'),
      note: '',
    };
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
      const user = req.user!;
      const tax = deps.categories.taxonomy();
      const visitId = req.query.visit !== undefined ? parseId(req.query.visit) : null;
      if (req.query.visit !== undefined && visitId === null) throw new BadRequestError();
      // Links from an appointment or walk-in: the ids must be positive whole numbers; the arrival feature
      // checks they belong to the branch before it links here.
      const appointmentId = req.query.appointment !== undefined ? parseId(req.query.appointment) : null;
      const walkinId = req.query.walkin !== undefined ? parseId(req.query.walkin) : null;
      if ((req.query.appointment !== undefined && appointmentId === null) || (req.query.walkin !== undefined && walkinId === null)) {
        throw new BadRequestError();
      }
      let visit: Visit | null = null;
      let branch: Branch | null;
      if (visitId !== null) {
        visit = deps.intake.visitFor(user, visitId);
        branch = deps.branches.get(visit.branchId);
      } else {
        branch = branchFromQuery(deps, req).branch;
      }
      if (!branch) throw new BadRequestError('intake.errors.no_branch');
      let channelId = visit?.channelId ?? null;
      if (!visit) {
        const key = typeof req.query.channel === 'string' ? req.query.channel : appointmentId ? 'appointment' : 'desk';
        const channel = tax.byKey('channel', key);
        if (!channel || channel.retiredAt) throw new BadRequestError();
        channelId = channel.id;
      }
      const values: FormValues = {
        ...defaultValues(),
        branch: String(branch.id),
        visit: visit ? String(visit.id) : '',
        channel: channelId ? String(channelId) : '',
        appointment: appointmentId ? String(appointmentId) : '',
        walkin: walkinId ? String(walkinId) : '',
      };
      const orgParam = numberOrNull(typeof req.query.organisation === 'string' ? req.query.organisation : undefined);
      if (orgParam && tax.isChoosable(orgParam, 'organisation')) values.organisation = String(orgParam);
      renderForm(req, res, 200, {
        mode: 'new',
        action: '/intake/new',
        branch,
        values,
        errors: [],
        current: null,
        visit,
        visitQuestions: visit ? deps.intake.questionsOfVisit(visit.id) : [],
        channelId,
      });
    })
    .post((req, res) => {
      const user = req.user!;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const ctxForm = parseForm(visitSchema, body, VISIT_FIELDS);
      if (!ctxForm.ok) throw new BadRequestError();
      const c = ctxForm.data;
      let visit: Visit | null = null;
      let branch: Branch;
      if (c.visit !== null) {
        visit = deps.intake.visitFor(user, c.visit);
        branch = deps.branches.get(visit.branchId);
      } else {
        if (c.branch === null || c.channel === null) throw new BadRequestError();
        assertBranchAccess(user, c.branch);
        branch = deps.branches.get(c.branch);
      }
      const channelId = visit ? visit.channelId : c.channel;
      const form = parseForm(questionSchema, body, QUESTION_FIELDS);
      const values: FormValues = {
        ...pickValues(body),
        branch: String(branch.id),
        visit: visit ? String(visit.id) : '',
        channel: channelId ? String(channelId) : '',
        appointment: c.appointment ? String(c.appointment) : '',
        walkin: c.walkin ? String(c.walkin) : '',
      };
      const ctx: FormContext = {
        mode: 'new',
        action: '/intake/new',
        branch,
        values,
        errors: [],
        current: null,
        visit,
        visitQuestions: visit ? deps.intake.questionsOfVisit(visit.id) : [],
        channelId,
      };
      // The step without JavaScript: an organisation was chosen, show its topics; nothing is saved yet.
      if (body.step === 'organisation') {
        values.topic = '';
        return renderForm(req, res, 200, { ...ctx, focusTopic: true });
      }
      if (!form.ok) return renderForm(req, res, 400, { ...ctx, errors: form.errors });
      const fields = toQuestionFields(form.data);
      const errors = deps.intake.validate(branch.id, fields);
      if (errors.length > 0) return renderForm(req, res, 400, { ...ctx, errors });
      const start = visit ? { visitId: visit.id } : { branchId: branch.id, channelId: channelId!, appointmentId: c.appointment, walkinId: c.walkin };
      const ids = deps.intake.register(user, start, fields, 'form');
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
      const d = defaultValues();
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
      const branch = deps.branches.get(q.branchId);
      const values = valuesOf(q);
      renderForm(req, res, 200, { mode: 'edit', action: `/intake/${q.id}/edit`, branch, values, errors: [], current: q, visit: null, visitQuestions: [], channelId: q.channelId });
    })
    .post((req, res) => {
      const q = deps.intake.questionFor(req.user!, questionParam(req));
      const branch = deps.branches.get(q.branchId);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const form = parseForm(questionSchema, body, QUESTION_FIELDS);
      const values: FormValues = pickValues(body);
      const ctx: FormContext = { mode: 'edit', action: `/intake/${q.id}/edit`, branch, values, errors: [], current: q, visit: null, visitQuestions: [], channelId: q.channelId };
      if (body.step === 'organisation') {
        values.topic = '';
        return renderForm(req, res, 200, { ...ctx, focusTopic: true });
      }
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

/** Only the declared question fields as strings, for showing the form again. */
function pickValues(body: Record<string, unknown>): FormValues {
  const out: FormValues = {};
  for (const f of QUESTION_FIELDS) out[f] = typeof body[f] === 'string' ? (body[f] as string) : '';
  return out;
}
