import { createBranch, createTestApp, createUser, type TestApp } from '../../../tests/helpers/test-app';
import type { Actor } from '../../lib/actor';
import type { DeviceInput, DeviceType } from './loans.model';

let t: TestApp;
let branchA: number;
let branchB: number;
let vol: Actor;
let volB: Actor;

function actorFor(id: number): Actor {
  const u = t.deps.users.get(id);
  return { userId: id, label: u.email, ip: null, user: { ...u, mustChangePassword: false } };
}

const device = (tag: string, makeModel: string, type: DeviceType = 'laptop', serial = `SN-${tag}`): DeviceInput => ({ type, assetTag: tag, serial, makeModel, kit: [], notes: '' });
const tags = (text: string, extra: { type?: DeviceType; page?: number; branchId?: number } = {}): string[] =>
  t.deps.devices.search(extra.branchId === branchB ? volB : vol, { branchId: extra.branchId ?? branchA, text, type: extra.type, page: extra.page ?? 1, pageSize: 50 }).devices.map((d) => d.assetTag);

beforeAll(async () => {
  t = createTestApp();
  branchA = createBranch(t.deps);
  branchB = createBranch(t.deps);
  vol = actorFor(await createUser(t.deps, 'volunteer', [branchA]));
  volB = actorFor(await createUser(t.deps, 'volunteer', [branchB]));
  // 300 Galaxy tablets (more than the "few matches" plan takes), a handful of others, one in branch B.
  const many: DeviceInput[] = [];
  for (let i = 1; i <= 300; i++) many.push(device(`TAB-${String(i).padStart(3, '0')}`, 'Samsung Galaxy Tab A8', 'tablet'));
  t.deps.devices.addMany(vol, branchA, many);
  t.deps.devices.add(vol, branchA, device('LAP_01', 'Lenovo ThinkPad T480', 'laptop', 'PF1ABCD'));
  t.deps.devices.add(vol, branchA, device('LAPX01', 'HP EliteBook 840', 'laptop', 'CND123'));
  t.deps.devices.add(vol, branchA, device('MIFI-7', 'Huawei "E5576"', 'mifi', 'X-TAB-9'));
  t.deps.devices.add(volB, branchB, device('LAP-B1', 'Lenovo ThinkPad T480'));
});
afterAll(() => t.close());

describe('inventory search (tag and serial by their beginning, make and model by any part)', () => {
  it('finds one tag among many, case-insensitively, and a tag prefix', () => {
    expect(tags('tab-123')).toEqual(['TAB-123']);
    expect(tags('TAB-12')).toEqual(['TAB-120', 'TAB-121', 'TAB-122', 'TAB-123', 'TAB-124', 'TAB-125', 'TAB-126', 'TAB-127', 'TAB-128', 'TAB-129']);
  });

  it('takes wildcards literally: "LAP_01" is not "LAPX01"', () => {
    expect(tags('LAP_01')).toEqual(['LAP_01']);
    expect(tags('LAP%')).toEqual([]);
  });

  it('finds a serial by its beginning, not by its middle', () => {
    expect(tags('pf1ab')).toEqual(['LAP_01']);
    expect(tags('ABCD')).toEqual([]);
  });

  it('finds make and model by any part, also when few devices match', () => {
    expect(tags('thinkpad')).toEqual(['LAP_01']);
    expect(tags('elitebook 84')).toEqual(['LAPX01']);
    expect(tags('"E557')).toEqual(['MIFI-7']);
    expect(tags('zzz')).toEqual([]);
  });

  it('pages through many matches in tag order, with filters, and both plans agree on the rule', () => {
    const first = tags('galaxy');
    expect(first).toHaveLength(50);
    expect(first[0]).toBe('TAB-001');
    expect(tags('galaxy', { page: 6 })).toEqual(Array.from({ length: 50 }, (_, i) => `TAB-${String(251 + i).padStart(3, '0')}`));
    expect(tags('galaxy', { type: 'laptop' })).toEqual([]);
    // "tab" is a tag prefix of 300 devices and part of the serial of MIFI-7 only in its middle: not found there.
    expect(tags('tab', { page: 7 })).toEqual([]);
    // Short texts go through the tag-order plan: tags, serials and models alike.
    expect(tags('hp')).toEqual(['LAPX01']);
  });

  it("never shows another branch's devices", () => {
    expect(tags('LAP-B1')).toEqual([]);
    expect(tags('lenovo')).toEqual(['LAP_01']);
    expect(tags('lenovo', { branchId: branchB })).toEqual(['LAP-B1']);
  });
});

describe('status counts kept by the database', () => {
  it('follow adding, status changes and lending', () => {
    const before = t.deps.devices.countsByStatus(vol, branchA);
    expect(before).toEqual({ available: 303 });
    const id = t.deps.devices.search(vol, { branchId: branchA, text: 'LAPX01', page: 1, pageSize: 50 }).devices[0].id;
    t.deps.devices.setStatus(vol, id, 'in_repair', 'scherm');
    expect(t.deps.devices.countsByStatus(vol, branchA)).toEqual({ available: 302, in_repair: 1 });
    t.deps.devices.setStatus(vol, id, 'available', '');
    expect(t.deps.devices.countsByStatus(vol, branchA)).toEqual({ available: 303 });
    // Lending and taking back move the counts through the loan triggers too.
    const loan = t.deps.loans.lend(vol, branchA, { assetTag: 'LAPX01', borrower: { name: 'Els', contact: '0612345678', libraryCard: null }, dueDate: null, kitOut: [], agreementAccepted: true, depositCents: 0, allowExtra: false });
    expect(t.deps.devices.countsByStatus(vol, branchA)).toEqual({ available: 302, on_loan: 1 });
    t.deps.loans.takeBack(vol, loan.id, { kitReturned: [], condition: 'fine', conditionNote: '' });
    expect(t.deps.devices.countsByStatus(vol, branchA)).toEqual({ available: 302, needs_wipe: 1 });
    expect(t.deps.devices.countsByStatus(volB, branchB)).toEqual({ available: 1 });
  });

  it('equal a fresh count after many changes', () => {
    const fresh = t.db.prepare('SELECT branch_id AS b, status AS s, count(*) AS n FROM devices GROUP BY branch_id, status ORDER BY 1, 2').all();
    const kept = t.db.prepare('SELECT branch_id AS b, status AS s, n FROM device_status_counts WHERE n > 0 ORDER BY 1, 2').all();
    expect(kept).toEqual(fresh);
  });
});
