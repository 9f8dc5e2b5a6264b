import { assertMay, may, type CurrentUser } from '../../policy/policy';
import { StepUpRequiredError, ForbiddenError } from '../../http/errors';
import { FakeClock } from '../../lib/clock';
import { createTestApp, type TestApp } from '../../../tests/helpers/test-app';
import { SignInThrottleRepository } from '../auth/sign-in-throttle.repository';
import { deskPcCookie, deskPcIdFromCookie, DESK_PC_COOKIE } from './desk-pc-cookie';
import { PinThrottle } from './pin-throttle';
import { pinSchema } from './desk-pcs.schema';

const coordinator: CurrentUser = { id: 7, email: 'c@bieb.nl', name: 'C', role: 'coordinator', branchIds: [1], mustChangePassword: false };

describe('step-up in the policy', () => {
  test('switched in by PIN, a coordinator keeps desk work but must step up for more', () => {
    const pin = { ...coordinator, viaPin: true };
    expect(() => assertMay(pin, 'desk.use', 1)).not.toThrow();
    expect(() => assertMay(pin, 'intake.register', 1)).not.toThrow();
    for (const cap of ['stats.read', 'admin.open', 'branch.configure', 'deskpcs.manage'] as const) {
      expect(() => assertMay(pin, cap, 1)).toThrow(StepUpRequiredError);
    }
    expect(() => assertMay(coordinator, 'stats.read', 1)).not.toThrow();
    // A role without the capability is refused as before (403), not sent to step-up.
    expect(() => assertMay({ ...pin, role: 'volunteer' }, 'stats.read', 1)).toThrow(ForbiddenError);
    expect(() => assertMay({ ...pin, role: 'volunteer' }, 'stats.read', 1)).not.toThrow(StepUpRequiredError);
    // Menus still show the link; the click leads to step-up.
    expect(may(pin, 'stats.read', 1)).toBe(true);
  });
});

describe('desk PC cookie', () => {
  let t: TestApp;
  beforeAll(() => {
    t = createTestApp();
  });
  afterAll(() => t.close());

  test('only a signature made here counts; another id with that signature does not', () => {
    const cookie = deskPcCookie(t.config, 12);
    expect(deskPcIdFromCookie(`${DESK_PC_COOKIE}=${cookie.value}`, t.config)).toBe(12);
    const sig = cookie.value.split('.')[1];
    expect(deskPcIdFromCookie(`${DESK_PC_COOKIE}=13.${sig}`, t.config)).toBeNull();
    expect(deskPcIdFromCookie(`${DESK_PC_COOKIE}=12.${'A'.repeat(43)}`, t.config)).toBeNull();
    expect(deskPcIdFromCookie(`${DESK_PC_COOKIE}=12`, t.config)).toBeNull();
    expect(deskPcIdFromCookie(undefined, t.config)).toBeNull();
  });

  test('PIN throttle: five wrong for one person lock that person only, for one window', () => {
    const clock = new FakeClock('2026-03-02T09:00:00Z');
    const throttle = new PinThrottle(new SignInThrottleRepository(t.db), clock);
    for (let i = 0; i < 4; i++) throttle.recordFailure({ userId: 1, deskPcId: 1 });
    expect(throttle.lockedMinutesLeft({ userId: 1, deskPcId: 1 })).toBe(0);
    throttle.recordFailure({ userId: 1, deskPcId: 1 });
    expect(throttle.lockedMinutesLeft({ userId: 1, deskPcId: 1 })).toBe(15);
    expect(throttle.lockedMinutesLeft({ userId: 2, deskPcId: 1 })).toBe(0);
    clock.advanceMinutes(15);
    expect(throttle.lockedMinutesLeft({ userId: 1, deskPcId: 1 })).toBe(0);
  });
});

describe('PIN rules', () => {
  const parse = (pin: string): boolean => pinSchema.safeParse({ current_password: 'x', pin, pin_confirm: pin }).success;
  test('6 to 12 digits, not a repeated digit nor a run', () => {
    expect(parse('582913')).toBe(true);
    expect(parse('582913582913')).toBe(true);
    for (const bad of ['12345', '5829135829134', '111111', '123456', '987654', '890123', '58291a', ' 582913']) expect([bad, parse(bad)]).toEqual([bad, false]);
  });
});
