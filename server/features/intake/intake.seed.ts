import type { Deps } from '../../deps';
import { may, type CurrentUser } from '../../policy/policy';
import type { Clock } from '../../lib/clock';
import { addDays, isoWeekday, localDate, minutesOfDay, zonedInstant, timeFromMinutes } from '../../lib/time';
import { NullNotifier } from '../../realtime/notifier';
import { IntakeRepository } from './intake.repository';
import type { QuestionFields } from './intake.model';
import { IntakeService, type VisitStart } from './intake.service';

/** What this seeder needs from the foundation's demo seed (server/features/demo/demo.seed.ts SeedContext). */
export interface IntakeSeedContext {
  branchIds: { central: number; north: number };
  userIds: { volunteer: number; coordinator?: number; admin?: number };
}

const DAYS = 7;
/** Questions per open hour, roughly: the central library is busy, the small branch quiet. */
const PER_HOUR = { central: 2.2, north: 1.2 };

/** Small deterministic generator (mulberry32), so every demo database looks the same. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rnd: () => number, weighted: [T, number][]): T {
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  let r = rnd() * total;
  for (const [v, w] of weighted) {
    if ((r -= w) < 0) return v;
  }
  return weighted[weighted.length - 1][0];
}

// Shares follow the national picture (SPEC 1): DigiD first, then devices, then municipal services.
const SUBJECTS: [[string, string | null, string], number][] = [
  [['digid', 'activeren', 'digital_government'], 12],
  [['digid', 'app', 'digital_government'], 10],
  [['digid', 'aanvragen', 'digital_government'], 7],
  [['digid', 'herstellen', 'digital_government'], 5],
  [['none', 'telefoon_tablet', 'other'], 10],
  [['none', 'computer', 'other'], 4],
  [['none', 'email', 'other'], 4],
  [['gemeente', 'verhuizing', 'digital_government'], 3],
  [['gemeente', 'paspoort_id', 'digital_government'], 3],
  [['gemeente', 'bijstand', 'digital_government'], 2],
  [['belastingdienst', 'aangifte', 'digital_government'], 6],
  [['belastingdienst', 'brief', 'digital_government'], 4],
  [['toeslagen', 'wijzigen', 'digital_government'], 4],
  [['toeslagen', 'aanvragen', 'digital_government'], 2],
  [['uwv', 'werkmap', 'digital_government'], 2],
  [['svb', 'aow', 'digital_government'], 2],
  [['duo', 'terugbetalen', 'digital_government'], 1],
  [['cjib', 'boete', 'digital_government'], 1],
  [['cak', 'eigen_bijdrage', 'digital_government'], 1],
  [['rdw', 'rijbewijs', 'digital_government'], 1],
  [['zorgverzekeraar', 'declareren', 'digital_government'], 2],
  [['bank', 'internetbankieren', 'digital_government'], 3],
  [['mijnoverheid', 'berichtenbox', 'digital_government'], 2],
  [['none', null, 'library_service'], 2],
];
const OUTCOMES: [string, number][] = [['solved', 64], ['partly', 15], ['referred', 10], ['escalated', 5], ['follow_up', 6]];
const DURATIONS: [string, number][] = [['lt5', 10], ['m5_15', 35], ['m15_30', 33], ['m30_60', 17], ['gt60', 5]];
const CHANNELS: [string, number][] = [['desk', 58], ['appointment', 30], ['phone', 10], ['online', 2]];
const REFERRALS: [string, string][] = [['belastingdienst', 'belastingdienst'], ['toeslagen', 'toeslagen'], ['uwv', 'uwv'], ['gemeente', 'gemeente'], ['bank', 'bank']];

/**
 * About a week of realistic registrations at the two demo branches, through the real IntakeService (with
 * its own clock set to each moment, so records carry their true local day). Skipped when the branch already
 * has questions in that week, so running the demo seed twice does not double them.
 */
