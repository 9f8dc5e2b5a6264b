import type { Translate } from '../../lib/i18n';
import type { AuditEntry } from './audit.model';

/**
 * The audit log as the people who read it see it: Dutch event names, people's and branches' names instead of
 * ids, "burger" for citizens, and details as label and value. The stored row keeps the codes and ids (they are
 * the evidence); this only changes how they are shown.
 */

/** Names the log refers to by id, read once per page. */
export interface AuditNames {
  users: ReadonlyMap<number, string>;
  branches: ReadonlyMap<number, string>;
}

export interface AuditDetail {
  label: string;
  value: string;
}

export interface AuditRow {
  at: string;
  actor: string;
  /** The e-mail address the person signed in with (names need not be unique). */
  actorAccount: string | null;
  /** The desk PC the action was done from (a shared desk with the PIN switch), when there was one. */
  deskPcName: string | null;
  /** The event's name, or its code when no name exists yet (shown as code so it stays findable). */
  action: string;
  actionIsCode: boolean;
  subject: string | null;
  branch: string | null;
  ip: string | null;
  details: AuditDetail[];
}

/** Formats an instant in the reader's language and time zone (res.locals.formatLocal). */
export type FormatLocal = (d: Date | string, pattern: string) => string;

/** "sign_in.succeeded" → audit.actions.sign_in__succeeded (a dot would make a nested key). */
export function actionKey(code: string): string {
  return `audit.actions.${code.replace(/\./g, '__')}`;
}

export function actionLabel(t: Translate, code: string): string {
  return t.has(actionKey(code)) ? t(actionKey(code)) : code;
}

export function subjectLabel(t: Translate, type: string): string {
  return t.has(`audit.subjects.${type}`) ? t(`audit.subjects.${type}`) : type;
}

/** Who did it: a person's name, or what the label says (citizen, system, kiosk) in words. */
function actorName(t: Translate, e: AuditEntry, names: AuditNames): string {
  const name = e.actorUserId !== null ? names.users.get(e.actorUserId) : undefined;
  if (name) return name;
  return t.has(`audit.values.${e.actorLabel}`) ? t(`audit.values.${e.actorLabel}`) : e.actorLabel;
}

function subjectText(t: Translate, e: AuditEntry, names: AuditNames): string | null {
  if (!e.subjectType) return null;
  const kind = subjectLabel(t, e.subjectType);
  if (!e.subjectId) return kind;
  const id = Number(e.subjectId);
  const name = e.subjectType === 'user' ? names.users.get(id) : e.subjectType === 'branch' ? names.branches.get(id) : undefined;
  return `${kind} ${name ?? e.subjectId}`;
}

const BRANCH_KEYS = new Set(['branch', 'branchIds']);
const USER_KEYS = new Set(['userId', 'toUserId']);

function formatValue(t: Translate, key: string, value: unknown, names: AuditNames, formatLocal: FormatLocal): string {
  if (value === null || value === undefined || value === '') return '–';
  if (typeof value === 'boolean') return t(value ? 'audit.values.yes' : 'audit.values.no');
  if (Array.isArray(value)) return value.length ? value.map((v) => formatValue(t, key, v, names, formatLocal)).join(', ') : '–';
  if (typeof value === 'number') {
    if (BRANCH_KEYS.has(key)) return names.branches.get(value) ?? String(value);
    if (USER_KEYS.has(key)) return names.users.get(value) ?? String(value);
    return String(value);
  }
  if (typeof value === 'string') return formatText(t, key, value, formatLocal);
  const record = value as Record<string, unknown>;
  if ('from' in record && 'to' in record && Object.keys(record).length === 2) {
    return `${formatValue(t, key, record.from, names, formatLocal)} → ${formatValue(t, key, record.to, names, formatLocal)}`;
  }
  return Object.entries(record)
    .map(([k, v]) => `${detailLabel(t, k)}: ${formatValue(t, k, v, names, formatLocal)}`)
    .join('; ');
}

function formatText(t: Translate, key: string, value: string, formatLocal: FormatLocal): string {
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value)) return formatLocal(value, 'D MMM YYYY HH:mm');
  // A local date (and time) as stored: formatted as a date without moving it through a time zone.
  const local = /^(\d{4}-\d\d-\d\d)(?: (\d\d:\d\d))?$/.exec(value);
  if (local) return formatLocal(`${local[1]}T12:00:00Z`, 'D MMM YYYY') + (local[2] ? ` ${local[2]}` : '');
  if (key === 'role' && t.has(`roles.${value}`)) return t(`roles.${value}`);
  if (t.has(`audit.values.${value}`)) return t(`audit.values.${value}`);
  return value;
}

function detailLabel(t: Translate, key: string): string {
  return t.has(`audit.details.${key}`) ? t(`audit.details.${key}`) : key;
}

export function presentEntry(t: Translate, e: AuditEntry, names: AuditNames, formatLocal: FormatLocal): AuditRow {
  const branchIsSubject = e.subjectType === 'branch' && e.subjectId === String(e.branchId);
  return {
    at: formatLocal(e.at, 'D MMM YYYY HH:mm:ss'),
    actor: actorName(t, e, names),
    actorAccount: e.actorUserId !== null && names.users.has(e.actorUserId) ? e.actorLabel : null,
    deskPcName: e.deskPcName,
    action: actionLabel(t, e.action),
    actionIsCode: !t.has(actionKey(e.action)),
    subject: subjectText(t, e, names),
    branch: e.branchId !== null && !branchIsSubject ? (names.branches.get(e.branchId) ?? String(e.branchId)) : null,
    ip: e.ip,
    details: Object.entries(e.details).map(([key, value]) => ({ label: detailLabel(t, key), value: formatValue(t, key, value, names, formatLocal) })),
  };
}
