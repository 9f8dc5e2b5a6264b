import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import type { Translate } from '../../lib/i18n';
import { isoWeekday, localDate, localTime } from '../../lib/time';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../../http/errors';
import { assertActorMay } from '../../policy/policy';
import type { Notifier } from '../../realtime/notifier';
import type { AuditService } from '../audit/audit.service';
import { detectPersonalData } from '../intake/personal-data';
import { assertChatSide } from './escalations.access';
import { isOpenEscalationConflict, type EscalationsRepository, type QuestionSummary } from './escalations.repository';
import {
  DEFAULT_ESCALATION_SETTINGS,
  type CallbackRequest,
  type CallbackWithPhone,
  type Escalation,
  type EscalationSettings,
  type EscalationState,
  type ExpertPresence,
  type Outcome,
  type PresenceStatus,
} from './escalations.model';

export type { CallbackRequest, CallbackWithPhone, Escalation, EscalationSettings, EscalationState, ExpertPresence, Outcome, PresenceStatus };

/** Where accept, transfer and close write their line in the conversation (h2's ChatService.appendSystem). */
export interface SystemLines {
  appendSystem(escalationId: number, body: string): unknown;
}

/**
 * Escalating answers at once: either the escalation is queued, or (helpline closed, nobody available) it
 * is NOT queued at all and the volunteer gets the fallback (phone number, hours, callback form) straight
 * away. Nothing waits for a timeout, and no escalation sits in a queue nobody watches.
 */
export type EscalateResult = { ok: true; escalation: Escalation } | { ok: false; reason: 'closed' | 'no_expert'; question: QuestionSummary };

export type AcceptResult = { ok: true; escalation: Escalation } | { ok: false; reason: 'taken' | 'max_chats' };

export interface ExpertConsole {
  presence: PresenceStatus;
  queue: (Escalation & { waitingMinutes: number })[];
  mine: Escalation[];
  callbacks: CallbackRequest[];
  experts: ExpertPresence[];
  availableExperts: number;
  maxChats: number;
  awayAfterMinutes: number;
  helplineOpen: boolean;
}

export interface BranchOverview {
  open: (Escalation & { state: EscalationState })[];
  recent: Escalation[];
  callbacks: CallbackRequest[];
}

export interface NewCallbackInput {
  questionId: number;
  /** Set when a waiting escalation is turned into a callback request (it is then cancelled). */
  escalationId: number | null;
  phone: string;
  preferredMoment: string;
}

const RECENT_LIMIT = 20;
const WAIT_SAMPLE_DAYS = 14;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The lifecycle of an escalation (queue, accept, transfer, close), expert presence and callback requests. */
export class EscalationsService {
  constructor(
    private readonly repo: EscalationsRepository,
    private readonly audit: AuditService,
    private readonly notifier: Notifier,
    private readonly clock: Clock,
    /** System lines are stored in Dutch, the language both sides of the desk share. */
    private readonly systemText: Translate,
    private readonly chat: SystemLines,
    /** The settings in force, or how to read them (the admin can change them: see escalations.settings.ts). */
    private readonly settingsSource: EscalationSettings | (() => EscalationSettings) = DEFAULT_ESCALATION_SETTINGS,
  ) {}

  /** The Digihulplijn settings in force now (phone, hours, chat limits). */
  get settings(): EscalationSettings {
    return typeof this.settingsSource === 'function' ? this.settingsSource() : this.settingsSource;
  }

  // ---- reading ------------------------------------------------------------------------------------

  /** The question an escalation or callback would be about, if the person may escalate in its branch. */
  questionFor(actor: Actor, questionId: number): QuestionSummary {
    const q = this.repo.question(questionId);
    if (!q) {
      assertActorMay(actor, 'escalations.start');
      throw new NotFoundError();
    }
    assertActorMay(actor, 'escalations.start', q.branchId);
    return q;
  }

  /** One escalation, for someone on a side of its chat (branch staff, or the expert holding it). */
  find(actor: Actor, id: number): { escalation: Escalation; side: 'volunteer' | 'expert' } {
    const row = this.repo.find(id);
    if (!row) {
      if (!actor.system) assertChatSide(actor.user, { branch_id: -1, status: 'closed', expert_id: null });
      throw new NotFoundError();
    }
    const side = actor.system ? 'volunteer' : assertChatSide(actor.user, { branch_id: row.branchId, status: row.status, expert_id: row.expertId });
    return { escalation: row, side };
  }

