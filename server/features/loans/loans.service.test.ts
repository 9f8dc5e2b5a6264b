import { createBranch, createTestApp, createUser, type TestApp } from '../../../tests/helpers/test-app';
import type { Actor } from '../../lib/actor';
import { ForbiddenError, NotFoundError } from '../../http/errors';
import { LoanRefusedError } from './loans.service';
import type { DeviceInput, LendInput } from './loans.model';

let t: TestApp;
let branchA: number;
let branchB: number;
let volA: Actor;
let coordA: Actor;
let volB: Actor;
let admin: Actor;

function actorFor(id: number): Actor {
  const u = t.deps.users.get(id);
  return { userId: id, label: u.email, ip: null, user: { ...u, mustChangePassword: false } };
}

const laptop = (tag: string, kit = ['lader', 'tas']): DeviceInput => ({ type: 'laptop', assetTag: tag, serial: `SN-${tag}`, makeModel: 'Lenovo T480', kit, notes: '' });
const lendInput = (tag: string, contact = '06-12345678', extra: Partial<LendInput> = {}): LendInput => ({
  assetTag: tag,
  borrower: { name: 'Fatima El Amrani', contact, libraryCard: null },
  dueDate: null,
  kitOut: ['lader', 'tas'],
  agreementAccepted: true,
  depositCents: 0,
  allowExtra: false,
  ...extra,
});

beforeAll(async () => {
  t = createTestApp();
  branchA = createBranch(t.deps);
  branchB = createBranch(t.deps);
  volA = actorFor(await createUser(t.deps, 'volunteer', [branchA]));
  coordA = actorFor(await createUser(t.deps, 'coordinator', [branchA]));
  volB = actorFor(await createUser(t.deps, 'volunteer', [branchB]));
  admin = actorFor(await createUser(t.deps, 'admin', []));
});
afterAll(() => t.close());

describe('the database keeps the loan rules by itself', () => {
  const now = '2026-03-02T09:00:00.000Z';
  function rawDevice(tag: string, status = 'available'): number {
    const id = t.deps.devices.add(volA, branchA, laptop(tag));
    t.db.prepare('UPDATE devices SET status = ? WHERE id = ?').run(status, id);
    return id;
  }
  function rawBorrower(contact: string): number {
    return Number(
      t.db.prepare(`INSERT INTO borrowers (branch_id, name, contact, contact_kind, created_at, updated_at) VALUES (?, 'X', ?, 'phone', ?, ?)`).run(branchA, contact, now, now)
        .lastInsertRowid,
    );
  }
  const insertLoan = (device: number, borrower: number, extra: number | null = null): unknown =>
    t.db
      .prepare(
        `INSERT INTO loans (branch_id, device_id, borrower_id, due_date, agreement_accepted_at, extra_allowed_by, lent_at, created_at, updated_at)
         VALUES (?, ?, ?, '2026-03-30', ?, ?, ?, ?, ?)`,
      )
      .run(branchA, device, borrower, now, extra, now, now, now);

  test('a device that is not available cannot be lent, and lending marks it on loan', () => {
    const wiping = rawDevice('DB-1', 'in_repair');
    expect(() => insertLoan(wiping, rawBorrower('0611111111'))).toThrow('device_not_available');
    const ok = rawDevice('DB-2');
    insertLoan(ok, rawBorrower('0622222222'));
    expect(t.deps.devices.get(volA, ok).status).toBe('on_loan');
  });

  test('one active loan per device, one per borrower without an allowance', () => {
    const d = rawDevice('DB-3');
    const b = rawBorrower('0633333333');
    insertLoan(d, b);
    // The device is on loan now; the partial unique index would refuse a second active loan even if it were not.
    expect(() => insertLoan(d, rawBorrower('0644444444'))).toThrow('device_not_available');
    const d2 = rawDevice('DB-4');
    expect(() => insertLoan(d2, b)).toThrow('borrower_has_loan');
    insertLoan(d2, b, coordA.userId);
    expect(t.deps.devices.get(volA, d2).status).toBe('on_loan');
  });

  test('a returned device needs a wiped event after the return before it is available again', () => {
    const d = rawDevice('DB-5');
    insertLoan(d, rawBorrower('0655555555'));
    t.db.prepare(`UPDATE loans SET returned_at = ?, condition = 'fine' WHERE device_id = ?`).run(now, d);
    t.db.prepare(`INSERT INTO device_events (device_id, kind, at) VALUES (?, 'returned', ?)`).run(d, now);
    expect(t.deps.devices.get(volA, d).status).toBe('needs_wipe');
    expect(() => t.db.prepare(`UPDATE devices SET status = 'available' WHERE id = ?`).run(d)).toThrow('device_needs_wipe');
    t.db.prepare(`INSERT INTO device_events (device_id, kind, at) VALUES (?, 'wiped', ?)`).run(d, now);
    t.db.prepare(`UPDATE devices SET status = 'available' WHERE id = ?`).run(d);
    expect(t.deps.devices.get(volA, d).status).toBe('available');
  });

  test('the history is append-only', () => {
    const d = rawDevice('DB-6');
    expect(() => t.db.prepare(`UPDATE device_events SET kind = 'wiped' WHERE device_id = ?`).run(d)).toThrow('device_events_append_only');
    expect(() => t.db.prepare(`DELETE FROM device_events WHERE device_id = ?`).run(d)).toThrow('device_events_append_only');
  });
});

