import { Router } from 'express';
import type { RouteDeps } from '../../deps';
import { requireCapability } from '../../http/auth';
import { methodNotAllowed } from '../../http/routes';
import { may, type Capability, type CurrentUser } from '../../policy/policy';

/** One entry on the /admin index. Features add theirs in app.ts, like desk panels. */
export interface AdminSection {
  href: string;
  /** Translation keys of the link text and the one-line description under it. */
  titleKey: string;
  textKey: string;
  /** Shown to whoever holds this capability somewhere (server/policy/capabilities.ts); the routes ask again. */
  capability: Capability;
  order: number;
}

/** The foundation's own sections; the routes behind them ask the policy for the same capability. */
export const CORE_ADMIN_SECTIONS: readonly AdminSection[] = [
  { href: '/admin/branches', titleKey: 'admin.sections.branches.title', textKey: 'admin.sections.branches.text', capability: 'branch.configure', order: 10 },
  { href: '/admin/users', titleKey: 'admin.sections.users.title', textKey: 'admin.sections.users.text', capability: 'users.manage', order: 20 },
  { href: '/admin/audit', titleKey: 'admin.sections.audit.title', textKey: 'admin.sections.audit.text', capability: 'audit.read', order: 80 },
  { href: '/admin/outbox', titleKey: 'admin.sections.outbox.title', textKey: 'admin.sections.outbox.text', capability: 'outbox.manage', order: 90 },
];

/** Only the sections this person may open, in a stable order. */
export function sectionsFor(user: CurrentUser, sections: readonly AdminSection[]): AdminSection[] {
  return sections.filter((s) => may(user, s.capability)).sort((a, b) => a.order - b.order);
}

/** GET /admin: the index of the management pages this person may open. */
export function adminRouter(_deps: RouteDeps, extraSections: readonly AdminSection[] = []): Router {
  const router = Router();
  const all = [...CORE_ADMIN_SECTIONS, ...extraSections];
  router
    .route('/admin')
    .all(requireCapability('admin.open'))
    .get((req, res) => {
      res.render('admin/index', { title: res.locals.t('admin.index.title'), sections: sectionsFor(req.user!, all) });
    })
    .all(methodNotAllowed);
  return router;
}