  /** Whether the Digihulplijn is open now (its weekly hours, Europe/Amsterdam). */
  helplineOpen(at: Date = this.clock.now()): boolean {
    const weekday = isoWeekday(localDate(at));
    const time = localTime(at);
    return this.settings.helplineHours.some((h) => h.weekday === weekday && h.opens <= time && time < h.closes);
  }

  /** Every expert with their presence as others see it: 'available' without recent activity reads 'away'. */
  experts(): ExpertPresence[] {
    const cutoff = new Date(this.clock.now().getTime() - this.settings.awayAfterMinutes * 60_000).toISOString();
    return this.repo.presence().map((p) => ({ ...p, status: p.status === 'available' && p.lastActiveAt < cutoff ? 'away' : p.status }));
  }

  availableCount(): number {
    return this.experts().filter((p) => p.status === 'available').length;
  }

  /** The live state of one escalation: place in the queue, experts available, an estimated wait. */
  state(escalation: Escalation, queued: Escalation[] = this.repo.queued(), available = this.availableCount()): EscalationState {
    const index = queued.findIndex((q) => q.id === escalation.id);
    const position = escalation.status === 'queued' && index >= 0 ? index + 1 : null;
    return {
      escalationId: escalation.id,
      status: escalation.status,
      position,
      availableExperts: available,
      estimatedWaitMinutes: position !== null && available > 0 ? this.estimateWait(position, available) : null,
      outcome: escalation.outcome,
    };
  }

  /** Median of recent waits (or the default), times the people ahead, shared by the experts available. */
  private estimateWait(position: number, available: number): number {
    const since = new Date(this.clock.now().getTime() - WAIT_SAMPLE_DAYS * 86_400_000).toISOString();
    const typical = median(this.repo.recentWaitMinutes(since)) ?? this.settings.defaultWaitMinutes;
    return Math.max(1, Math.ceil((typical * position) / available));
  }

  /** The expert console: own presence, the queue (oldest first), own chats, open callback requests. */
  console(actor: Actor): ExpertConsole {
    assertActorMay(actor, 'escalations.answer');
    const now = this.clock.now().getTime();
    const experts = this.experts();
    const me = experts.find((p) => p.userId === actor.userId);
    return {
      presence: me?.status ?? 'offline',
      queue: this.repo.queued().map((e) => ({ ...e, waitingMinutes: Math.max(0, Math.floor((now - new Date(e.createdAt).getTime()) / 60_000)) })),
      mine: actor.userId === null ? [] : this.repo.activeOfExpert(actor.userId),
      callbacks: this.repo.openCallbacks(),
      experts,
      availableExperts: experts.filter((p) => p.status === 'available').length,
      maxChats: this.settings.maxChatsPerExpert,
      awayAfterMinutes: this.settings.awayAfterMinutes,
      helplineOpen: this.helplineOpen(),
    };
  }

  /** A branch's open escalations (with their live state), recent closed ones and its callback requests. */
  branchOverview(actor: Actor, branchId: number): BranchOverview {
    assertActorMay(actor, 'escalations.start', branchId);
    const queued = this.repo.queued();
    const available = this.availableCount();
    return {
      open: this.repo.openOfBranch(branchId).map((e) => ({ ...e, state: this.state(e, queued, available) })),
      recent: this.repo.recentOfBranch(branchId, RECENT_LIMIT),
      callbacks: this.repo.callbacksOfBranch(branchId, RECENT_LIMIT),
    };
  }

  /** For the expert console's title: what waits for an expert. */
  queueCounts(): { queued: number; callbacksOpen: number } {
    return { queued: this.repo.queued().length, callbacksOpen: this.repo.openCallbacks().length };
  }

  // ---- the lifecycle ------------------------------------------------------------------------------

  escalate(actor: Actor, questionId: number, description: string): EscalateResult {
    const question = this.questionFor(actor, questionId);
    if (description.length === 0 || description.length > 300 || detectPersonalData(description)) throw new BadRequestError();
    if (!this.helplineOpen()) return { ok: false, reason: 'closed', question };
    if (this.availableCount() === 0) return { ok: false, reason: 'no_expert', question };
    const now = this.clock.now().toISOString();
    const id = this.repo.transaction(() => {
      // A double submit or a colleague's escalation of the same question: follow the one already open.
      const open = this.repo.openOfQuestion(question.id);
      if (open !== null) return open;
      try {
        const created = this.repo.insert({ ...question, branchId: question.branchId, questionId: question.id, description, createdBy: actor.userId, now });
        this.audit.record(actor, { action: 'escalation.created', subjectType: 'escalation', subjectId: created, branchId: question.branchId, details: { questionId: question.id } });
        return created;
      } catch (err) {
        if (isOpenEscalationConflict(err)) return this.repo.openOfQuestion(question.id) as number;
        throw err;
      }
    });
    const escalation = this.repo.find(id) as Escalation;
    this.announce();
    return { ok: true, escalation };
  }

