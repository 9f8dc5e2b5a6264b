import { z } from 'zod';
import { fields } from '../../http/validation';
import { PARTNER_KINDS } from './partners.model';

export const PARTNER_FIELDS = ['name', 'kind', 'phone', 'website', 'notes', 'scope'] as const;
export const partnerSchema = z.object({
  name: fields.requiredText(120),
  kind: z.enum(PARTNER_KINDS, 'validation.choose'),
  phone: fields
    .oneLine()
    .max(40, 'validation.too_long')
    .regex(/^[0-9+()\s\-/a-z.]*$/i, 'partners.errors.phone'),
  website: fields
    .oneLine()
    .max(200, 'validation.too_long')
    .regex(/^(https?:\/\/[^\s<>"]+)?$/, 'partners.errors.website'),
  notes: fields.optionalText(300),
  // "global" (the national list, admins only) or a branch id.
  scope: z.string().regex(/^(global|[1-9]\d{0,15})$/, 'validation.choose'),
});

export const RETIRE_FIELDS = ['retired'] as const;
export const retireSchema = z.object({ retired: z.enum(['1', '0']).transform((v) => v === '1') });
