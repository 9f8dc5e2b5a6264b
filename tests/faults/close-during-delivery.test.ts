import { startLiveServer } from '../helpers/live-server';
import type { OutboxMessage } from '../../server/mail/outbox.repository';
import type { MailTransport } from '../../server/mail/transport';

/** A mail server that answers slowly and refuses: the delivery is still running when the server is told to stop. */
class SlowRefusingTransport implements MailTransport {
  started = 0;
  async send(_message: OutboxMessage): Promise<void> {
    this.started++;
    await new Promise((resolve) => setTimeout(resolve, 200));
    throw new Error('451 try again later');
  }
  close(): void {}
}

describe('closing the server while a mail is being delivered', () => {
  test('the delivery finishes (its retry is recorded) before the database closes, also without background jobs', async () => {
    const transport = new SlowRefusingTransport();
    const server = await startLiveServer({ mailTransport: transport, backgroundJobs: false });
    const errors: unknown[] = [];
    const onRejection = (err: unknown): void => void errors.push(err);
    process.on('unhandledRejection', onRejection);
    try {
      const { deps } = server;
      deps.outbox.insert({
        messageId: '<slow@dichterbij.test>',
        kind: 'test',
        to: 'burger@example.nl',
        subject: 'Langzaam',
        text: 'Hallo',
        html: '<p>Hallo</p>',
        attachments: [],
        relatedType: null,
        relatedId: null,
        now: deps.clock.now().toISOString(),
      });
      void deps.outboxSender.runOnce();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(transport.started).toBe(1);
      const attempts = (): unknown => deps.db.prepare("SELECT attempts FROM outbox WHERE message_id = '<slow@dichterbij.test>'").pluck().get();
      let seen: unknown = null;
      // Read the row the moment before the database closes: the refused attempt is already recorded.
      const close = deps.db.close.bind(deps.db);
      deps.db.close = (): typeof deps.db => {
        seen = attempts();
        return close();
      };
      await server.close();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });
});
