import type { TaxonomyEntry, TaxonomyKind } from './categories.model';

/**
 * All categories at one moment, for building a form or labelling a list in one pass. Shared between
 * requests (CategoriesService keeps one until the categories change), so it is never modified.
 */
export class Taxonomy {
  private readonly byId = new Map<number, TaxonomyEntry>();

  constructor(readonly entries: readonly TaxonomyEntry[]) {
    for (const e of entries) this.byId.set(e.id, e);
  }

  get(id: number | null | undefined): TaxonomyEntry | null {
    return id === null || id === undefined ? null : (this.byId.get(id) ?? null);
  }

  /** Entries a form offers: not retired, in the coordinator's order. */
  active(kind: TaxonomyKind, parentId: number | null = null): TaxonomyEntry[] {
    return this.entries
      .filter((e) => e.kind === kind && e.retiredAt === null && (kind !== 'topic' || e.parentId === parentId))
      .sort((a, b) => a.sortOrder - b.sortOrder || a.id - b.id);
  }

  byKey(kind: TaxonomyKind, key: string, parentId: number | null = null): TaxonomyEntry | null {
    return this.entries.find((e) => e.kind === kind && e.key === key && e.parentId === parentId) ?? null;
  }

  /**
   * True when the id is of the right kind and may be chosen now. An entry that was already on the record
   * (`current`) stays valid after it was retired, so correcting an old record never forces a change.
   */
  isChoosable(id: number, kind: TaxonomyKind, current: number | null = null): boolean {
    const e = this.byId.get(id);
    return !!e && e.kind === kind && (e.retiredAt === null || id === current);
  }
}

/** The label in the reader's language; Dutch for every language without its own label yet. */
export function labelOf(entry: { labelNl: string; labelEn: string } | null, lang: string): string {
  if (!entry) return '';
  return lang === 'en' ? entry.labelEn : entry.labelNl;
}
