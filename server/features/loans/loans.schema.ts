import { z } from 'zod';
import { fields, toOneLine } from '../../http/validation';
import { isValidLocalDate } from '../../lib/time';
import { CONDITIONS, DEVICE_STATUSES, DEVICE_TYPES, MAIL_LANGUAGES, MANUAL_STATUSES, normaliseContact, type DeviceInput } from './loans.model';

const branch = z.string().regex(/^[1-9]\d{0,9}$/, 'validation.invalid').transform(Number);
const date = z.string().trim().refine(isValidLocalDate, 'loans.validation.date');
const optionalDate = z
  .string()
  .trim()
  .refine((v) => v === '' || isValidLocalDate(v), 'loans.validation.date')
  .transform((v) => (v === '' ? null : v));
/** Checkbox groups arrive as one string or several; absent is ''. */
const ticked = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v === '' ? [] : [v]).map((k) => toOneLine(k).trim()).filter(Boolean));
const contact = fields
  .oneLine()
  .min(1, 'validation.required')
  .max(254, 'validation.too_long')
  .refine((v) => normaliseContact(v) !== null, 'loans.lend.contact_invalid');
const libraryCard = z
  .string()
  .trim()
  .max(30, 'validation.too_long')
  .refine((v) => v === '' || /^[A-Za-z0-9 -]+$/.test(v), 'loans.validation.card')
  .transform((v) => (v === '' ? null : v));
// Euros as people write them at the desk: "25", "25,00", "7.50".
const deposit = z
  .string()
  .trim()
  .refine((v) => v === '' || /^\d{1,4}([.,]\d{1,2})?$/.test(v), 'loans.validation.deposit')
  .transform((v) => (v === '' ? 0 : Math.round(Number(v.replace(',', '.')) * 100)));

/** Kit parts: one per line (or separated by commas), trimmed, no duplicates, at most 12. */
const kitList = fields
  .multiLine()
  .max(600, 'validation.too_long')
  .transform((v) => [...new Set(v.split(/[\n,;]/).map((k) => k.trim()).filter(Boolean))])
  .refine((list) => list.length <= 12 && list.every((k) => k.length <= 40), 'loans.validation.kit');

export const deviceType = z.enum(DEVICE_TYPES, { message: 'validation.choose' });

const deviceShape = {
  type: deviceType,
  asset_tag: z
    .string()
    .trim()
    .min(1, 'validation.required')
    .max(40, 'validation.too_long')
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'loans.validation.tag'),
  serial: fields.optionalText(80),
  make_model: fields.optionalText(120),
  kit: kitList,
  notes: fields.optionalText(1000),
};

function toDeviceInput(v: z.output<z.ZodObject<typeof deviceShape>>): DeviceInput {
  return { type: v.type, assetTag: v.asset_tag, serial: v.serial, makeModel: v.make_model, kit: v.kit, notes: v.notes };
}

export const DEVICE_FIELDS = ['branch', 'type', 'asset_tag', 'serial', 'make_model', 'kit', 'notes'] as const;
export const newDeviceSchema = z.object({ ...deviceShape, branch }).transform((v) => ({ branchId: v.branch, device: toDeviceInput(v) }));
export const editDeviceSchema = z.object(deviceShape).transform(toDeviceInput);

export const LEND_FIELDS = ['branch', 'tag', 'name', 'contact', 'library_card', 'due_date', 'kit', 'agreement', 'deposit', 'allow_extra', 'language'] as const;
export const lendSchema = z
  .object({
    branch,
    tag: fields.oneLine().min(1, 'loans.lend.tag_required').max(40, 'validation.too_long'),
    name: fields.requiredText(100),
    contact,
    library_card: libraryCard,
    due_date: optionalDate,
    kit: ticked,
    agreement: fields.checkbox().refine((v) => v, 'loans.lend.agreement_required'),
    deposit,
    allow_extra: fields.checkbox(),
    // Radios: a form without them (an older page still open) lends with Dutch e-mails for a new borrower.
    language: z.preprocess((v) => (v === '' ? undefined : v), z.enum(MAIL_LANGUAGES, { message: 'validation.choose' }).optional()),
  })
  .transform((v) => ({
    branchId: v.branch,
    input: {
      assetTag: v.tag,
      borrower: { name: v.name, contact: v.contact, libraryCard: v.library_card, language: v.language },
      dueDate: v.due_date,
      kitOut: v.kit,
      agreementAccepted: v.agreement,
      depositCents: v.deposit,
      allowExtra: v.allow_extra,
    },
  }));

