import { LANGUAGE_CODES } from '../../lib/i18n';
/** Domain types of device loans (SPEC 4.5). Tables: db/migrations/0005_create_loans.sql. */

export const DEVICE_TYPES = ['laptop', 'tablet', 'phone', 'mifi', 'other'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

export const DEVICE_STATUSES = ['available', 'reserved', 'on_loan', 'needs_wipe', 'in_repair', 'lost', 'retired'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/** Statuses staff may set by hand on the device page; the others follow from lending, returns and wipes. */
export const MANUAL_STATUSES = ['available', 'in_repair', 'lost', 'retired'] as const satisfies readonly DeviceStatus[];
export type ManualStatus = (typeof MANUAL_STATUSES)[number];

export const CONDITIONS = ['fine', 'damaged', 'lost'] as const;
export type Condition = (typeof CONDITIONS)[number];

/** Phones and tablets carry an activation lock and accounts (Apple ID, Google) that the wipe must remove. */
export const LOCKABLE_TYPES: readonly DeviceType[] = ['phone', 'tablet'];

/** Default loan period per device type, in days (SPEC 4.5: "due date defaults per device type"). */
export const DEFAULT_LOAN_DAYS: Record<DeviceType, number> = { laptop: 28, tablet: 28, phone: 14, mifi: 14, other: 14 };

/** Per-branch lending rules (settings table, key `loans.branch.<id>`); defaults when never saved. */
export interface LoanSettings {
  dueDays: Record<DeviceType, number>;
  /** 0: the branch asks no deposit. */
  depositCents: number;
}

export interface Device {
  id: number;
  branchId: number;
  type: DeviceType;
  assetTag: string;
  serial: string;
  makeModel: string;
  kit: string[];
  status: DeviceStatus;
  notes: string;
  createdAt: string;
  updatedAt: string;
}

export interface DeviceInput {
  type: DeviceType;
  assetTag: string;
  serial: string;
  makeModel: string;
  kit: string[];
  notes: string;
}

export type DeviceEventKind = 'added' | 'edited' | 'imported' | 'lent' | 'returned' | 'wiped' | 'renewed' | 'status_changed' | 'held' | 'collected';

export interface DeviceEvent {
  id: number;
  deviceId: number;
  loanId: number | null;
  kind: DeviceEventKind;
  at: string;
  actorUserId: number | null;
  actorLabel: string;
  details: Record<string, unknown>;
}

/** The languages a borrower can get their reminder e-mails in (chosen when lending; Dutch unless chosen). */
/** Reminder e-mails to borrowers come in any of the six citizen languages (locales/<lang>/loan-mail.json). */
export const MAIL_LANGUAGES = LANGUAGE_CODES;
export type MailLanguage = (typeof MAIL_LANGUAGES)[number];

export interface Borrower {
  id: number;
  branchId: number;
  name: string;
  contact: string;
  contactKind: 'email' | 'phone';
  libraryCard: string | null;
  language: MailLanguage;
  personalDataPurgedAt: string | null;
}

export interface Loan {
  id: number;
  branchId: number;
  deviceId: number;
  borrowerId: number;
  dueDate: string;
  agreementAcceptedAt: string;
  depositCents: number;
  kitOut: string[];
  missingKit: string[];
  extraAllowedBy: number | null;
  lentAt: string;
  lentBy: number | null;
  returnedAt: string | null;
  returnedBy: number | null;
  condition: Condition | null;
  conditionNote: string;
  renewals: number;
  dueSoonSentAt: string | null;
  overdueSentAt: string | null;
  personalDataPurgedAt: string | null;
}

/** A loan with what a list or page shows beside it. */
export interface LoanView extends Loan {
  assetTag: string;
  deviceType: DeviceType;
  makeModel: string;
  borrowerName: string;
  borrowerContact: string;
  borrowerContactKind: 'email' | 'phone';
  borrowerLanguage: MailLanguage;
}

export interface Reservation {
  id: number;
  branchId: number;
  borrowerId: number;
  deviceType: DeviceType;
  wantedFrom: string;
  status: 'waiting' | 'held' | 'collected' | 'cancelled';
  deviceId: number | null;
  heldAt: string | null;
  borrowerName: string;
  borrowerContact: string;
  assetTag: string | null;
}

export interface DeviceSearch {
  branchId: number;
  text?: string;
  type?: DeviceType;
  status?: DeviceStatus;
  page: number;
  pageSize: number;
}

/** A row of the inventory list: what the table shows, without kit, notes and times (cheaper per row). */
export type DeviceListItem = Pick<Device, 'id' | 'branchId' | 'type' | 'assetTag' | 'serial' | 'makeModel' | 'status'>;

export interface DevicePage {
  devices: DeviceListItem[];
  page: number;
  hasNext: boolean;
}

export interface LendInput {
  /** Typed or scanned at the desk. */
  assetTag: string;
  /** language: of the reminder e-mails; left out, a known borrower keeps theirs and a new one gets Dutch. */
  borrower: { name: string; contact: string; libraryCard: string | null; language?: MailLanguage };
  /** Empty: the default period for the device's type. */
  dueDate: string | null;
  kitOut: string[];
  agreementAccepted: boolean;
  depositCents: number;
  /** A coordinator lets this borrower have another device at the same time (audited). */
  allowExtra: boolean;
}

export interface ReturnInput {
  kitReturned: string[];
  condition: Condition;
  conditionNote: string;
}

export interface WipeInput {
  wiped: boolean;
  /** Phones and tablets: activation lock and accounts removed. */
  accountsRemoved: boolean;
}

/** A contact as people type it, made comparable: e-mail lower-cased, phone digits (and a leading +). */
export function normaliseContact(input: string): { contact: string; kind: 'email' | 'phone' } | null {
  const v = input.trim();
  if (v.includes('@')) return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? { contact: v.toLowerCase(), kind: 'email' } : null;
  const digits = v.replace(/[\s\-().]/g, '');
  return /^\+?\d{8,15}$/.test(digits) ? { contact: digits, kind: 'phone' } : null;
}
