import crypto from 'node:crypto';
import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import type { Logger } from '../../lib/logger';
import { asLanguageCode, type Translations } from '../../lib/i18n';
import { addDays, formatLocal, isoWeekday, localDate, localTime } from '../../lib/time';
import { assertActorMay } from '../../policy/policy';
import { GoneError, NotFoundError } from '../../http/errors';
import type { ComposedMail, Mailer } from '../../mail/mailer';
import type { AuditService } from '../audit/audit.service';
import type { Branch } from '../branches/branches.service';
import type { Booked } from '../appointments/appointments.model';
import type { AvailabilityService, FreeSlot } from '../appointments/availability.service';
import type { BookingService } from '../appointments/booking.service';
import { hashToken, isTokenShaped } from '../appointments/manage-token';
import { dayPartOf, type NewEntry, type WaitlistEntry, type WaitlistOffer } from './waitlist.model';
import type { WaitlistRepository } from './waitlist.repository';

/** An offer shorter than this is not worth sending: nobody reads and answers an e-mail that fast. */
const MIN_HOLD_MS = 15 * 60_000;

export interface OfferView {
  offer: WaitlistOffer;
  entry: WaitlistEntry;
  branch: Branch;
}

export interface StaffOfferLine {
  offer: WaitlistOffer;
  entry: WaitlistEntry;
}

/**
 * The waitlist: citizens who found no fitting time wait here; a free time that fits is offered to the first
 * matching person only, held for a while (the branch's setting, never past the time itself), and passed on
 * when not taken. Accepting goes through the normal BookingService.book, so the capacity guarantee and the
 * confirmation e-mail are the booking's own.
 */
export class WaitlistService {
  constructor(
    private readonly repo: WaitlistRepository,
    private readonly availability: AvailabilityService,
    private readonly booking: BookingService,
    private readonly mailer: Mailer,
    private readonly translations: Translations,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly baseUrl: string,
    private readonly logger: Logger,
  ) {}

  /** A citizen joins (public). A time that already fits is offered at once. */
  join(actor: Actor, input: NewEntry): number {
    const b = this.availability.branch(input.branchId);
    const id = this.repo.insertEntry({ ...input, branchId: b.id }, this.clock.now().toISOString());
    this.audit.record(actor, { action: 'waitlist.joined', subjectType: 'waitlist_entry', subjectId: id, branchId: b.id });
    this.offerFreeSlots(b.id);
    return id;
  }

  /** The hook the booking service calls after a cancellation or a move: never lets an error reach the citizen. */
  slotFreed(branchId: number): void {
    try {
      this.offerFreeSlots(branchId);
    } catch (err) {
      this.logger.error({ err, branchId }, 'waitlist: offering a freed slot failed; the offer job tries again');
    }
  }

  /**
   * Offers each free time (within the public horizon, holds already counted as taken) to the first waiting
   * person whose days and parts of the day fit and who was not offered that time before. Returns how many
   * offers were made. Mail is composed before the write transaction, which checks the slot is still free.
   */
  offerFreeSlots(branchId: number): number {
    const candidates = this.repo.candidates(branchId);
    if (candidates.length === 0) return 0;
    const b = this.availability.branch(branchId);
    const today = localDate(this.clock.now());
    const days = this.availability.freeDays(b.id, today, b.horizonDays + 1);
    let made = 0;
    for (const day of days) {
      for (const slot of day.slots) {
        for (let n = 0; n < slot.free && candidates.length > 0; n++) {
          const i = candidates.findIndex((e) => this.fits(e, slot));
          if (i < 0) break;
          const [entry] = candidates.splice(i, 1);
          if (this.offer(b, entry, slot)) made++;
        }
        if (candidates.length === 0) return made;
      }
    }
    return made;
  }

  private fits(e: WaitlistEntry, slot: FreeSlot): boolean {
    return (
      e.weekdays.includes(isoWeekday(slot.date)) &&
      e.dayParts.includes(dayPartOf(slot.time)) &&
      !this.repo.wasOffered(e.id, slot.startsAt)
    );
  }

