import type { Deps } from '../../deps';
import type { Actor } from '../../lib/actor';
import { localDate } from '../../lib/time';
import type { SeedContext, SeedLog } from '../demo/demo.seed';
import type { DeviceInput, DeviceType } from './loans.model';

const SEED_ACTOR: Actor = { userId: null, label: 'seed-demo', ip: null, system: true };

interface DemoDevice {
  tag: string;
  type: DeviceType;
  makeModel: string;
  kit: string[];
}

const DEVICES: DemoDevice[] = [
  { tag: 'LAP-01', type: 'laptop', makeModel: 'Lenovo ThinkPad T480', kit: ['lader', 'tas'] },
  { tag: 'LAP-02', type: 'laptop', makeModel: 'HP ProBook 450', kit: ['lader', 'tas', 'muis'] },
  { tag: 'TAB-01', type: 'tablet', makeModel: 'Samsung Galaxy Tab A8', kit: ['lader', 'hoes'] },
  { tag: 'PHN-01', type: 'phone', makeModel: 'Fairphone 4', kit: ['lader', 'kabel'] },
  { tag: 'MIFI-01', type: 'mifi', makeModel: 'Huawei E5576', kit: ['lader', 'simkaart'] },
  { tag: 'OTH-01', type: 'other', makeModel: 'Logitech webcam C270', kit: [] },
];

/**
 * A handful of devices per demo branch, of every type, in the states a desk meets: available, one on loan,
 * one back and waiting for its wipe, and one held for a reservation (lent, returned and wiped before, so its
 * history shows the whole cycle). Borrowers have phone numbers only, so the demo sends no e-mail. Goes
 * through the services, as the desk would. Idempotent: a branch that has its first demo tag is left alone.
 */
export function seedLoansDemo(deps: Deps, ctx: SeedContext, log: SeedLog): void {
  const today = localDate(deps.clock.now());
  const branches: [number, string][] = [
    [ctx.branchIds.central, 'C'],
    [ctx.branchIds.north, 'N'],
  ];
  let created = 0;
  for (const [branchId, prefix] of branches) {
    const tag = (d: DemoDevice): string => `DEMO-${prefix}-${d.tag}`;
    if (deps.loans.findDeviceByTag(SEED_ACTOR, branchId, tag(DEVICES[0]))) continue;
    const ids = new Map<string, number>();
    for (const d of DEVICES) {
      const input: DeviceInput = { type: d.type, assetTag: tag(d), serial: `SN${prefix}${d.tag.replace('-', '')}2026`, makeModel: d.makeModel, kit: d.kit, notes: '' };
      ids.set(d.tag, deps.devices.add(SEED_ACTOR, branchId, input));
      created++;
    }
    const lend = (d: DemoDevice, name: string, phone: string): number =>
      deps.loans.lend(SEED_ACTOR, branchId, {
        assetTag: tag(d),
        borrower: { name, contact: phone, libraryCard: null },
        dueDate: null,
        kitOut: d.kit,
        agreementAccepted: true,
        depositCents: 0,
        allowExtra: false,
      }).id;
    const [, lap2, tab1, phn1] = DEVICES;
    // On loan.
    lend(lap2, prefix === 'C' ? 'Fatima El Idrissi' : 'Gerda Mulder', prefix === 'C' ? '06 1111 2201' : '06 1111 2301');
    // Back without its case, waiting for a wipe.
    const tabLoan = lend(tab1, prefix === 'C' ? 'Wim de Boer' : 'Kofi Mensah', prefix === 'C' ? '06 1111 2202' : '06 1111 2302');
    deps.loans.takeBack(SEED_ACTOR, tabLoan, { kitReturned: ['lader'], condition: 'fine', conditionNote: '' });
    // Reserved: a borrower waits for a phone; the one that comes back and is wiped is held for them.
    deps.loans.reserve(SEED_ACTOR, branchId, { type: 'phone', wantedFrom: today, name: prefix === 'C' ? 'Olena Kovalenko' : 'Piet Smit', contact: prefix === 'C' ? '06 1111 2203' : '06 1111 2303', libraryCard: null });
    const phnLoan = lend(phn1, prefix === 'C' ? 'Anneke Visser' : 'Els Bakker', prefix === 'C' ? '06 1111 2204' : '06 1111 2304');
    deps.loans.takeBack(SEED_ACTOR, phnLoan, { kitReturned: phn1.kit, condition: 'fine', conditionNote: '' });
    deps.loans.confirmWipe(SEED_ACTOR, ids.get(phn1.tag)!, { wiped: true, accountsRemoved: true });
  }
  log(`loans: ${created} demo devices created`);
}