  /** Exactly one expert wins (UPDATE … WHERE status = 'queued'); the others are told it is taken. */
  accept(actor: Actor, id: number): AcceptResult {
    assertActorMay(actor, 'escalations.answer');
    const expertId = this.expertIdOf(actor);
    const now = this.clock.now().toISOString();
    const line = this.systemText('escalations.system.accepted', { name: actor.user?.name ?? '' });
    const result = this.repo.transaction((): AcceptResult => {
      const row = this.repo.find(id);
      if (!row) throw new NotFoundError();
      if (this.repo.activeCount(expertId) >= this.settings.maxChatsPerExpert) return { ok: false, reason: 'max_chats' };
      // The one guard: no "was it still queued?" read before it, so the database alone decides the winner.
      if (!this.repo.accept(id, expertId, now)) return { ok: false, reason: 'taken' };
      this.repo.touchPresence(expertId, now);
      this.audit.record(actor, { action: 'escalation.accepted', subjectType: 'escalation', subjectId: id, branchId: row.branchId });
      this.chat.appendSystem(id, line);
      return { ok: true, escalation: this.repo.find(id) as Escalation };
    });
    if (result.ok) this.announce(result.escalation);
    return result;
  }

  /** Hands an active chat to another available expert who has room for it. */
  transfer(actor: Actor, id: number, toUserId: number): Escalation {
    const { escalation, side } = this.find(actor, id);
    if (side !== 'expert') throw new ForbiddenError();
    const fromId = this.expertIdOf(actor);
    const target = this.experts().find((p) => p.userId === toUserId);
    if (!target || target.userId === fromId || target.status !== 'available') throw new ConflictError('escalations.errors.transfer_unavailable');
    if (this.repo.activeCount(toUserId) >= this.settings.maxChatsPerExpert) throw new ConflictError('escalations.errors.transfer_full');
    const line = this.systemText('escalations.system.transferred', { from: actor.user?.name ?? '', to: target.name });
    const now = this.clock.now().toISOString();
    this.repo.transaction(() => {
      if (!this.repo.transfer(id, fromId, toUserId)) throw new ConflictError('escalations.errors.state_changed');
      this.repo.touchPresence(fromId, now);
      this.audit.record(actor, { action: 'escalation.transferred', subjectType: 'escalation', subjectId: id, branchId: escalation.branchId, details: { from: fromId, to: toUserId } });
      this.chat.appendSystem(id, line);
    });
    const updated = this.repo.find(id) as Escalation;
    this.notifier.publish(`user:${toUserId}`, 'escalations:assigned', { escalationId: id });
    this.announce(updated);
    return updated;
  }

  /** Ends the chat with an outcome, which becomes the intake question's outcome; the transcript stays linked. */
  close(actor: Actor, id: number, outcome: Outcome): Escalation {
    const { escalation, side } = this.find(actor, id);
    if (side !== 'expert') throw new ForbiddenError();
    const by = this.expertIdOf(actor);
    const line = this.systemText('escalations.system.closed', { outcome: this.systemText(`escalations.outcome.${outcome}`) });
    const now = this.clock.now().toISOString();
    this.repo.transaction(() => {
      if (!this.repo.close(id, by, outcome, now)) throw new ConflictError('escalations.errors.state_changed');
      this.repo.setQuestionOutcome(escalation.questionId, outcome, by, now);
      this.repo.touchPresence(by, now);
      this.audit.record(actor, { action: 'escalation.closed', subjectType: 'escalation', subjectId: id, branchId: escalation.branchId, details: { outcome } });
      this.chat.appendSystem(id, line);
    });
    const updated = this.repo.find(id) as Escalation;
    this.announce(updated);
    return updated;
  }

  /** The volunteer withdraws a waiting escalation (the citizen left, or they chose a callback instead). */
  cancel(actor: Actor, id: number): Escalation {
    const { escalation } = this.find(actor, id);
    assertActorMay(actor, 'escalations.start', escalation.branchId);
    const now = this.clock.now().toISOString();
    this.repo.transaction(() => {
      if (!this.repo.cancel(id, actor.userId, now)) throw new ConflictError('escalations.errors.state_changed');
      this.audit.record(actor, { action: 'escalation.cancelled', subjectType: 'escalation', subjectId: id, branchId: escalation.branchId });
    });
    const updated = this.repo.find(id) as Escalation;
    this.announce(updated);
    return updated;
  }

