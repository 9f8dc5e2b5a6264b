import { z } from 'zod';
import { fields } from '../../http/validation';
import type { QuestionFields } from './intake.model';

const id = () => z.string().trim().regex(/^[1-9]\d{0,15}$/, 'validation.choose').transform(Number);
const optionalId = () =>
  z
    .string()
    .trim()
    .regex(/^([1-9]\d{0,15})?$/, 'validation.choose')
    .transform((v) => (v ? Number(v) : null));

/** The fields of one question; what they mean (kind, branch, personal data) is checked by the service. */
export const QUESTION_FIELDS = ['type', 'organisation', 'topic', 'life_event', 'help', 'partner', 'duration', 'outcome', 'note'] as const;
export const questionSchema = z.object({
  type: id(),
  organisation: id(),
  topic: optionalId(),
  life_event: optionalId(),
  help: id(),
  partner: optionalId(),
  duration: id(),
  outcome: id(),
  // The length is checked by the service too, with a message that names the limit.
  note: fields.oneLine().max(2000, 'intake.errors.note_too_long'),
});

export function toQuestionFields(d: z.output<typeof questionSchema>): QuestionFields {
  return {
    typeId: d.type,
    organisationId: d.organisation,
    topicId: d.topic,
    lifeEventId: d.life_event,
    helpId: d.help,
    partnerId: d.partner,
    durationId: d.duration,
    outcomeId: d.outcome,
    note: d.note,
  };
}

/** Form values (strings) from a stored question, for the edit form. */
export function valuesOf(f: QuestionFields): Record<string, string> {
  const s = (v: number | null): string => (v === null ? '' : String(v));
  return {
    type: s(f.typeId),
    organisation: s(f.organisationId),
    topic: s(f.topicId),
    life_event: s(f.lifeEventId),
    help: s(f.helpId),
    partner: s(f.partnerId),
    duration: s(f.durationId),
    outcome: s(f.outcomeId),
    note: f.note,
  };
}

/** A new visit's context, from hidden fields the GET page carried over from its query string. */
export const VISIT_FIELDS = ['branch', 'visit', 'channel', 'appointment', 'walkin'] as const;
export const visitSchema = z.object({
  branch: optionalId(),
  visit: optionalId(),
  channel: optionalId(),
  appointment: optionalId(),
  walkin: optionalId(),
});

export const TALLY_FIELDS = ['branch', 'tile'] as const;
export const tallySchema = z.object({ branch: id(), tile: id() });

export const TILE_FIELDS = ['label_nl', 'label_en', 'type', 'subject', 'help', 'duration', 'outcome'] as const;
export const tileSchema = z.object({
  label_nl: fields.requiredText(60),
  label_en: fields.optionalText(60),
  type: id(),
  // "organisationId:topicId" or "organisationId:" — one select with a group per organisation, no extra step.
  subject: z
    .string()
    .regex(/^[1-9]\d{0,15}:([1-9]\d{0,15})?$/, 'validation.choose')
    .transform((v) => {
      const [org, topic] = v.split(':');
      return { organisationId: Number(org), topicId: topic ? Number(topic) : null };
    }),
  help: id(),
  duration: id(),
  outcome: id(),
});
