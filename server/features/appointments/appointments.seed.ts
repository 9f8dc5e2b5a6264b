import type { Deps } from '../../deps';
import type { Actor } from '../../lib/actor';
import { localDate } from '../../lib/time';
import type { SeedContext, SeedLog } from '../demo/demo.seed';
import { HELP_TOPICS } from '../../lib/topics';

const SEED_ACTOR: Actor = { userId: null, label: 'seed-demo', ip: null, system: true };
const NAMES = ['Jan Jansen', 'Fatima El Idrissi', 'Wim de Boer', 'Anneke Visser', 'Mehmet Yılmaz', 'Els Bakker', 'Piet Smit', 'Olena Kovalenko', 'Gerda Mulder', 'Kofi Mensah'];

/**
 * A week of demo bookings at the central and the north branch: every third time from now on, by phone or
 * at the desk, without e-mail addresses (so the demo sends no mail). Idempotent: each demo booking has an
 * idempotency key made from its branch and time, so a second run finds it instead of booking again.
 */
export function seedAppointmentsDemo(deps: Deps, ctx: SeedContext, log: SeedLog): void {
  const today = localDate(deps.clock.now());
  let created = 0;
  let n = 0;
  for (const branchId of [ctx.branchIds.central, ctx.branchIds.north]) {
    for (const day of deps.availability.allSlots(branchId, today, 7)) {
      day.slots.forEach((slot, i) => {
        if (i % 3 !== 1 || Date.parse(slot.startsAt) < deps.clock.now().getTime()) return;
        n++;
        const booked = deps.booking.book(SEED_ACTOR, {
          branchId,
          topicKey: HELP_TOPICS[n % HELP_TOPICS.length],
          startsAt: slot.startsAt,
          name: NAMES[n % NAMES.length],
          email: null,
          phone: n % 4 === 0 ? null : `06 ${String(10000000 + n * 7919).slice(0, 8)}`,
          needs: n % 5 === 0 ? { hearingLoop: true } : n % 7 === 0 ? { interpreter: true, otherLanguage: 'Arabisch' } : {},
          language: n % 6 === 0 ? 'en' : 'nl',
          channel: n % 2 === 0 ? 'phone' : 'desk',
          idempotencyKey: `demo:${branchId}:${slot.startsAt}`,
          capacityOverride: false,
        });
        if (!booked.repeated) created++;
      });
    }
  }
  log(`appointments: ${created} demo bookings created for the coming week`);
}