  private offer(b: Branch, entry: WaitlistEntry, slot: FreeSlot): boolean {
    const now = this.clock.now();
    // Held for the branch's time, but never past the moment the slot can still be booked online.
    const until = Math.min(now.getTime() + this.repo.holdMinutes(b.id) * 60_000, Date.parse(slot.startsAt) - b.minNoticeMinutes * 60_000);
    if (until - now.getTime() < MIN_HOLD_MS) return false;
    const token = crypto.randomBytes(32).toString('base64url');
    const expiresAt = new Date(until).toISOString();
    const mail = entry.email ? this.composeOffer(b, entry, slot.startsAt, expiresAt, token) : null;
    return this.repo.immediate(() => {
      if (this.repo.findEntry(entry.id)?.status !== 'waiting') return false;
      try {
        this.availability.assertDeskFree(b, slot.startsAt);
      } catch {
        return false;
      }
      const id = this.repo.insertOffer({ entryId: entry.id, branchId: b.id, startsAt: slot.startsAt, tokenHash: hashToken(token), expiresAt }, now.toISOString());
      if (mail) this.mailer.enqueueComposed({ ...mail, related: { type: 'waitlist_offer', id } });
      this.audit.record({ userId: null, label: 'system', ip: null, system: true }, {
        action: 'waitlist.offered',
        subjectType: 'waitlist_entry',
        subjectId: entry.id,
        branchId: b.id,
        details: { startsAt: slot.startsAt, expiresAt, byEmail: mail !== null },
      });
      return true;
    });
  }

  private composeOffer(b: Branch, entry: WaitlistEntry, startsAt: string, expiresAt: string, token: string): ComposedMail {
    const lang = entry.language;
    const t = this.translations.translator(lang);
    const params = {
      name: entry.name,
      branch: b.name,
      when: formatLocal(new Date(startsAt), 'dddd D MMMM YYYY, HH:mm', lang),
      until: formatLocal(new Date(expiresAt), 'dddd D MMMM, HH:mm', lang),
    };
    return this.mailer.compose({
      to: entry.email!,
      template: 'notice',
      lang,
      subjectKey: 'waitlist.mail.subject',
      subjectParams: { when: params.when },
      data: {
        heading: t('waitlist.mail.heading', params),
        paragraphs: [t('waitlist.mail.body', params), t('waitlist.mail.until', params), t('waitlist.mail.ignore', params)],
        action: { label: t('waitlist.mail.action'), url: `${this.baseUrl}/waitlist/offer/${token}` },
      },
    });
  }

