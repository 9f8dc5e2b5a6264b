import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import { BadRequestError, NotFoundError } from '../../http/errors';
import { assertActorMay, assertMay, type CurrentUser } from '../../policy/policy';
import type { AuditService } from '../audit/audit.service';
import type { CategoriesRepository } from './categories.repository';
import { TAXONOMY_KINDS, type TaxonomyEntry, type TaxonomyKind } from './categories.model';
import { Taxonomy } from './taxonomy';

export { TAXONOMY_KINDS, Taxonomy };
export type { TaxonomyEntry, TaxonomyKind };

/** A stable key from a Dutch label: lower case ASCII, digits and underscores ("Wijziging doorgeven" → wijziging_doorgeven). */
export function keyFromLabel(label: string): string {
  const key = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 50);
  return key || 'item';
}

export function isTaxonomyKind(value: unknown): value is TaxonomyKind {
  return typeof value === 'string' && (TAXONOMY_KINDS as readonly string[]).includes(value);
}

export class CategoriesService {
  constructor(
    private readonly repo: CategoriesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  private cached: { stamp: string; taxonomy: Taxonomy } | null = null;

  /**
   * Every entry, retired ones included, for forms, lists and statistics. The desk and the intake form ask
   * for it on every render, and it changes a few times a year: kept in memory and re-read only when the
   * repository's change stamp moves (our own writes, or a commit by another process). Entries are frozen
   * because every request shares them.
   */
  taxonomy(): Taxonomy {
    const stamp = this.repo.changeStamp();
    if (this.cached?.stamp !== stamp) this.cached = { stamp, taxonomy: new Taxonomy(this.repo.listAll().map((e) => Object.freeze(e))) };
    return this.cached.taxonomy;
  }

  get(id: number): TaxonomyEntry {
    const e = this.repo.findById(id);
    if (!e) throw new NotFoundError();
    return e;
  }

  /** One entry for the management pages. */
  entryToManage(user: CurrentUser, id: number): TaxonomyEntry {
    assertMay(user, 'categories.manage');
    return this.get(id);
  }

  /** One kind's entries in order, retired included (the coordinator page shows both). */
  list(user: CurrentUser, kind: TaxonomyKind, parentId: number | null): TaxonomyEntry[] {
    assertMay(user, 'categories.manage');
    return this.repo.siblings(kind, kind === 'topic' ? parentId : null);
  }

  add(actor: Actor, input: { kind: TaxonomyKind; parentId: number | null; labelNl: string; labelEn: string }): number {
    assertActorMay(actor, 'categories.manage');
    const now = this.clock.now().toISOString();
    return this.repo.transaction(() => {
      const parentId = input.kind === 'topic' ? input.parentId : null;
      if (input.kind === 'topic') {
        const parent = parentId === null ? null : this.repo.findById(parentId);
        if (!parent || parent.kind !== 'organisation') throw new BadRequestError();
      }
      const base = keyFromLabel(input.labelNl);
      let key = base;
      for (let n = 2; this.repo.keyExists(input.kind, parentId, key); n++) key = `${base}_${n}`;
      const id = this.repo.insert(
        { kind: input.kind, parentId, key, labelNl: input.labelNl, labelEn: input.labelEn || input.labelNl, sortOrder: this.repo.maxSortOrder(input.kind, parentId) + 10 },
        now,
      );
      this.audit.record(actor, { action: 'category.added', subjectType: 'taxonomy', subjectId: id, details: { kind: input.kind, key, labelNl: input.labelNl } });
      return id;
    });
  }

  /** New labels; the key stays, so exports and old records keep meaning the same thing. */
  rename(actor: Actor, id: number, labelNl: string, labelEn: string): void {
    assertActorMay(actor, 'categories.manage');
    const now = this.clock.now().toISOString();
    this.repo.transaction(() => {
      const before = this.get(id);
      this.repo.updateLabels(id, labelNl, labelEn || labelNl, now);
      this.audit.record(actor, {
        action: 'category.renamed',
        subjectType: 'taxonomy',
        subjectId: id,
        details: { key: before.key, from: { nl: before.labelNl, en: before.labelEn }, to: { nl: labelNl, en: labelEn || labelNl } },
      });
    });
  }

  /** Swaps the entry with its neighbour, then renumbers the list in steps of 10 so gaps never run out. */
  move(actor: Actor, id: number, direction: 'up' | 'down'): void {
    assertActorMay(actor, 'categories.manage');
    const now = this.clock.now().toISOString();
    this.repo.transaction(() => {
      const entry = this.get(id);
      const list = this.repo.siblings(entry.kind, entry.parentId);
      const i = list.findIndex((e) => e.id === id);
      const j = direction === 'up' ? i - 1 : i + 1;
      if (j < 0 || j >= list.length) return;
      [list[i], list[j]] = [list[j], list[i]];
      list.forEach((e, n) => {
        if (e.sortOrder !== (n + 1) * 10) this.repo.setSortOrder(e.id, (n + 1) * 10, now);
      });
      this.audit.record(actor, { action: 'category.moved', subjectType: 'taxonomy', subjectId: id, details: { key: entry.key, direction } });
    });
  }

  /** Retired entries leave the forms but stay on every record and in statistics. */
  setRetired(actor: Actor, id: number, retired: boolean): void {
    assertActorMay(actor, 'categories.manage');
    const now = this.clock.now().toISOString();
    this.repo.transaction(() => {
      const entry = this.get(id);
      this.repo.setRetired(id, retired ? now : null, now);
      this.audit.record(actor, { action: retired ? 'category.retired' : 'category.restored', subjectType: 'taxonomy', subjectId: id, details: { key: entry.key } });
    });
  }
}
