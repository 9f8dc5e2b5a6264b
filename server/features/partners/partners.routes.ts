import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../../deps';
import { requireCapability } from '../../http/auth';
import { choosableBranches } from '../../http/branch-scope';
import { assertMay, may } from '../../policy/policy';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import { methodNotAllowed, pathId } from '../../http/routes';
import { parseForm, parseOrBadRequest, type FieldError, type FormValues } from '../../http/validation';
import type { AdminSection } from '../admin/admin.routes';
import { PARTNER_KINDS, mayManagePartner, type Partner, type PartnerInput } from './partners.service';
import { PARTNER_FIELDS, RETIRE_FIELDS, partnerSchema, retireSchema } from './partners.schema';

export const partnersAdminSection: AdminSection = {
  href: '/admin/partners',
  titleKey: 'partners.section.title',
  textKey: 'partners.section.text',
  capability: 'partners.manage',
  order: 35,
};

function scopeOf(p: Pick<Partner, 'branchId'>): string {
  return p.branchId === null ? 'global' : String(p.branchId);
}

/** /admin/partners: the referral list, national and per branch. */
export function partnersRouter(deps: RouteDeps): Router {
  const router = Router();
  router.use(requireCapability('partners.manage'));

  const renderForm = (req: Request, res: Response, status: number, partner: Partner | null, values: FormValues, errors: FieldError[]): void => {
    const user = req.user!;
    res.status(status).render('partners/form', {
      title: req.t(partner ? 'partners.form.title_edit' : 'partners.form.title_new'),
      partner,
      values,
      errors,
      kinds: PARTNER_KINDS,
      branches: choosableBranches(deps.branches, user, 'partners.manage'),
      canGlobal: may(user, 'partners.manage_national'),
      action: partner ? `/admin/partners/${partner.id}/edit` : '/admin/partners/new',
    });
  };

  /** The validated scope as a branch id (null: national); the service decides whether the person may use it. */
  const scopeFrom = (scope: string): number | null => (scope === 'global' ? null : Number(scope));

  const input = (d: { name: string; kind: PartnerInput['kind']; phone: string; website: string; notes: string }): PartnerInput => ({
    name: d.name,
    kind: d.kind,
    phone: d.phone,
    website: d.website,
    notes: d.notes,
  });

  router
    .route('/')
    .get((req, res) => {
      const user = req.user!;
      const branchNames = new Map(deps.branches.listAll().map((b) => [b.id, b.name]));
      res.render('partners/index', {
        title: req.t('partners.title'),
        partners: deps.partners.listFor(user).map((p) => ({ ...p, manageable: mayManagePartner(user, p), branchName: p.branchId ? branchNames.get(p.branchId) : null })),
      });
    })
    .all(methodNotAllowed);

  router
    .route('/new')
    .get((req, res) => {
      const user = req.user!;
      const first = choosableBranches(deps.branches, user, 'partners.manage')[0];
      const scope = may(user, 'partners.manage_national') ? 'global' : first ? String(first.id) : '';
      renderForm(req, res, 200, null, { name: '', kind: 'other', phone: '', website: '', notes: '', scope }, []);
    })
    .post((req, res) => {
      // Whose list the partner joins is decided first: a branch the person may not manage is 404, before
      // any other field is read (so the answer never depends on what else was typed).
      const requested = (req.body as Record<string, unknown> | undefined)?.scope;
      if (typeof requested === 'string' && /^[1-9]\d{0,15}$/.test(requested)) assertMay(req.user, 'partners.manage', Number(requested));
      const form = parseForm(partnerSchema, req.body, PARTNER_FIELDS);
      if (!form.ok) return renderForm(req, res, 400, null, form.values, form.errors);
      const branchId = scopeFrom(form.data.scope);
      deps.partners.create(actorOf(req), req.user!, branchId, input(form.data));
      flash(req, 'success', 'partners.flash.added', { name: form.data.name });
      redirectAfterPost(res, '/admin/partners');
    })
    .all(methodNotAllowed);

  const partnerParam = (req: Request): Partner => {
    return deps.partners.manageable(req.user!, pathId(req));
  };

  router
    .route('/:id/edit')
    .get((req, res) => {
      const p = partnerParam(req);
      renderForm(req, res, 200, p, { name: p.name, kind: p.kind, phone: p.phone, website: p.website, notes: p.notes, scope: scopeOf(p) }, []);
    })
    .post((req, res) => {
      const p = partnerParam(req);
      // The scope of an existing partner does not change: its key and old referrals stay where they are.
      const form = parseForm(partnerSchema, { ...(req.body as object), scope: scopeOf(p) }, PARTNER_FIELDS);
      if (!form.ok) return renderForm(req, res, 400, p, form.values, form.errors);
      deps.partners.update(actorOf(req), req.user!, p.id, input(form.data));
      flash(req, 'success', 'partners.flash.updated', { name: form.data.name });
      redirectAfterPost(res, '/admin/partners');
    })
    .all(methodNotAllowed);

  router
    .route('/:id/retire')
    .post((req, res) => {
      const p = partnerParam(req);
      const { retired } = parseOrBadRequest(retireSchema, req.body, RETIRE_FIELDS);
      deps.partners.setRetired(actorOf(req), req.user!, p.id, retired);
      flash(req, 'success', retired ? 'partners.flash.retired' : 'partners.flash.restored', { name: p.name });
      redirectAfterPost(res, '/admin/partners');
    })
    .all(methodNotAllowed);

  return router;
}
