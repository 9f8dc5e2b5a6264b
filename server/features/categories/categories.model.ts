/** Categories (the taxonomy questions are counted by): kinds and entries, as the rest of the app sees them. */
export const TAXONOMY_KINDS = ['question_type', 'organisation', 'topic', 'help', 'duration', 'outcome', 'life_event', 'channel'] as const;
export type TaxonomyKind = (typeof TAXONOMY_KINDS)[number];

export interface TaxonomyEntry {
  id: number;
  kind: TaxonomyKind;
  /** The organisation a topic belongs to; null for every other kind. */
  parentId: number | null;
  /** Stable key for exports; never changes when the labels do. */
  key: string;
  labelNl: string;
  labelEn: string;
  sortOrder: number;
  retiredAt: string | null;
}
