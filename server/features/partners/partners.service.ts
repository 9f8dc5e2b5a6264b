import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import type { CurrentUser } from '../../http/auth';
import { visibleBranchIds } from '../../http/auth';
import { ForbiddenError, NotFoundError } from '../../http/errors';
import type { AuditService } from '../audit/audit.service';
import { keyFromLabel } from '../categories/categories.service';
import { PARTNER_KINDS, type Partner, type PartnerInput, type PartnerKind, type PartnersRepository } from './partners.repository';

export { PARTNER_KINDS };
export type { Partner, PartnerInput, PartnerKind };

/**
 * Who may change a partner: admins any; coordinators only their own branches' partners. The national
 * list is shared by every branch, so one coordinator cannot change it for all the others.
 */
export function canManagePartner(user: CurrentUser, partner: Pick<Partner, 'branchId'>): boolean {
  if (user.role === 'admin') return true;
  if (user.role !== 'coordinator') return false;
  return partner.branchId !== null && user.branchIds.includes(partner.branchId);
}

export class PartnersService {
  constructor(
    private readonly repo: PartnersRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  get(id: number): Partner {
    const p = this.repo.findById(id);
    if (!p) throw new NotFoundError();
    return p;
  }

  find(id: number): Partner | null {
    return this.repo.findById(id);
  }

  /** Partners the user sees: global ones and their branches' own. Another branch's partner is absent. */
  listFor(user: CurrentUser): Partner[] {
    return this.repo.listVisible(visibleBranchIds(user));
  }

  /** Every partner, retired too, keyed by id: for labelling old records. */
  allById(): Map<number, Partner> {
    return new Map(this.repo.listVisible(null).map((p) => [p.id, p]));
  }

  /** What the intake form at one branch offers: active global partners and that branch's own. */
  choosableAt(branchId: number): Partner[] {
    return this.repo.listVisible([branchId]).filter((p) => p.retiredAt === null);
  }

  /** A referral may point at a global partner or one of this branch (the current one stays valid after retiring). */
  isChoosableAt(partnerId: number, branchId: number, current: number | null = null): boolean {
    const p = this.repo.findById(partnerId);
    return !!p && (p.branchId === null || p.branchId === branchId) && (p.retiredAt === null || p.id === current);
  }

  /** Visible to the user, or 404: another branch's partner looks as if it does not exist. */
  getVisible(user: CurrentUser, id: number): Partner {
    const p = this.get(id);
    const visible = visibleBranchIds(user);
    if (p.branchId !== null && visible !== null && !visible.includes(p.branchId)) throw new NotFoundError();
    return p;
  }

  create(actor: Actor, user: CurrentUser, branchId: number | null, input: PartnerInput): number {
    if (!canManagePartner(user, { branchId })) throw new ForbiddenError();
    const now = this.clock.now().toISOString();
    return this.repo.transaction(() => {
      const base = (branchId === null ? '' : `b${branchId}_`) + keyFromLabel(input.name);
      let key = base;
      for (let n = 2; this.repo.keyExists(key); n++) key = `${base}_${n}`;
      const id = this.repo.insert({ ...input, key, branchId, sortOrder: this.repo.maxSortOrder(branchId) + 10 }, now);
      this.audit.record(actor, { action: 'partner.added', subjectType: 'partner', subjectId: id, branchId, details: { key, name: input.name } });
      return id;
    });
  }

  update(actor: Actor, user: CurrentUser, id: number, input: PartnerInput): void {
    const now = this.clock.now().toISOString();
    this.repo.transaction(() => {
      const before = this.getVisible(user, id);
      if (!canManagePartner(user, before)) throw new ForbiddenError();
      this.repo.update(id, input, now);
      const changed = Object.fromEntries(
        (Object.keys(input) as (keyof PartnerInput)[]).filter((k) => before[k] !== input[k]).map((k) => [k, { from: before[k], to: input[k] }]),
      );
      this.audit.record(actor, { action: 'partner.updated', subjectType: 'partner', subjectId: id, branchId: before.branchId, details: changed });
    });
  }

  setRetired(actor: Actor, user: CurrentUser, id: number, retired: boolean): void {
    const now = this.clock.now().toISOString();
    this.repo.transaction(() => {
      const p = this.getVisible(user, id);
      if (!canManagePartner(user, p)) throw new ForbiddenError();
      this.repo.setRetired(id, retired ? now : null, now);
      this.audit.record(actor, { action: retired ? 'partner.retired' : 'partner.restored', subjectType: 'partner', subjectId: id, branchId: p.branchId, details: { key: p.key } });
    });
  }
}