export const RETURN_FIELDS = ['kit', 'condition', 'condition_note'] as const;
export const returnSchema = z
  .object({ kit: ticked, condition: z.enum(CONDITIONS, { message: 'validation.choose' }), condition_note: fields.optionalText(500) })
  .superRefine((v, ctx) => {
    if (v.condition === 'damaged' && !v.condition_note) ctx.addIssue({ code: 'custom', path: ['condition_note'], message: 'loans.return.note_required' });
  })
  .transform((v) => ({ kitReturned: v.kit, condition: v.condition, conditionNote: v.condition_note }));

export const WIPE_FIELDS = ['wiped', 'accounts_removed'] as const;
export const wipeSchema = z
  .object({ wiped: fields.checkbox().refine((v) => v, 'loans.wipe.wiped_required'), accounts_removed: fields.checkbox() })
  .transform((v) => ({ wiped: v.wiped, accountsRemoved: v.accounts_removed }));

export const RENEW_FIELDS = ['due_date'] as const;
export const renewSchema = z.object({ due_date: date });

export const STATUS_FIELDS = ['status', 'note'] as const;
export const statusSchema = z.object({ status: z.enum(MANUAL_STATUSES, { message: 'validation.choose' }), note: fields.optionalText(300) });

export const RESERVE_FIELDS = ['branch', 'type', 'wanted_from', 'name', 'contact', 'library_card'] as const;
export const reserveSchema = z
  .object({ branch, type: deviceType, wanted_from: date, name: fields.requiredText(100), contact, library_card: libraryCard })
  .transform((v) => ({ branchId: v.branch, input: { type: v.type, wantedFrom: v.wanted_from, name: v.name, contact: v.contact, libraryCard: v.library_card } }));

/** The inventory's search and filters (GET): anything unknown is ignored rather than refused. */
export interface InventoryQuery {
  text: string;
  type: (typeof DEVICE_TYPES)[number] | undefined;
  status: (typeof DEVICE_STATUSES)[number] | undefined;
  page: number;
}

export function readInventoryQuery(query: Record<string, unknown>): InventoryQuery {
  const str = (k: string): string => (typeof query[k] === 'string' ? (query[k] as string).trim() : '');
  const type = DEVICE_TYPES.find((x) => x === str('type'));
  const status = DEVICE_STATUSES.find((x) => x === str('status'));
  const page = /^[1-9]\d{0,4}$/.test(str('page')) ? Number(str('page')) : 1;
  return { text: str('q').slice(0, 80), type, status, page };
}

export const IMPORT_FIELDS = ['branch', 'csv', 'step'] as const;
export const importSchema = z.object({
  branch,
  csv: fields.multiLine().min(1, 'loans.import.csv_required').max(60_000, 'validation.too_long'),
  step: z.enum(['preview', 'import'], { message: 'validation.choose' }),
});

const days = fields.intInRange(1, 365);
export const SETTINGS_FIELDS = ['branch', ...DEVICE_TYPES.map((t) => `days_${t}`), 'deposit'] as const;
export const settingsSchema = z
  .object({ branch, days_laptop: days, days_tablet: days, days_phone: days, days_mifi: days, days_other: days, deposit })
  .transform((v) => ({
    branchId: v.branch,
    settings: { dueDays: { laptop: v.days_laptop, tablet: v.days_tablet, phone: v.days_phone, mifi: v.days_mifi, other: v.days_other }, depositCents: v.deposit },
  }));
