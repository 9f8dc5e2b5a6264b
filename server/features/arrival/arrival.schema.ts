import { z } from 'zod';
import { fields } from '../../http/validation';
import { WALKIN_TOPICS } from './walkins.repository';

export const CHECK_IN_FIELDS = ['code'] as const;
export const checkInSchema = z.object({
  code: fields.oneLine().min(1, 'arrival.errors.code_required').max(40, 'arrival.errors.code_unknown'),
});

export const WALK_IN_FIELDS = ['topic'] as const;
export const walkInSchema = z.object({
  topic: z.union([z.literal(''), z.enum(WALKIN_TOPICS)], { message: 'validation.invalid' }).default(''),
});
