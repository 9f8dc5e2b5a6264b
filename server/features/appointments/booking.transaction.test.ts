import fs from 'node:fs';
import ejs from 'ejs';
import { createBranch, createTestApp, type TestApp } from '../../../tests/helpers/test-app';
import { FakeClock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import * as qr from './qr';

const citizen: Actor = { userId: null, label: 'public', ip: '127.0.0.1' };

/**
 * STYLE 17: nothing slow between BEGIN IMMEDIATE and COMMIT. While any write transaction is open, reading
 * a file, compiling or rendering a template or drawing the QR image throws, so a booking that still rendered
 * its e-mail inside the transaction would fail here.
 */
describe('appointment writes compose their e-mail before the write transaction', () => {
  let t: TestApp;
  const outside = { reads: 0, compiles: 0, qrs: 0 };
  beforeEach(() => {
    t = createTestApp({ clock: new FakeClock('2026-03-02T08:00:00Z') });
    const forbidInTransaction = <T extends object, K extends keyof T>(target: T, method: K, counter: keyof typeof outside): void => {
      const original = target[method] as unknown as (...args: unknown[]) => unknown;
      jest.spyOn(target, method as never).mockImplementation(((...args: unknown[]) => {
        if (t.db.inTransaction) throw new Error(`${String(method)} inside a write transaction`);
        outside[counter]++;
        return original.apply(target, args);
      }) as never);
    };
    forbidInTransaction(fs, 'readFileSync', 'reads');
    forbidInTransaction(ejs, 'compile', 'compiles');
    forbidInTransaction(qr, 'qrPng', 'qrs');
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await t.close();
  });

  test('book, reschedule, the reminder and cancel', () => {
    const branch = createBranch(t.deps, { desks: 2 });
    const input = {
      branchId: branch,
      topicKey: 'digid',
      name: 'Fatma',
      email: 'fatma@example.nl',
      phone: null,
      needs: {},
      language: 'nl',
      channel: 'online' as const,
      idempotencyKey: null,
      capacityOverride: false,
    };
    const booked = t.deps.booking.book(citizen, { ...input, startsAt: '2026-03-04T09:00:00.000Z' });
    t.deps.booking.reschedule(citizen, booked.token, '2026-03-05T09:00:00.000Z');
    const other = t.deps.booking.book(citizen, { ...input, startsAt: '2026-03-05T09:30:00.000Z' });
    t.clock.set('2026-03-04T09:30:00Z'); // both (10:00 and 10:30 local tomorrow) are due within 24 hours
    expect(t.deps.reminders.sendDueReminders()).toBe(2);
    t.deps.booking.cancelByToken(citizen, booked.token);
    t.deps.booking.cancelByToken(citizen, other.token);
    const kinds = t.db.prepare('SELECT kind FROM outbox ORDER BY id').pluck().all();
    expect(kinds).toEqual([
      'appointment-confirmation',
      'appointment-rescheduled',
      'appointment-confirmation',
      'appointment-reminder',
      'appointment-reminder',
      'appointment-cancelled',
      'appointment-cancelled',
    ]);
    // The instruments really watched the rendering: it happened, only outside the transactions.
    expect(outside.compiles).toBeGreaterThanOrEqual(14);
    expect(outside.reads).toBeGreaterThanOrEqual(14);
    expect(outside.qrs).toBe(5); // confirmations, the move and the reminders (a cancellation has none)
  });
});
