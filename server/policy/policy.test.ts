import { ForbiddenError, NotFoundError } from '../http/errors';
import { SYSTEM_ACTOR } from '../lib/actor';
import { CAPABILITIES, CAPABILITY_NAMES, ROLES, assertActorMay, assertMay, branchIdsFor, may, type CurrentUser, type Role } from './policy';

const person = (role: Role, branchIds: number[] = []): CurrentUser => ({ id: 1, email: `${role}@x.nl`, name: role, role, branchIds, mustChangePassword: false });

describe('the permission policy', () => {
  test('the table names real roles, and every capability has a scope and a sentence for people', () => {
    for (const name of CAPABILITY_NAMES) {
      const rule = CAPABILITIES[name];
      expect(['branch', 'global']).toContain(rule.scope);
      expect(rule.roles.length).toBeGreaterThan(0);
      for (const r of rule.roles) expect(ROLES).toContain(r);
      expect(rule.means.length).toBeGreaterThan(10);
    }
  });

  test('branch capabilities hold only in the person’s own branches; admins hold them everywhere', () => {
    const volunteer = person('volunteer', [1]);
    expect(may(volunteer, 'desk.use')).toBe(true);
    expect(may(volunteer, 'desk.use', 1)).toBe(true);
    expect(may(volunteer, 'desk.use', 2)).toBe(false);
    expect(may(person('admin'), 'branch.configure', 2)).toBe(true);
    expect(branchIdsFor(volunteer, 'desk.use')).toEqual([1]);
    expect(branchIdsFor(person('admin'), 'stats.read')).toBeNull();
    expect(branchIdsFor(person('admin'), 'desk.use')).toEqual([]);
  });

  test('experts hold no branch capability at all, so they never see bookings, loans or the desk', () => {
    const expert = person('expert', [1]);
    for (const name of CAPABILITY_NAMES.filter((n) => CAPABILITIES[n].scope === 'branch')) expect(may(expert, name, 1)).toBe(false);
    expect(may(expert, 'escalations.answer')).toBe(true);
  });

  test('admins run the system, not the desk', () => {
    const admin = person('admin');
    for (const name of ['desk.use', 'queue.operate', 'appointments.manage', 'intake.register', 'loans.manage'] as const) expect(may(admin, name)).toBe(false);
    for (const name of ['users.manage', 'audit.read', 'stats.read', 'intake.read'] as const) expect(may(admin, name)).toBe(true);
  });

  test('nobody signed in holds nothing', () => {
    for (const name of CAPABILITY_NAMES) expect(may(null, name)).toBe(false);
  });

  test('assertMay: 403 for a role without the capability, 404 for another branch', () => {
    expect(() => assertMay(person('volunteer', [1]), 'users.manage')).toThrow(ForbiddenError);
    expect(() => assertMay(person('volunteer', [1]), 'desk.use', 2)).toThrow(NotFoundError);
    expect(() => assertMay(undefined, 'desk.use', 1)).toThrow(ForbiddenError);
    expect(() => assertMay(person('volunteer', [1]), 'desk.use', 1)).not.toThrow();
  });

  test('assertActorMay: the system acts outside the table; a citizen holds nothing', () => {
    expect(() => assertActorMay(SYSTEM_ACTOR, 'users.manage')).not.toThrow();
    expect(() => assertActorMay({ userId: null, label: 'public', ip: null, user: null }, 'desk.use', 1)).toThrow(ForbiddenError);
    const coordinator = person('coordinator', [3]);
    expect(() => assertActorMay({ userId: 1, label: 'c', ip: null, user: coordinator }, 'branch.configure', 4)).toThrow(NotFoundError);
  });
});
