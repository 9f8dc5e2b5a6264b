/** Referral partners (SPEC 2.5): national ones and a branch's own. */
export const PARTNER_KINDS = ['helpline', 'government', 'municipality', 'legal', 'financial', 'health', 'social', 'other'] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

export interface Partner {
  id: number;
  key: string;
  /** null: a national partner every branch refers to. */
  branchId: number | null;
  name: string;
  kind: PartnerKind;
  phone: string;
  website: string;
  notes: string;
  sortOrder: number;
  retiredAt: string | null;
}

export type PartnerInput = Pick<Partner, 'name' | 'kind' | 'phone' | 'website' | 'notes'>;
