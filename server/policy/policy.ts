import { ForbiddenError, NotFoundError, StepUpRequiredError } from '../http/errors';
import type { Actor } from '../lib/actor';
import { CAPABILITIES, type Capability, type Role } from './capabilities';

export type { Capability, Role } from './capabilities';
export { CAPABILITIES, CAPABILITY_NAMES, ROLES } from './capabilities';

/** The signed-in person as the policy sees them. */
export interface CurrentUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  branchIds: number[];
  mustChangePassword: boolean;
  /** Switched in on a shared desk PC with a PIN (server/features/desk-pcs): a volunteer's reach until step-up. */
  viaPin?: boolean;
}

/**
 * A PIN proves less than a password, so a person switched in by PIN holds only what a volunteer holds;
 * anything more (management, statistics, exports) first asks for their full password (step-up).
 */
export function needsStepUp(user: CurrentUser, capability: Capability): boolean {
  return user.viaPin === true && !roleMay('volunteer', capability);
}

/** Whether the role holds the capability at all (in some branch, for branch capabilities). */
export function roleMay(role: Role, capability: Capability): boolean {
  return (CAPABILITIES[capability].roles as readonly Role[]).includes(role);
}

/**
 * The one permission question. Without `branchId` it asks whether the person holds the capability
 * anywhere (for a menu or a router gate); with it, whether they hold it in that branch.
 */
export function may(user: CurrentUser | null | undefined, capability: Capability, branchId?: number): boolean {
  if (!user || !roleMay(user.role, capability)) return false;
  if (branchId === undefined || CAPABILITIES[capability].scope === 'global' || user.role === 'admin') return true;
  return user.branchIds.includes(branchId);
}

/**
 * Throws unless `may` holds. A role without the capability gets 403; a person who has it, but not in this
 * branch, gets 404, so ids of other branches' records cannot be probed.
 */
export function assertMay(user: CurrentUser | null | undefined, capability: Capability, branchId?: number): asserts user is CurrentUser {
  if (!user || !roleMay(user.role, capability)) throw new ForbiddenError();
  if (needsStepUp(user, capability)) throw new StepUpRequiredError();
  if (!may(user, capability, branchId)) throw new NotFoundError();
}

/** Branch ids where the person holds a branch capability: null means every branch (admins). */
export function branchIdsFor(user: CurrentUser, capability: Capability): number[] | null {
  if (!roleMay(user.role, capability)) return [];
  if (user.role === 'admin' || CAPABILITIES[capability].scope === 'global') return null;
  return user.branchIds;
}

/**
 * For service methods that take an Actor: the server itself and scripts (`system`) act outside the table;
 * everyone else is asked exactly as `assertMay` asks. Citizens (no user) hold no capability.
 */
export function assertActorMay(actor: Actor, capability: Capability, branchId?: number): void {
  if (actor.system) return;
  assertMay(actor.user, capability, branchId);
}
