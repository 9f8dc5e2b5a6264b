import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import { localDate } from '../../lib/time';
import { NotFoundError } from '../../http/errors';
import { assertActorMay, assertMay, type CurrentUser } from '../../policy/policy';
import type { Notifier } from '../../realtime/notifier';
import type { Branch, BranchesService } from '../branches/branches.service';
import type { Walkin, WalkinsRepository } from '../arrival/walkins.repository';
import type { QueueCall, QueueRepository } from './queue.repository';

/** The little the desk queue needs to know about a booking; the appointments feature provides it. */
export interface BookingForQueue {
  id: number;
  branchId: number;
  localDate: string;
  localTime: string;
  name: string;
  status: 'booked' | 'arrived' | 'in_progress' | 'done' | 'no_show' | 'cancelled';
  arrivedAt: string | null;
}

export interface AppointmentsForQueue {
  findById(id: number): BookingForQueue | null;
  listDay(branchId: number, localDate: string): BookingForQueue[];
  /** Sets an arrived (or booked) appointment in progress and announces it; false if that was not possible. */
  markInProgress(actor: Actor, id: number): boolean;
}

/** One line on the desk's queue panel: a walk-in, or a booked visitor who has checked in. */
export interface QueueEntry {
  kind: 'walkin' | 'appointment';
  id: number;
  /** Walk-in number or appointment time. */
  label: string;
  name: string;
  topic: string;
  status: 'waiting' | 'called' | 'in_progress';
  desk: number | null;
  /** When the person arrived (walk-in: took the number; appointment: checked in). */
  since: string;
  waitMinutes: number;
}

/** What the public display shows: no names, only labels and desks. */
export interface DisplayState {
  branchId: number;
  calls: { kind: 'walkin' | 'appointment'; label: string; desk: number }[];
  waiting: number;
}

/** What an action was about, so the desk can say so ("Nummer 12 opgeroepen naar balie 2"). */
export interface QueueActionEntry {
  kind: 'walkin' | 'appointment';
  id: number;
  branchId: number;
  /** Walk-in number or appointment time. */
  label: string;
  /** The visitor's name (appointments); empty for walk-ins. */
  name: string;
  /** The desk called to (call actions only). */
  desk?: number;
}
export type QueueActionResult = { ok: true; entry: QueueActionEntry } | { ok: false; reason: 'state_changed' };

const DISPLAY_CALLS = 6;

/**
 * The desk's queue of people present, the actions on it, and the public display. Every method that acts
 * for a signed-in person asks the policy itself (desk.use to see the queue, queue.operate to act on it),
 * so the form routes, the socket event and any future caller share one check. The actor carries the user.
 */
export class QueueService {
  constructor(
    private readonly walkins: WalkinsRepository,
    private readonly repo: QueueRepository,
    private readonly branches: BranchesService,
    private readonly appointments: AppointmentsForQueue | null,
    private readonly notifier: Notifier,
    private readonly clock: Clock,
  ) {}

  private today(): string {
    return localDate(this.clock.now());
  }

  private minutesSince(iso: string): number {
    return Math.max(0, Math.floor((this.clock.now().getTime() - new Date(iso).getTime()) / 60_000));
  }

  /** People present at the branch today, longest waiting first; those being helped at the end. */
  deskQueue(user: CurrentUser, branch: Branch): QueueEntry[] {
    assertMay(user, 'desk.use', branch.id);
    const today = this.today();
    const entries: QueueEntry[] = this.walkins.openOfDay(branch.id, today).map((w) => ({
      kind: 'walkin',
      id: w.id,
      label: String(w.number),
      name: '',
      topic: w.topic,
      status: w.status as QueueEntry['status'],
      desk: w.desk,
      since: w.createdAt,
      waitMinutes: this.minutesSince(w.createdAt),
    }));
    const calls = new Map(this.repo.recent(branch.id, today, 50).filter((c) => c.kind === 'appointment').map((c) => [c.subjectId, c]));
    for (const a of this.appointments?.listDay(branch.id, today) ?? []) {
      if ((a.status !== 'arrived' && a.status !== 'in_progress') || !a.arrivedAt) continue;
      const call = calls.get(a.id);
      entries.push({
        kind: 'appointment',
        id: a.id,
        label: a.localTime,
        name: a.name,
        topic: '',
        status: a.status === 'in_progress' ? 'in_progress' : call ? 'called' : 'waiting',
        desk: call?.desk ?? null,
        since: a.arrivedAt,
        waitMinutes: this.minutesSince(a.arrivedAt),
      });
    }
    const rank = (e: QueueEntry): number => (e.status === 'in_progress' ? 1 : 0);
    return entries.sort((a, b) => rank(a) - rank(b) || a.since.localeCompare(b.since));
  }

  /** Public display state: the latest calls and how many are waiting. No names, ever. */
  displayState(branchId: number): DisplayState {
    if (!this.branches.find(branchId)) throw new NotFoundError();
    const today = this.today();
    const calls = this.repo.recent(branchId, today, DISPLAY_CALLS).map((c: QueueCall) => ({ kind: c.kind, label: c.label, desk: c.desk }));
    const arrived = (this.appointments?.listDay(branchId, today) ?? []).filter((a) => a.status === 'arrived').length;
    return { branchId, calls, waiting: this.walkins.countWaiting(branchId, today) + arrived };
  }

