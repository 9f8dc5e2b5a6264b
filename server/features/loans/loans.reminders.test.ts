import { startLiveServer, type LiveServer } from '../../../tests/helpers/live-server';
import { startSmtpServer } from '../../../tests/helpers/smtp';
import { createBranch } from '../../../tests/helpers/test-app';
import { SYSTEM_ACTOR } from '../../lib/actor';
import { FakeClock } from '../../lib/clock';
import { SmtpTransport } from '../../mail/transport';

describe('due-soon and overdue e-mails in the running server', () => {
  test('each is sent exactly once per loan through SMTP, also across restarts; borrowers without e-mail get none', async () => {
    const smtp = await startSmtpServer();
    const clock = new FakeClock('2026-03-02T09:00:00Z');
    const start = (dir?: string): Promise<LiveServer> => startLiveServer({ clock, dir, backgroundJobs: true, mailTransport: new SmtpTransport(smtp.url) });
    let server = await start();
    const dir = server.dir;
    try {
      const deps = server.deps;
      const branch = createBranch(deps, { name: 'Centrale Bibliotheek' });
      const lend = (tag: string, contact: string, dueDate: string): void => {
        deps.devices.add(SYSTEM_ACTOR, branch, { type: 'laptop', assetTag: tag, serial: '', makeModel: '', kit: [], notes: '' });
        deps.loans.lend(SYSTEM_ACTOR, branch, { assetTag: tag, borrower: { name: `Lener ${tag}`, contact, libraryCard: null }, dueDate, kitOut: [], agreementAccepted: true, depositCents: 0, allowExtra: false });
      };
      lend('MAIL-1', 'een@example.nl', '2026-03-05');
      lend('MAIL-2', 'twee@example.nl', '2026-03-10');
      lend('MAIL-3', '0612345678', '2026-03-05');
      // Nothing is due yet: a pass that really runs finds nothing.
      expect(deps.loanReminders.sendDue()).toBe(0);

      clock.set('2026-03-04T08:00:00Z'); // MAIL-1 is due the day after tomorrow
      await server.close();
      server = await start(dir);
      await smtp.waitFor(1);
      clock.set('2026-03-06T08:00:00Z'); // MAIL-1 is overdue now
      await server.close();
      server = await start(dir);
      await smtp.waitFor(2);
      await server.close();
      server = await start(dir); // restart again at the same moment
      expect(server.deps.loanReminders.sendDue()).toBe(0);
      await new Promise((r) => setTimeout(r, 300));
      expect(smtp.messages.map((m) => [m.to && 'text' in m.to ? m.to.text : '', m.subject])).toEqual([
        ['een@example.nl', 'Breng uw laptop uiterlijk donderdag 5 maart terug'],
        ['een@example.nl', 'Uw laptop had terug moeten zijn'],
      ]);
      expect(smtp.messages[1].text).toContain('Lener MAIL-1');
      expect(smtp.messages[1].text).toContain('Centrale Bibliotheek');
      // The phone borrower is on the call list, not in the mail.
      expect(smtp.messages.some((m) => m.text?.includes('MAIL-3'))).toBe(false);
    } finally {
      await server.close();
      await smtp.stop();
    }
  });
});
