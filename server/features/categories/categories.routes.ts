import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../../deps';
import { parseId, requireCapability } from '../../http/auth';
import { BadRequestError, NotFoundError } from '../../http/errors';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import { methodNotAllowed, pathId } from '../../http/routes';
import { parseForm, parseOrBadRequest, type FieldError, type FormValues } from '../../http/validation';
import type { AdminSection } from '../admin/admin.routes';
import { TAXONOMY_KINDS, isTaxonomyKind, type TaxonomyEntry, type TaxonomyKind } from './categories.service';
import { labelOf } from './taxonomy';
import { LABEL_FIELDS, MOVE_FIELDS, RETIRE_FIELDS, labelSchema, moveSchema, retireSchema } from './categories.schema';

export const categoriesAdminSection: AdminSection = {
  href: '/admin/categories',
  titleKey: 'categories.section.title',
  textKey: 'categories.section.text',
  capability: 'categories.manage',
  order: 30,
};

/** Where the list of an entry lives: its kind, and for topics the organisation. */
function listUrl(e: Pick<TaxonomyEntry, 'kind' | 'parentId'>): string {
  return `/admin/categories?kind=${e.kind}${e.kind === 'topic' && e.parentId ? `&organisation=${e.parentId}` : ''}`;
}

/** /admin/categories: coordinators keep the categories questions are counted by. */
export function categoriesRouter(deps: RouteDeps): Router {
  const router = Router();
  router.use(requireCapability('categories.manage'));

  const renderList = (req: Request, res: Response, status: number, kind: TaxonomyKind, organisationId: number | null, values: FormValues, errors: FieldError[]): void => {
    const organisations = deps.categories.list(req.user!, 'organisation', null);
    const organisation = kind === 'topic' ? (organisations.find((o) => o.id === organisationId) ?? organisations.find((o) => !o.retiredAt) ?? null) : null;
    const entries = kind === 'topic' ? (organisation ? deps.categories.list(req.user!, 'topic', organisation.id) : []) : deps.categories.list(req.user!, kind, null);
    res.status(status).render('categories/index', {
      title: req.t('categories.title'),
      kinds: TAXONOMY_KINDS,
      kind,
      organisations,
      organisation,
      entries,
      values,
      errors,
      labelOf,
      lang: req.lang,
    });
  };

  const entryParam = (req: Request): TaxonomyEntry => {
    return deps.categories.entryToManage(req.user!, pathId(req));
  };

  router
    .route('/')
    .get((req, res) => {
      const kind = req.query.kind === undefined ? 'organisation' : req.query.kind;
      if (!isTaxonomyKind(kind)) throw new NotFoundError();
      renderList(req, res, 200, kind, parseId(req.query.organisation), { label_nl: '', label_en: '' }, []);
    })
    .post((req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (!isTaxonomyKind(body.kind)) throw new BadRequestError();
      const kind = body.kind;
      const parentId = kind === 'topic' ? parseId(body.organisation) : null;
      if (kind === 'topic' && parentId === null) throw new BadRequestError();
      const form = parseForm(labelSchema, body, LABEL_FIELDS);
      if (!form.ok) return renderList(req, res, 400, kind, parentId, form.values, form.errors);
      const id = deps.categories.add(actorOf(req), { kind, parentId, labelNl: form.data.label_nl, labelEn: form.data.label_en });
      flash(req, 'success', 'categories.flash.added', { label: form.data.label_nl });
      redirectAfterPost(res, listUrl(deps.categories.get(id)));
    })
    .all(methodNotAllowed);

  const renderEdit = (req: Request, res: Response, status: number, entry: TaxonomyEntry, values: FormValues, errors: FieldError[]): void => {
    res.status(status).render('categories/edit', { title: req.t('categories.edit.title'), entry, values, errors, backUrl: listUrl(entry) });
  };

  router
    .route('/:id/edit')
    .get((req, res) => {
      const entry = entryParam(req);
      renderEdit(req, res, 200, entry, { label_nl: entry.labelNl, label_en: entry.labelEn }, []);
    })
    .post((req, res) => {
      const entry = entryParam(req);
      const form = parseForm(labelSchema, req.body, LABEL_FIELDS);
      if (!form.ok) return renderEdit(req, res, 400, entry, form.values, form.errors);
      deps.categories.rename(actorOf(req), entry.id, form.data.label_nl, form.data.label_en);
      flash(req, 'success', 'categories.flash.renamed', { label: form.data.label_nl });
      redirectAfterPost(res, listUrl(entry));
    })
    .all(methodNotAllowed);

  router
    .route('/:id/move')
    .post((req, res) => {
      const entry = entryParam(req);
      const { direction } = parseOrBadRequest(moveSchema, req.body, MOVE_FIELDS);
      deps.categories.move(actorOf(req), entry.id, direction);
      redirectAfterPost(res, `${listUrl(entry)}#entry-${entry.id}`);
    })
    .all(methodNotAllowed);

  router
    .route('/:id/retire')
    .post((req, res) => {
      const entry = entryParam(req);
      const { retired } = parseOrBadRequest(retireSchema, req.body, RETIRE_FIELDS);
      deps.categories.setRetired(actorOf(req), entry.id, retired);
      flash(req, 'success', retired ? 'categories.flash.retired' : 'categories.flash.restored', { label: labelOf(entry, req.lang) });
      redirectAfterPost(res, listUrl(entry));
    })
    .all(methodNotAllowed);

  return router;
}