describe('the loan cycle', () => {
  test('lend → take back → lend again refused until the wipe is confirmed → lent again; each step in the history', () => {
    const id = t.deps.devices.add(volA, branchA, laptop('CYC-1'));
    const loan = t.deps.loans.lend(volA, branchA, lendInput('cyc-1'));
    expect(loan.dueDate).toBe('2026-03-30'); // laptops: 28 days by default
    t.clock.advance(3600_000);
    t.deps.loans.takeBack(volA, loan.id, { kitReturned: ['lader'], condition: 'fine', conditionNote: '' });
    const refused = (): unknown => t.deps.loans.lend(volA, branchA, lendInput('CYC-1', 'ander@example.nl'));
    expect(refused).toThrow(new LoanRefusedError('tag', 'loans.errors.needs_wipe'));
    t.clock.advance(3600_000);
    t.deps.loans.confirmWipe(coordA, id, { wiped: true, accountsRemoved: false });
    const again = t.deps.loans.lend(coordA, branchA, lendInput('CYC-1', 'ander@example.nl'));
    expect(again.borrowerContact).toBe('ander@example.nl');
    const history = t.deps.devices.detail(volA, id).history;
    expect(history.map((e) => [e.kind, e.actorLabel, e.at])).toEqual([
      ['added', volA.label, '2026-03-02T09:00:00.000Z'],
      ['lent', volA.label, '2026-03-02T09:00:00.000Z'],
      ['returned', volA.label, '2026-03-02T10:00:00.000Z'],
      ['wiped', coordA.label, '2026-03-02T11:00:00.000Z'],
      ['lent', coordA.label, '2026-03-02T11:00:00.000Z'],
    ]);
    expect(history[2].details.missingKit).toEqual(['tas']);
    expect(t.deps.loans.viewLoan(volA, loan.id).missingKit).toEqual(['tas']);
  });

  test('a phone or tablet needs the activation lock removed as well', () => {
    const id = t.deps.devices.add(volA, branchA, { ...laptop('PH-1', []), type: 'phone' });
    const loan = t.deps.loans.lend(volA, branchA, lendInput('PH-1', 'ph@example.nl', { kitOut: [] }));
    expect(loan.dueDate).toBe('2026-03-16');
    t.deps.loans.takeBack(volA, loan.id, { kitReturned: [], condition: 'fine', conditionNote: '' });
    expect(() => t.deps.loans.confirmWipe(volA, id, { wiped: true, accountsRemoved: false })).toThrow(new LoanRefusedError('accounts_removed', 'loans.wipe.accounts_required'));
    expect(t.deps.loans.confirmWipe(volA, id, { wiped: true, accountsRemoved: true }).status).toBe('available');
  });

  test('a borrower is found again by contact, and gets one device unless a coordinator allows more', () => {
    t.deps.devices.add(volA, branchA, laptop('ONE-1'));
    t.deps.devices.add(volA, branchA, laptop('ONE-2'));
    const first = t.deps.loans.lend(volA, branchA, lendInput('ONE-1', '+31 6 9999 0000'));
    expect(() => t.deps.loans.lend(volA, branchA, lendInput('ONE-2', '+31699990000'))).toThrow(new LoanRefusedError('contact', 'loans.errors.borrower_has_loan'));
    expect(() => t.deps.loans.lend(volA, branchA, lendInput('ONE-2', '+31699990000', { allowExtra: true }))).toThrow(ForbiddenError);
    const second = t.deps.loans.lend(coordA, branchA, lendInput('ONE-2', '+31699990000', { allowExtra: true }));
    expect(second.borrowerId).toBe(first.borrowerId);
    expect(t.deps.audit.find({ action: 'loan.extra_allowed', limit: 100, offset: 0 }).map((e) => e.actorUserId)).toEqual([coordA.userId]);
  });

  test('a reservation holds the next returned-and-wiped device of its type for its borrower only', () => {
    const id = t.deps.devices.add(volA, branchA, { ...laptop('RES-1', []), type: 'mifi' });
    const loan = t.deps.loans.lend(volA, branchA, lendInput('RES-1', 'eerste@example.nl', { kitOut: [] }));
    t.deps.loans.reserve(volA, branchA, { type: 'mifi', wantedFrom: '2026-03-03', name: 'Wachtende', contact: 'wacht@example.nl', libraryCard: null });
    t.deps.loans.takeBack(volA, loan.id, { kitReturned: [], condition: 'fine', conditionNote: '' });
    expect(t.deps.loans.confirmWipe(volA, id, { wiped: true, accountsRemoved: false }).status).toBe('reserved');
    expect(() => t.deps.loans.lend(volA, branchA, lendInput('RES-1', 'iemand-anders@example.nl', { kitOut: [] }))).toThrow(new LoanRefusedError('tag', 'loans.errors.held_for_other'));
    const collected = t.deps.loans.lend(volA, branchA, lendInput('RES-1', 'wacht@example.nl', { kitOut: [] }));
    expect(collected.borrowerName).toBe('Fatima El Amrani');
    expect(t.deps.loans.openReservations(volA, branchA)).toEqual([]);
  });
});

