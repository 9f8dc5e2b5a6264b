import { z } from 'zod';

const score = () =>
  z
    .string()
    .regex(/^[1-5]?$/, 'validation.choose')
    .transform((v) => (v ? Number(v) : undefined));

export const SURVEY_FIELDS = ['satisfaction', 'self_reliance', 'trust'] as const;
export const surveySchema = z
  .object({ satisfaction: score(), self_reliance: score(), trust: score() })
  // A visitor may skip a question, but an empty form is a mis-tap, not an answer.
  .refine((d) => d.satisfaction !== undefined || d.self_reliance !== undefined || d.trust !== undefined, {
    message: 'survey.errors.none',
    path: ['satisfaction'],
  });

/** The field bots fill in and people never see. */
export const HONEYPOT_FIELD = 'website';