  // ---- presence ----------------------------------------------------------------------------------

  setPresence(actor: Actor, status: PresenceStatus): void {
    assertActorMay(actor, 'escalations.answer');
    this.repo.setPresence(this.expertIdOf(actor), status, this.clock.now().toISOString());
    this.announce();
  }

  /** Any action of an expert counts as activity: it keeps 'available' from turning 'away'. */
  touch(actor: Actor): void {
    assertActorMay(actor, 'escalations.answer');
    this.repo.touchPresence(this.expertIdOf(actor), this.clock.now().toISOString());
  }

  // ---- callback requests -------------------------------------------------------------------------

  createCallback(actor: Actor, input: NewCallbackInput): number {
    const question = this.questionFor(actor, input.questionId);
    const now = this.clock.now().toISOString();
    let cancelled: Escalation | null = null;
    const id = this.repo.transaction(() => {
      let description = '';
      if (input.escalationId !== null) {
        const e = this.repo.find(input.escalationId);
        if (!e || e.questionId !== question.id) throw new BadRequestError();
        // A waiting escalation becomes the callback: the volunteer does not keep two requests open.
        if (e.status === 'queued' && this.repo.cancel(e.id, actor.userId, now)) {
          this.audit.record(actor, { action: 'escalation.cancelled', subjectType: 'escalation', subjectId: e.id, branchId: e.branchId, details: { callback: true } });
          cancelled = e;
        }
        description = e.description;
      }
      const created = this.repo.insertCallback({
        branchId: question.branchId,
        questionId: question.id,
        escalationId: input.escalationId,
        typeId: question.typeId,
        organisationId: question.organisationId,
        description,
        phone: input.phone,
        preferredMoment: input.preferredMoment,
        createdBy: actor.userId,
        now,
      });
      this.audit.record(actor, { action: 'callback.created', subjectType: 'callback_request', subjectId: created, branchId: question.branchId });
      return created;
    });
    this.announce(cancelled ? (this.repo.find((cancelled as Escalation).id) ?? undefined) : undefined);
    return id;
  }

  /**
   * The one way to read a callback's phone number: experts only, and every read is audited as the same
   * personal_data.viewed every other look at personal data writes, so the audit filter (by contact too) and
   * data-subject requests find it.
   */
  callbackWithPhone(actor: Actor, id: number): CallbackWithPhone {
    assertActorMay(actor, 'escalations.answer');
    const c = this.repo.callback(id);
    if (!c) throw new NotFoundError();
    this.audit.record(actor, { action: 'personal_data.viewed', subjectType: 'callback_request', subjectId: id, branchId: c.branchId });
    return c;
  }

  markCallbackDone(actor: Actor, id: number): void {
    assertActorMay(actor, 'escalations.answer');
    const now = this.clock.now().toISOString();
    this.repo.transaction(() => {
      const c = this.repo.callback(id);
      if (!c) throw new NotFoundError();
      if (!this.repo.markCallbackDone(id, actor.userId, now)) throw new ConflictError('escalations.errors.state_changed');
      this.audit.record(actor, { action: 'callback.done', subjectType: 'callback_request', subjectId: id, branchId: c.branchId });
    });
    this.announce();
  }

  // ---- live updates ------------------------------------------------------------------------------

  /**
   * Tells experts how much waits, and every branch with a queued escalation its new place in line (one
   * change moves everyone behind it). `changed` is an escalation that just left the queue.
   */
  private announce(changed?: Escalation): void {
    const queued = this.repo.queued();
    const available = this.availableCount();
    this.notifier.publish('experts', 'escalations:queue', { queued: queued.length, callbacksOpen: this.repo.openCallbacks().length, availableExperts: available });
    const moved = changed && !queued.some((q) => q.id === changed.id) ? [...queued, changed] : queued;
    for (const e of moved) {
      const payload = { ...this.state(e, queued, available) };
      this.notifier.publish(`branch:${e.branchId}`, 'escalation:updated', payload);
      this.notifier.publish(`escalation:${e.id}`, 'escalation:updated', payload);
    }
  }

  private expertIdOf(actor: Actor): number {
    if (actor.userId === null) throw new ForbiddenError();
    return actor.userId;
  }
}
