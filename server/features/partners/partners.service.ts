import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import { assertMay, branchIdsFor, may, type Capability, type CurrentUser } from '../../policy/policy';
import { NotFoundError } from '../../http/errors';
import type { AuditService } from '../audit/audit.service';
import { keyFromLabel } from '../categories/categories.service';
import type { PartnersRepository } from './partners.repository';
import { PARTNER_KINDS, type Partner, type PartnerInput, type PartnerKind } from './partners.model';

export { PARTNER_KINDS };
export type { Partner, PartnerInput, PartnerKind };

/**
 * The capability that covers a partner: a branch's own partners are that branch's business; the national
 * list is shared by every branch, so one coordinator cannot change it for all the others.
 */
export function partnerCapability(branchId: number | null): Capability {
  return branchId === null ? 'partners.manage_national' : 'partners.manage';
}

/** Whether the person may change partners of this scope (null: the national list). For menus and links. */
export function mayManagePartner(user: CurrentUser | null | undefined, partner: Pick<Partner, 'branchId'>): boolean {
  return may(user, partnerCapability(partner.branchId), partner.branchId ?? undefined);
}

function assertMayManage(user: CurrentUser, branchId: number | null): void {
  assertMay(user, partnerCapability(branchId), branchId ?? undefined);
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
    assertMay(user, 'partners.manage');
    return this.repo.listVisible(branchIdsFor(user, 'partners.manage'));
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

  /**
   * A partner the person may change. Another branch's partner (or an unknown id) is 404, as if it did not
   * exist; a national partner for someone without partners.manage_national is 403 (everyone sees that list).
   */
  manageable(user: CurrentUser, id: number): Partner {
    assertMay(user, 'partners.manage');
    const p = this.repo.findById(id);
    if (!p || (p.branchId !== null && !may(user, 'partners.manage', p.branchId))) throw new NotFoundError();
    assertMayManage(user, p.branchId);
    return p;
  }

  create(actor: Actor, user: CurrentUser, branchId: number | null, input: PartnerInput): number {
    assertMayManage(user, branchId);
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
      const before = this.manageable(user, id);
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
      const p = this.manageable(user, id);
      this.repo.setRetired(id, retired ? now : null, now);
      this.audit.record(actor, { action: retired ? 'partner.retired' : 'partner.restored', subjectType: 'partner', subjectId: id, branchId: p.branchId, details: { key: p.key } });
    });
  }
}
