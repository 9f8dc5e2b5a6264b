import { startLiveServer } from '../../../tests/helpers/live-server';
import { startSmtpServer } from '../../../tests/helpers/smtp';
import { createBranch } from '../../../tests/helpers/test-app';
import { FakeClock } from '../../lib/clock';
import { SmtpTransport } from '../../mail/transport';
import { QR_CID } from './appointment-mail';
import { checkInUrl, qrPng } from './qr';

describe('reminder scheduler in the running server', () => {
  test('a restart around the reminder time still sends exactly one reminder per booking, through SMTP', async () => {
    const smtp = await startSmtpServer();
    const clock = new FakeClock('2026-03-02T08:00:00Z');
    let server = await startLiveServer({ clock, backgroundJobs: true, mailTransport: new SmtpTransport(smtp.url) });
    const dir = server.dir;
    try {
      const branch = createBranch(server.deps, { desks: 2 });
      for (const startsAt of ['2026-03-04T09:00:00.000Z', '2026-03-04T09:30:00.000Z']) {
        server.deps.booking.book({ userId: null, label: 'public', ip: null }, {
          branchId: branch, topicKey: 'digid', startsAt, name: 'Jan', email: 'jan@example.nl', phone: null, needs: {}, language: 'nl', channel: 'online', idempotencyKey: null, capacityOverride: false,
        });
      }
      await smtp.waitFor(2); // the two confirmations
      clock.set('2026-03-03T09:10:00Z'); // the first reminder is due now, the second not yet
      await server.close();
      server = await startLiveServer({ clock, dir, backgroundJobs: true, mailTransport: new SmtpTransport(smtp.url) });
      await smtp.waitFor(3);
      await server.close(); // restart again, right around the second one's time
      clock.set('2026-03-03T09:31:00Z');
      server = await startLiveServer({ clock, dir, backgroundJobs: true, mailTransport: new SmtpTransport(smtp.url) });
      await smtp.waitFor(4);
      await server.close();
      server = await startLiveServer({ clock, dir, backgroundJobs: true, mailTransport: new SmtpTransport(smtp.url) });
      // A pass that must find nothing to do: wait until it has really run (not just for some time), then
      // look in the outbox itself, so a wrongly queued fifth e-mail is seen before it could be delivered.
      const ran = Date.now();
      while (server.deps.reminders.passes < 1 && Date.now() - ran < 5_000) await new Promise((r) => setTimeout(r, 20));
      expect(server.deps.reminders.passes).toBeGreaterThanOrEqual(1);
      expect(server.deps.reminders.lastPassAt).toBe('2026-03-03T09:31:00.000Z');
      expect(server.deps.db.prepare("SELECT count(*) FROM outbox WHERE kind = 'appointment-reminder'").pluck().get()).toBe(2);
      const subjects = smtp.messages.map((m) => m.subject);
      expect(subjects.filter((s) => s?.startsWith('Herinnering'))).toEqual(['Herinnering: morgen uw afspraak om 10:00', 'Herinnering: morgen uw afspraak om 10:30']);
      expect(smtp.messages).toHaveLength(4);
      // Confirmations and reminders carry the check-in QR code as an inline image holding only /check-in?code=….
      const codes = server.deps.db.prepare('SELECT code FROM appointments ORDER BY starts_at').pluck().all() as string[];
      for (const raw of smtp.raw) expect(raw).toContain(`Content-ID: <${QR_CID}>`);
      for (const m of smtp.messages) {
        const code = codes.find((c) => m.text?.includes(c))!;
        expect(code).toBeDefined();
        const qr = m.attachments.find((a) => a.contentType === 'image/png')!;
        expect(qr).toMatchObject({ cid: QR_CID, contentDisposition: 'inline' });
        expect(qr.content.equals(qrPng(checkInUrl(server.deps.config.baseUrl, code)).png)).toBe(true);
        // mailparser resolves the cid: reference to the attached image, so this proves the <img> points at it.
        expect(m.html).toContain(`<img src="data:image/png;base64,${qr.content.toString('base64')}"`);
        expect(m.html).toContain('alt="QR-code om u aan te melden bij de balie"');
        expect(m.attachments.some((a) => a.contentType.startsWith('text/calendar'))).toBe(m.subject?.startsWith('Herinnering') !== true);
      }
    } finally {
      await server.close();
      await smtp.stop();
    }
  });
});
