/** Escalations to the Digihulplijn as the rest of the app sees them (SPEC 4.6). */
export type EscalationStatus = 'queued' | 'active' | 'closed' | 'cancelled';
export type Outcome = 'solved' | 'referred' | 'follow_up';
export const OUTCOMES: readonly Outcome[] = ['solved', 'referred', 'follow_up'];
export type PresenceStatus = 'available' | 'away' | 'offline';
export const PRESENCE_STATUSES: readonly PresenceStatus[] = ['available', 'away', 'offline'];

export interface Escalation {
  id: number;
  branchId: number;
  branchName: string;
  questionId: number;
  typeId: number;
  organisationId: number;
  topicId: number | null;
  description: string;
  status: EscalationStatus;
  createdBy: number | null;
  expertId: number | null;
  expertName: string | null;
  createdAt: string;
  acceptedAt: string | null;
  closedAt: string | null;
  outcome: Outcome | null;
}

/** What the volunteer's page (and the desk panel) shows while an escalation waits. */
export interface EscalationState {
  escalationId: number;
  status: EscalationStatus;
  /** 1 = next in line; null when not queued. */
  position: number | null;
  availableExperts: number;
  estimatedWaitMinutes: number | null;
  outcome: Outcome | null;
}

export interface CallbackRequest {
  id: number;
  branchId: number;
  branchName: string;
  questionId: number | null;
  escalationId: number | null;
  typeId: number | null;
  organisationId: number | null;
  description: string;
  preferredMoment: string;
  status: 'open' | 'done';
  createdAt: string;
  doneAt: string | null;
}

/** The phone number is read only through its own, audited method. */
export interface CallbackWithPhone extends CallbackRequest {
  phone: string;
}

export interface ExpertPresence {
  userId: number;
  name: string;
  /** As the others see it: 'available' turns 'away' after the inactivity limit. */
  status: PresenceStatus;
  lastActiveAt: string;
}

/** The Digihulplijn's opening hours, one row per weekday (1 = Monday … 7 = Sunday), Europe/Amsterdam. */
export interface HelplineHours {
  weekday: number;
  opens: string;
  closes: string;
}

export interface EscalationSettings {
  /** Simultaneous active chats one expert may hold. */
  maxChatsPerExpert: number;
  /** An available expert without activity for this long counts as away. */
  awayAfterMinutes: number;
  /** Shown in the fallback; a free 0800 number (not personal data). */
  helplinePhone: string;
  helplineHours: HelplineHours[];
  /** The estimate when no escalation was accepted recently. */
  defaultWaitMinutes: number;
}

/** The Digihulplijn number as pages and e-mails print it, and the tel: link to it. */
export interface HelplineContact {
  phone: string;
  /** `tel:` with only the digits and a leading + (if the number starts with one), e.g. tel:08001508. */
  tel: string;
}

export function helplineContact(phone: string): HelplineContact {
  const trimmed = phone.trim();
  return { phone: trimmed, tel: `tel:${trimmed.startsWith('+') ? '+' : ''}${trimmed.replace(/\D/g, '')}` };
}

export const DEFAULT_ESCALATION_SETTINGS: EscalationSettings = Object.freeze({
  maxChatsPerExpert: 3,
  awayAfterMinutes: 10,
  helplinePhone: '0800-1508',
  helplineHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: '09:00', closes: '17:00' })),
  defaultWaitMinutes: 5,
});
