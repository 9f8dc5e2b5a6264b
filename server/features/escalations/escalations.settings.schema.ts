import { z } from 'zod';
import { fields } from '../../http/validation';
import type { EditableEscalationSettings } from './escalations.settings';

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

export const ESCALATION_SETTINGS_FIELDS = ['phone', ...WEEKDAYS.flatMap((d) => [`opens_${d}`, `closes_${d}`]), 'max_chats', 'away_minutes'] as const;

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const time = () => fields.oneLine().refine((v) => v === '' || TIME.test(v), 'helpline.errors.time');

const shape: Record<string, z.ZodType> = {
  phone: fields
    .requiredText(30)
    .refine((v) => /^\+?[\d ()-]{3,30}$/.test(v) && /\d{3}/.test(v.replace(/\D/g, '')), 'helpline.errors.phone'),
  max_chats: fields.intInRange(1, 10),
  away_minutes: fields.intInRange(1, 120),
};
for (const d of WEEKDAYS) {
  shape[`opens_${d}`] = time();
  shape[`closes_${d}`] = time();
}

/** /admin/escalations: phone, per weekday opens/closes (both empty = closed; opens before closes), chat limits. */
export const escalationSettingsSchema = z
  .object(shape)
  .superRefine((v, ctx) => {
    for (const d of WEEKDAYS) {
      const opens = v[`opens_${d}`] as string;
      const closes = v[`closes_${d}`] as string;
      if (opens === '' && closes === '') continue;
      if (opens === '') ctx.addIssue({ code: 'custom', path: [`opens_${d}`], message: 'helpline.errors.both' });
      else if (closes === '') ctx.addIssue({ code: 'custom', path: [`closes_${d}`], message: 'helpline.errors.both' });
      else if (opens >= closes) ctx.addIssue({ code: 'custom', path: [`closes_${d}`], message: 'helpline.errors.order' });
    }
  })
  .transform(
    (v): EditableEscalationSettings => ({
      helplinePhone: v.phone as string,
      maxChatsPerExpert: v.max_chats as number,
      awayAfterMinutes: v.away_minutes as number,
      helplineHours: WEEKDAYS.filter((d) => v[`opens_${d}`] !== '').map((weekday) => ({
        weekday,
        opens: v[`opens_${weekday}`] as string,
        closes: v[`closes_${weekday}`] as string,
      })),
    }),
  );
