import crypto from 'node:crypto';
import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import { localDate } from '../../lib/time';
import { NotFoundError } from '../../http/errors';
import { assertActorMay } from '../../policy/policy';
import type { BranchesService, Branch } from '../branches/branches.service';
import type { Notifier } from '../../realtime/notifier';
import type { QueueService } from '../queue/queue.service';
import type { Walkin, WalkinTopic, WalkinsRepository } from './walkins.repository';

/** The little the kiosk needs to know about a booking; the appointments feature provides it. */
export interface BookingForArrival {
  id: number;
  branchId: number;
  localDate: string;
  localTime: string;
  status: 'booked' | 'arrived' | 'in_progress' | 'done' | 'no_show' | 'cancelled';
}

/** What the arrival feature asks of the appointments feature (see deps.ts for the wiring). */
export interface AppointmentsForArrival {
  findByCode(code: string): BookingForArrival | null;
  /** Marks a booked appointment arrived and announces it to the branch's desks; false if it was not booked. */
  markArrived(actor: Actor, id: number): boolean;
}

export type CheckInResult =
  | { kind: 'arrived'; time: string }
  | { kind: 'already'; time: string }
  | { kind: 'not_found' }
  | { kind: 'other_day'; date: string; time: string; past: boolean }
  | { kind: 'other_branch'; branchName: string }
  | { kind: 'cancelled' }
  | { kind: 'ask_desk' };

// Codes use 23456789 and A–Z without I, L, O. People copy them from paper, a phone or a card reader:
// any case, with spaces, dashes or dots between groups, sometimes as full-width or accented characters.
const CODE_ALPHABET = /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6,8}$/;

/**
 * Normalises a typed booking code. Returns null when it cannot be a code at all, so we do not even look.
 * Look-alikes that are not in the alphabet are left alone on purpose: 0/O and 1/I/L never occur in a code,
 * so there is no single right guess for them, and guessing would only widen what a brute-forcer can try.
 */
export function normalizeCode(input: string): string | null {
  const cleaned = input
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[\s\-_.·/]+/g, '');
  return CODE_ALPHABET.test(cleaned) ? cleaned : null;
}

export class ArrivalService {
  constructor(
    private readonly walkins: WalkinsRepository,
    private readonly branches: BranchesService,
    private readonly queue: QueueService,
    private readonly appointments: AppointmentsForArrival | null,
    private readonly notifier: Notifier,
    private readonly clock: Clock,
  ) {}

  /** The branch a kiosk is set up for; null when it no longer exists or is retired. */
  kioskBranch(branchId: number | null): Branch | null {
    if (branchId === null) return null;
    const branch = this.branches.find(branchId);
    return branch && !branch.retiredAt ? branch : null;
  }

  /**
   * Making a browser a branch's kiosk is desk work at that branch (issue #15): a volunteer or coordinator of
   * the branch may, a citizen at home may not (404 for another branch, 403 for a role without desk work).
   */
  kioskForSetUp(actor: Actor, branchId: number): Branch {
    assertActorMay(actor, 'desk.use', branchId);
    const branch = this.kioskBranch(branchId);
    if (!branch) throw new NotFoundError();
    return branch;
  }

  /**
   * Check-in at the kiosk of `branchId` with a booking code. Only today's bookings at this branch are
   * checked in; everything else gets a plain answer the person can act on.
   */
  checkIn(branchId: number, rawCode: string, ip: string | null): CheckInResult {
    const code = normalizeCode(rawCode);
    const booking = code && this.appointments ? this.appointments.findByCode(code) : null;
    if (!booking) return { kind: 'not_found' };
    if (booking.branchId !== branchId) {
      return { kind: 'other_branch', branchName: this.branches.find(booking.branchId)?.name ?? '' };
    }
    if (booking.status === 'cancelled') return { kind: 'cancelled' };
    if (booking.status === 'done' || booking.status === 'no_show') return { kind: 'ask_desk' };
    const today = localDate(this.clock.now());
    if (booking.localDate !== today) {
      return { kind: 'other_day', date: booking.localDate, time: booking.localTime, past: booking.localDate < today };
    }
    if (booking.status === 'arrived' || booking.status === 'in_progress') return { kind: 'already', time: booking.localTime };
    const actor: Actor = { userId: null, label: 'kiosk', ip };
    // markArrived announces 'appointment.updated' and (through its onStatusChanged hook) the display's new
    // count; 'checkin' tells desks someone is physically here now.
    if (!this.appointments!.markArrived(actor, booking.id)) return { kind: 'already', time: booking.localTime };
    this.notifier.publish(`branch:${branchId}`, 'checkin', { branchId, kind: 'appointment', id: booking.id, time: booking.localTime });
    return { kind: 'arrived', time: booking.localTime };
  }

  /**
   * A walk-in number: 1, 2, 3 … per branch per local day. The next number is computed and inserted in one
   * IMMEDIATE transaction and guarded by UNIQUE(branch_id, local_date, number), so numbers are unique and
   * gap-free however many people press the button at once.
   */
  takeNumber(branchId: number, topic: WalkinTopic | ''): Walkin {
    if (!this.kioskBranch(branchId)) throw new NotFoundError();
    const now = this.clock.now();
    const walkin = this.walkins.immediate(() =>
      this.walkins.insertNext({
        branchId,
        localDate: localDate(now),
        topic,
        ticketToken: crypto.randomBytes(16).toString('base64url'),
        createdAt: now.toISOString(),
      }),
    );
    this.notifier.publish(`branch:${branchId}`, 'checkin', { branchId, kind: 'walkin', id: walkin.id, number: walkin.number });
    this.queue.announceWalkin(walkin);
    return walkin;
  }

  /** The printable ticket, by its secret token. */
  ticket(token: string): { walkin: Walkin; branch: Branch; ahead: number } {
    const walkin = /^[A-Za-z0-9_-]{22}$/.test(token) ? this.walkins.findByToken(token) : null;
    if (!walkin) throw new NotFoundError();
    const branch = this.branches.get(walkin.branchId);
    return { walkin, branch, ahead: this.queue.waitingAhead(walkin) };
  }
}