export function seedIntakeDemo(deps: Deps, ctx: IntakeSeedContext, log: (msg: string) => void): void {
  let at = deps.clock.now();
  const clock: Clock = { now: () => at };
  const repo = new IntakeRepository(deps.db);
  const intake = new IntakeService(repo, deps.categories, deps.partners, deps.audit, new NullNotifier(), clock);
  const tax = deps.categories.taxonomy();
  const now = deps.clock.now();
  const today = localDate(now);
  const from = addDays(today, -DAYS);
  const candidates = [ctx.userIds.volunteer, ctx.userIds.coordinator, ctx.userIds.admin].filter((id): id is number => id !== undefined);
  const users = candidates.map((id) => deps.auth.currentUser(id)).filter((u): u is CurrentUser => u !== null);
  const id = (kind: Parameters<typeof tax.byKey>[0], key: string, parent: number | null = null): number => {
    const e = tax.byKey(kind, key, parent);
    if (!e) throw new Error(`demo seed: no ${kind} "${key}"`);
    return e.id;
  };
  const partnerId = (key: string): number | null => deps.partners.choosableAt(ctx.branchIds.central).find((p) => p.key === key)?.id ?? null;

  for (const [name, branchId] of Object.entries(ctx.branchIds) as [keyof typeof PER_HOUR, number][]) {
    const user = users.find((u) => may(u, 'intake.register', branchId));
    if (!user) {
      log(`intake: no demo user may register at branch ${branchId}; skipped`);
      continue;
    }
    if (repo.listForBranch(branchId, from, today, 1).length > 0) {
      log(`intake: branch ${branchId} already has questions this week; skipped`);
      continue;
    }
    const rnd = random(branchId * 7919);
    const hours = deps.branches.openingHours(branchId);
    const tiles = intake.tilesFor(branchId);
    let visits = 0;
    let questions = 0;
    for (let d = -DAYS; d <= 0; d++) {
      const date = addDays(today, d);
      for (const period of hours.filter((h) => h.weekday === isoWeekday(date))) {
        const open = minutesOfDay(period.opens);
        const length = minutesOfDay(period.closes) - open;
        const expected = (length / 60) * PER_HOUR[name];
        const n = Math.max(0, Math.round(expected * (0.7 + rnd() * 0.6)));
        const times = Array.from({ length: n }, () => open + Math.floor(rnd() * length)).sort((a, b) => a - b);
        for (const minute of times) {
          const instant = zonedInstant(date, timeFromMinutes(minute));
          if (!instant || instant.getTime() >= now.getTime()) continue;
          at = instant;
          visits++;
          // Four in ten desk visits are one tap on a tile.
          if (rnd() < 0.4 && tiles.length > 0) {
            intake.registerFromTile(user, branchId, tiles[Math.floor(rnd() * tiles.length)].id);
            questions++;
            continue;
          }
          const channel = id('channel', pick(rnd, CHANNELS));
          let visitId: number | null = null;
          const count = rnd() < 0.2 ? 2 : 1;
          for (let i = 0; i < count; i++) {
            const [orgKey, topicKey, typeKey] = pick(rnd, SUBJECTS);
            const org = id('organisation', orgKey);
            const outcome = pick(rnd, OUTCOMES);
            const referral = outcome === 'referred' ? (REFERRALS.find(([o]) => o === orgKey)?.[1] ?? 'digihulplijn') : null;
            const fields: QuestionFields = {
              typeId: id('question_type', typeKey),
              organisationId: org,
              topicId: topicKey ? id('topic', topicKey, org) : null,
              lifeEventId: rnd() < 0.08 ? id('life_event', pick(rnd, [['moving', 3], ['retirement', 3], ['partner_death', 1], ['new_in_nl', 2], ['debts', 2]])) : null,
              helpId: id('help', outcome === 'referred' ? 'referred' : pick(rnd, [['together', 65], ['information', 30], ['course', 5]])),
              partnerId: referral ? partnerId(referral) : null,
              durationId: id('duration', pick(rnd, DURATIONS)),
              outcomeId: id('outcome', outcome),
              note: '',
            };
            const start: VisitStart | { visitId: number } = visitId === null ? { branchId, channelId: channel, appointmentId: null, walkinId: null } : { visitId };
            visitId = intake.register(user, start, fields).visitId;
            questions++;
          }
        }
      }
    }
    log(`intake: ${questions} questions in ${visits} visits at branch ${branchId} (${from} … ${today})`);
  }
}
