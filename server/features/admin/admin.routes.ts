import { Router } from 'express';
import type { Deps } from '../../deps';
import { requireRole, type Role } from '../../http/auth';
import { methodNotAllowed } from '../../http/routes';

/** One entry on the /admin index. Features add theirs in app.ts, like desk panels. */
export interface AdminSection {
  href: string;
  /** Translation keys of the link text and the one-line description under it. */
  titleKey: string;
  textKey: string;
  roles: readonly Role[];
  order: number;
}

/** The foundation's own sections; the routes behind them check the same roles again. */
export const CORE_ADMIN_SECTIONS: readonly AdminSection[] = [
  { href: '/admin/branches', titleKey: 'admin.sections.branches.title', textKey: 'admin.sections.branches.text', roles: ['admin', 'coordinator'], order: 10 },
  { href: '/admin/users', titleKey: 'admin.sections.users.title', textKey: 'admin.sections.users.text', roles: ['admin'], order: 20 },
  { href: '/admin/audit', titleKey: 'admin.sections.audit.title', textKey: 'admin.sections.audit.text', roles: ['admin'], order: 80 },
  { href: '/admin/outbox', titleKey: 'admin.sections.outbox.title', textKey: 'admin.sections.outbox.text', roles: ['admin'], order: 90 },
];

/** Only the sections this role may open, in a stable order. */
export function sectionsFor(role: Role, sections: readonly AdminSection[]): AdminSection[] {
  return sections.filter((s) => s.roles.includes(role)).sort((a, b) => a.order - b.order);
}

/** GET /admin: the index of admin sections for admins and coordinators. */
export function adminRouter(_deps: Deps, extraSections: readonly AdminSection[] = []): Router {
  const router = Router();
  const all = [...CORE_ADMIN_SECTIONS, ...extraSections];
  router
    .route('/admin')
    .all(requireRole('admin', 'coordinator'))
    .get((req, res) => {
      res.render('admin/index', { title: res.locals.t('admin.index.title'), sections: sectionsFor(req.user!.role, all) });
    })
    .all(methodNotAllowed);
  return router;
}
