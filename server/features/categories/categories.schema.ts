import { z } from 'zod';
import { fields } from '../../http/validation';

export const LABEL_FIELDS = ['label_nl', 'label_en'] as const;
export const labelSchema = z.object({
  label_nl: fields.requiredText(120),
  // English may stay empty: the Dutch label is used then.
  label_en: fields.optionalText(120),
});

export const MOVE_FIELDS = ['direction'] as const;
export const moveSchema = z.object({ direction: z.enum(['up', 'down']) });

export const RETIRE_FIELDS = ['retired'] as const;
export const retireSchema = z.object({ retired: z.enum(['1', '0']).transform((v) => v === '1') });