  /** One pass of the offer job: expired offers pass on, and free times are offered to whoever waits. */
  runPass(): number {
    const now = this.clock.now().toISOString();
    for (const o of this.repo.overdueOffers(now)) {
      if (this.repo.expireOffer(o.id, now)) {
        this.audit.record({ userId: null, label: 'system', ip: null, system: true }, { action: 'waitlist.offer_expired', subjectType: 'waitlist_entry', subjectId: o.entryId, branchId: o.branchId });
      }
    }
    let made = 0;
    for (const branchId of this.repo.branchesWithWaiting()) {
      try {
        made += this.offerFreeSlots(branchId);
      } catch (err) {
        // A retired branch's waiting list gets no offers; the others carry on.
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
    return made;
  }

  /** The offer behind a link. Unknown: 404. Expired, withdrawn, or the slot passed: 410. */
  offerByToken(token: string): OfferView {
    const offer = isTokenShaped(token) ? this.repo.findOfferByTokenHash(hashToken(token)) : null;
    if (!offer) throw new NotFoundError('waitlist.offer.not_found');
    const entry = this.repo.findEntry(offer.entryId)!;
    const expired = Date.parse(offer.expiresAt) <= this.clock.now().getTime();
    if (offer.status === 'expired' || offer.status === 'withdrawn' || (offer.status === 'open' && expired)) throw new GoneError('waitlist.offer.gone');
    return { offer, entry, branch: this.availability.branch(offer.branchId) };
  }

  /**
   * Accepting books the held time through the normal booking path. The idempotency key makes a second click
   * on the same link find the first booking; OfferGoneError or SlotTakenError when it can no longer be had.
   */
  accept(actor: Actor, token: string): Booked {
    const { offer, entry } = this.offerByToken(token);
    return this.bookOffer(actor, offer, entry, 'online');
  }

  // ---- Staff (appointments.manage in the branch).

  /** The branch's waiting list with each person's offers; a view of personal data, audited. */
  listForStaff(actor: Actor, branchId: number): { entry: WaitlistEntry; offers: WaitlistOffer[] }[] {
    assertActorMay(actor, 'appointments.manage', branchId);
    const list = this.repo.waitingOfBranch(branchId).map((entry) => ({ entry, offers: this.repo.offersOfEntry(entry.id) }));
    this.audit.record(actor, {
      action: 'personal_data.viewed',
      subjectType: 'waitlist',
      subjectId: branchId,
      branchId,
      details: { entryIds: list.map((l) => l.entry.id) },
    });
    return list;
  }

  /** Open offers to people who gave only a phone number: staff ring them. Audited like the day list. */
  callList(actor: Actor, branchId: number): StaffOfferLine[] {
    assertActorMay(actor, 'appointments.manage', branchId);
    const lines = this.repo
      .openOffersOfBranch(branchId)
      .filter((o) => Date.parse(o.expiresAt) > this.clock.now().getTime())
      .map((offer) => ({ offer, entry: this.repo.findEntry(offer.entryId)! }))
      .filter((l) => l.entry.phone && !l.entry.email);
    this.audit.record(actor, {
      action: 'personal_data.viewed',
      subjectType: 'waitlist_call_list',
      subjectId: branchId,
      branchId,
      details: { entryIds: lines.map((l) => l.entry.id) },
    });
    return lines;
  }

  /** Staff take someone off the list (booked by phone, no longer needed). Another branch's entry: 404. */
  remove(actor: Actor, entryId: number): WaitlistEntry {
    const entry = this.repo.findEntry(entryId);
    if (!entry) throw new NotFoundError();
    assertActorMay(actor, 'appointments.manage', entry.branchId);
    const removed = this.repo.immediate(() => {
      if (!this.repo.removeEntry(entryId, this.clock.now().toISOString())) return false;
      this.audit.record(actor, { action: 'waitlist.removed', subjectType: 'waitlist_entry', subjectId: entryId, branchId: entry.branchId });
      return true;
    });
    // A withdrawn offer gives its slot back to the next person.
    if (removed) this.slotFreed(entry.branchId);
    return entry;
  }

  /** Staff accept on behalf of a phone-only person they rang: the same booking path as the link. */
  acceptByStaff(actor: Actor, offerId: number): Booked {
    const offer = this.repo.openOffersOfBranch(this.branchOfOffer(actor, offerId)).find((o) => o.id === offerId);
    if (!offer) throw new GoneError('waitlist.offer.gone');
    const entry = this.repo.findEntry(offer.entryId)!;
    return this.bookOffer(actor, offer, entry, 'phone');
  }

  /** One booking path for an offer, by link or by staff: the idempotency key makes a second try find the first. */
  private bookOffer(actor: Actor, offer: WaitlistOffer, entry: WaitlistEntry, channel: 'online' | 'phone'): Booked {
    return this.booking.book(actor, {
      branchId: offer.branchId,
      topicKey: entry.topicKey,
      startsAt: offer.startsAt,
      name: entry.name,
      email: entry.email,
      phone: entry.phone,
      needs: {},
      language: asLanguageCode(entry.language),
      channel,
      idempotencyKey: `waitlist-offer-${offer.id}-${offer.entryId}`,
      capacityOverride: false,
      waitlistOfferId: offer.id,
    });
  }

  private branchOfOffer(actor: Actor, offerId: number): number {
    const branchId = this.repo.branchOfOffer(offerId);
    if (branchId === null) throw new NotFoundError();
    assertActorMay(actor, 'appointments.manage', branchId);
    return branchId;
  }

  /** Today and the horizon, for the public form's hint. */
  horizonEnd(branch: Branch): string {
    return addDays(localDate(this.clock.now()), branch.horizonDays);
  }

  /** The part of the day of a stored instant (for the staff list). */
  partOf(startsAt: string): string {
    return dayPartOf(localTime(new Date(startsAt)));
  }
}
