import type { Deps } from '../../deps';
import type { Actor } from '../../lib/actor';
import type { Role } from '../../http/auth';
import type { BranchInput } from '../branches/branches.service';

/** What the foundation's demo seed made, for the features' own seeders to build on. */
export interface SeedContext {
  branchIds: { central: number; north: number };
  userIds: { admin: number; coordinator: number; volunteer: number; expert: number };
}

export type SeedLog = (msg: string) => void;

/** A feature's demo data (categories, bookings, devices …), run after seedDemo; must be idempotent too. */
export type FeatureSeeder = (deps: Deps, ctx: SeedContext, log: SeedLog) => Promise<void> | void;

/** The demo password from the SPEC (section 5). Demo only: the script refuses to run in production. */
export const DEMO_PASSWORD = 'demo-demo-demo';
/** The demo admin's and coordinator's TOTP secret (SPEC §5, printed in the README): base32, SHA-1, 6 digits, 30 s. */
export const DEMO_TOTP_SECRET = 'DEMODEMODEMODEMODEMODEMODEMODEMO';

const SEED_ACTOR: Actor = { userId: null, label: 'seed-demo', ip: null, system: true };

interface DemoBranch {
  input: BranchInput;
  hours: { weekday: number; opens: string; closes: string }[];
}

const CENTRAL: DemoBranch = {
  input: {
    name: 'Centrale Bibliotheek',
    address: 'Stationsplein 1',
    postcode: '3511 CE',
    city: 'Utrecht',
    municipality: 'Utrecht',
    phone: '030 123 45 67',
    insideLibrary: true,
    staffingModel: 'mixed',
    slotMinutes: 30,
    desks: 2,
    horizonDays: 28,
    minNoticeMinutes: 60,
  },
  hours: [
    ...[1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: '10:00', closes: '17:00' })),
    { weekday: 6, opens: '10:00', closes: '13:00' },
  ],
};

const NORTH: DemoBranch = {
  input: {
    name: 'Bibliotheek Noord',
    address: 'Kaatstraat 20',
    postcode: '3513 BX',
    city: 'Utrecht',
    municipality: 'Utrecht',
    phone: '',
    insideLibrary: true,
    staffingModel: 'volunteers',
    slotMinutes: 30,
    desks: 1,
    horizonDays: 21,
    minNoticeMinutes: 120,
  },
  // A small branch: two mornings and one afternoon with a lunch break.
  hours: [
    { weekday: 2, opens: '09:30', closes: '12:30' },
    { weekday: 4, opens: '09:30', closes: '12:00' },
    { weekday: 4, opens: '13:00', closes: '16:30' },
    { weekday: 6, opens: '10:00', closes: '12:00' },
  ],
};

/** Creates the branch with its hours the first time; later runs leave an existing branch as it is. */
function ensureBranch(deps: Deps, demo: DemoBranch, log: SeedLog): number {
  const existing = deps.branches.findByName(demo.input.name);
  if (existing) {
    log(`branch "${demo.input.name}" exists (id ${existing.id})`);
    return existing.id;
  }
  const id = deps.branches.create(SEED_ACTOR, demo.input);
  deps.branches.replaceOpeningHours(SEED_ACTOR, id, demo.hours);
  log(`branch "${demo.input.name}" created (id ${id})`);
  return id;
}

async function ensureUser(deps: Deps, email: string, name: string, role: Role, branchIds: number[], log: SeedLog): Promise<number> {
  const id = await deps.users.ensure(SEED_ACTOR, { email, name, role, branchIds }, DEMO_PASSWORD);
  if (role === 'admin' || role === 'coordinator') deps.secondFactor.enrolWithSecret(SEED_ACTOR, id, DEMO_TOTP_SECRET);
  log(`account ${email} (${role}) ready`);
  return id;
}

/**
 * The foundation's demo data: two branches and the four demo accounts of the SPEC. Safe to run again:
 * branches are matched by name and accounts by e-mail (their password and role are put back).
 */
export async function seedDemo(deps: Deps, log: SeedLog): Promise<SeedContext> {
  const central = ensureBranch(deps, CENTRAL, log);
  const north = ensureBranch(deps, NORTH, log);
  const admin = await ensureUser(deps, 'admin@demo.test', 'Anna Beheer', 'admin', [], log);
  const coordinator = await ensureUser(deps, 'coordinator@demo.test', 'Karim Coördinator', 'coordinator', [central, north], log);
  const volunteer = await ensureUser(deps, 'volunteer@demo.test', 'Vera Vrijwilliger', 'volunteer', [central], log);
  const expert = await ensureUser(deps, 'expert@demo.test', 'Erik Digihulplijn', 'expert', [], log);
  return { branchIds: { central, north }, userIds: { admin, coordinator, volunteer, expert } };
}