describe('the policy is asked in the service', () => {
  test("another branch's staff get 404 for devices, loans and borrowers; admins and experts 403", () => {
    const id = t.deps.devices.add(volA, branchA, laptop('POL-1'));
    const loan = t.deps.loans.lend(volA, branchA, lendInput('POL-1', 'pol@example.nl'));
    expect(() => t.deps.devices.detail(volB, id)).toThrow(NotFoundError);
    expect(() => t.deps.loans.viewLoan(volB, loan.id)).toThrow(NotFoundError);
    expect(() => t.deps.loans.viewBorrower(volB, loan.borrowerId)).toThrow(NotFoundError);
    expect(() => t.deps.loans.takeBack(volB, loan.id, { kitReturned: [], condition: 'fine', conditionNote: '' })).toThrow(NotFoundError);
    expect(() => t.deps.loans.lend(volB, branchA, lendInput('POL-1'))).toThrow(NotFoundError);
    expect(() => t.deps.loans.findDeviceByTag(volB, branchB, 'POL-1')).not.toThrow();
    expect(t.deps.loans.findDeviceByTag(volB, branchB, 'POL-1')).toBeNull();
    expect(() => t.deps.devices.detail(admin, id)).toThrow(ForbiddenError);
    expect(() => t.deps.loans.activeLoans(admin, branchA)).toThrow(ForbiddenError);
  });

  test('every view of a borrower is audited as personal_data.viewed', () => {
    const before = t.deps.audit.find({ action: 'personal_data.viewed', limit: 1000, offset: 0 }).length;
    t.deps.devices.add(volA, branchA, laptop('AUD-1'));
    const loan = t.deps.loans.lend(volA, branchA, lendInput('AUD-1', 'aud@example.nl'));
    t.deps.loans.viewLoan(volA, loan.id);
    t.deps.loans.viewBorrower(volA, loan.borrowerId);
    t.deps.loans.activeLoans(volA, branchA);
    const after = t.deps.audit.find({ action: 'personal_data.viewed', limit: 1000, offset: 0 });
    expect(after.length - before).toBe(3);
  });
});