  /** Walk-ins still waiting before this one (for the ticket). */
  waitingAhead(walkin: Walkin): number {
    return this.walkins.openOfDay(walkin.branchId, walkin.localDate).filter((w) => w.status === 'waiting' && w.number < walkin.number).length;
  }

  /** Tells the branch's desks and its public display that a walk-in changed. */
  announceWalkin(walkin: Walkin): void {
    this.notifier.publish(`branch:${walkin.branchId}`, 'walkin.updated', { branchId: walkin.branchId, id: walkin.id, number: walkin.number, status: walkin.status });
    this.announceDisplay(walkin.branchId);
  }

  /** The screen channel gets the whole (small, name-free) state, so a display never has to ask. */
  announceDisplay(branchId: number): void {
    this.notifier.publish(`screen:${branchId}`, 'queue.updated', { ...this.displayState(branchId) });
  }

  /**
   * The walk-in an action is about, once the policy allows the actor to work that branch's queue. The
   * role is asked before the lookup, so a role without the capability learns nothing (403) about ids;
   * another branch's walk-in answers 404 like one that does not exist.
   */
  private walkinFor(actor: Actor, id: number): Walkin {
    assertActorMay(actor, 'queue.operate');
    const walkin = this.walkins.findById(id);
    if (!walkin) throw new NotFoundError();
    assertActorMay(actor, 'queue.operate', walkin.branchId);
    return walkin;
  }

  private checkDesk(branchId: number, desk: number): number {
    const desks = this.branches.get(branchId).desks;
    return Number.isInteger(desk) && desk >= 1 && desk <= desks ? desk : 1;
  }

  callWalkin(actor: Actor, id: number, desk: number): QueueActionResult {
    const walkin = this.walkinFor(actor, id);
    const at = this.clock.now().toISOString();
    const deskNo = this.checkDesk(walkin.branchId, desk);
    const called = this.repo.transaction(() => {
      if (walkin.localDate !== this.today() || !this.walkins.markCalled(id, deskNo, actor.userId, at)) return false;
      this.repo.insert({ branchId: walkin.branchId, localDate: walkin.localDate, kind: 'walkin', subjectId: id, label: String(walkin.number), desk: deskNo, calledAt: at, calledBy: actor.userId });
      return true;
    });
    if (!called) return { ok: false, reason: 'state_changed' };
    this.announceWalkin(this.walkins.findById(id)!);
    return { ok: true, entry: { kind: 'walkin', id, branchId: walkin.branchId, label: String(walkin.number), name: '', desk: deskNo } };
  }

  startWalkin(actor: Actor, id: number): QueueActionResult {
    const walkin = this.walkinFor(actor, id);
    if (!this.walkins.markStarted(id, actor.userId, this.clock.now().toISOString())) return { ok: false, reason: 'state_changed' };
    this.announceWalkin(this.walkins.findById(id)!);
    return { ok: true, entry: { kind: 'walkin', id, branchId: walkin.branchId, label: String(walkin.number), name: '' } };
  }

  finishWalkin(actor: Actor, id: number, status: 'done' | 'no_show'): QueueActionResult {
    const walkin = this.walkinFor(actor, id);
    if (!this.walkins.markFinished(id, status, actor.userId, this.clock.now().toISOString())) return { ok: false, reason: 'state_changed' };
    this.announceWalkin(this.walkins.findById(id)!);
    return { ok: true, entry: { kind: 'walkin', id, branchId: walkin.branchId, label: String(walkin.number), name: '' } };
  }

  /** The booking an action is about, asked of the policy exactly as walkinFor asks. */
  private appointmentFor(actor: Actor, id: number): BookingForQueue {
    assertActorMay(actor, 'queue.operate');
    const booking = this.appointments?.findById(id) ?? null;
    if (!booking) throw new NotFoundError();
    assertActorMay(actor, 'queue.operate', booking.branchId);
    return booking;
  }

  /** Calls a checked-in visitor with an appointment to a desk: the display shows the appointment time. */
  callAppointment(actor: Actor, id: number, desk: number): QueueActionResult {
    const booking = this.appointmentFor(actor, id);
    if (booking.status !== 'arrived' || booking.localDate !== this.today()) return { ok: false, reason: 'state_changed' };
    const deskNo = this.checkDesk(booking.branchId, desk);
    this.repo.insert({
      branchId: booking.branchId,
      localDate: booking.localDate,
      kind: 'appointment',
      subjectId: id,
      label: booking.localTime,
      desk: deskNo,
      calledAt: this.clock.now().toISOString(),
      calledBy: actor.userId,
    });
    this.notifier.publish(`branch:${booking.branchId}`, 'queue.updated', { branchId: booking.branchId, kind: 'appointment', id });
    this.announceDisplay(booking.branchId);
    return { ok: true, entry: { kind: 'appointment', id, branchId: booking.branchId, label: booking.localTime, name: booking.name, desk: deskNo } };
  }

  /** Help starts: the appointment goes in progress (the appointments feature announces that, display included). */
  startAppointment(actor: Actor, id: number): QueueActionResult {
    const booking = this.appointmentFor(actor, id);
    if (!this.appointments!.markInProgress(actor, id)) return { ok: false, reason: 'state_changed' };
    return { ok: true, entry: { kind: 'appointment', id, branchId: booking.branchId, label: booking.localTime, name: booking.name } };
  }
}
