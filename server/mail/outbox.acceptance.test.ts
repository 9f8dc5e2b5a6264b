import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { createTestApp, type TestApp } from '../../tests/helpers/test-app';
import { startSmtpServer, type TestSmtpServer } from '../../tests/helpers/smtp';
import { SmtpTransport } from './transport';
import { backoffDelay } from './outbox-sender';
import type { MailRequest } from './mailer';

function notice(to: string, title: string): MailRequest {
  return {
    to,
    template: 'notice',
    lang: 'nl',
    subjectKey: 'mail.notice.subject',
    subjectParams: { title },
    data: {
      heading: title,
      paragraphs: ['Uw afspraak is verzet door Jansen & Zn <bibliotheek>.', 'Tot ziens!'],
      action: { label: 'Bekijk uw afspraak', url: 'http://127.0.0.1:3000/a/abc' },
    },
  };
}

describe('mail outbox: SMTP down, then up — delivered exactly once', () => {
  let t: TestApp;
  let smtp: TestSmtpServer | null = null;
  afterEach(async () => {
    await t.close();
    await smtp?.stop();
    smtp = null;
  });

  test('waits in the outbox with backoff while SMTP is down, then arrives once with HTML and text', async () => {
    // Find a port, then take the server away: the app's SMTP_URL points at nothing.
    const probe = await startSmtpServer();
    const port = probe.port;
    await probe.stop();
    t = createTestApp({ mailTransport: new SmtpTransport(`smtp://127.0.0.1:${port}`) });
    const sender = t.deps.outboxSender;

    const id = t.deps.mailer.enqueue(notice('burger@example.nl', 'Uw afspraak is verzet'));
    expect(t.deps.outbox.findById(id)).toMatchObject({ status: 'pending', attempts: 0 });

    expect(await sender.runOnce()).toBe(0);
    let m = t.deps.outbox.findById(id)!;
    expect(m).toMatchObject({ status: 'pending', attempts: 1 });
    expect(m.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(new Date(m.nextAttemptAt).getTime() - t.clock.now().getTime()).toBe(backoffDelay(1));

    // Not due yet: running again does nothing, not even an attempt.
    expect(await sender.runOnce()).toBe(0);
    expect(t.deps.outbox.findById(id)!.attempts).toBe(1);

    // Past the first backoff: a second failed attempt, and the wait doubles.
    t.clock.advance(backoffDelay(1) + 1000);
    expect(await sender.runOnce()).toBe(0);
    m = t.deps.outbox.findById(id)!;
    expect(m).toMatchObject({ status: 'pending', attempts: 2 });
    expect(new Date(m.nextAttemptAt).getTime() - t.clock.now().getTime()).toBe(backoffDelay(2));
    expect(backoffDelay(2)).toBe(2 * backoffDelay(1));

    // The server comes back on the same port.
    smtp = await startSmtpServer(port);
    expect(await sender.runOnce()).toBe(0); // still inside the backoff window
    expect(smtp.messages).toHaveLength(0);

    t.clock.advance(backoffDelay(2) + 1000);
    const deliveredAt = t.clock.now().toISOString();
    // Three overlapping calls share one run (each reports that run's single delivery).
    expect(await Promise.all([sender.runOnce(), sender.runOnce(), sender.runOnce()])).toEqual([1, 1, 1]);
    await smtp.waitFor(1);

    // Run the sender many more times, hours later: nothing is sent twice.
    for (let i = 0; i < 5; i++) {
      t.clock.advance(6 * 3600_000);
      expect(await sender.runOnce()).toBe(0);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages).toHaveLength(1);
    m = t.deps.outbox.findById(id)!;
    expect(m).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    expect(m.sentAt).toBe(deliveredAt);

    const mail = smtp.messages[0];
    expect(mail.subject).toBe('Uw afspraak is verzet');
    expect(mail.messageId).toBe(m.messageId);
    expect(mail.from?.text).toContain('noreply@dichterbij.test');
    expect((Array.isArray(mail.to) ? mail.to[0] : mail.to)?.text).toBe('burger@example.nl');
    // Both parts, each escaped for its own kind.
    expect(mail.text).toContain('Jansen & Zn <bibliotheek>');
    expect(mail.text).toContain('Bekijk uw afspraak: http://127.0.0.1:3000/a/abc');
    expect(mail.text).toContain('0800-1508');
    expect(mail.html).toContain('Jansen &amp; Zn &lt;bibliotheek&gt;');
    expect(mail.html).toContain('<a href="http://127.0.0.1:3000/a/abc">');
    expect(mail.html).toContain('<html lang="nl"');
  });

  test('enqueue is part of the surrounding transaction: a rolled-back change sends nothing', async () => {
    smtp = await startSmtpServer();
    t = createTestApp({ mailTransport: new SmtpTransport(smtp.url) });
    const failing = t.db.transaction(() => {
      t.deps.mailer.enqueue(notice('a@example.nl', 'Niet versturen'));
      throw new Error('business rule failed');
    });
    expect(() => failing()).toThrow('business rule failed');
    expect(t.deps.outbox.countByStatus()).toMatchObject({ pending: 0, sent: 0 });
    expect(await t.deps.outboxSender.runOnce()).toBe(0);
    expect(smtp.messages).toHaveLength(0);

    t.db.transaction(() => t.deps.mailer.enqueue(notice('b@example.nl', 'Wel versturen')))();
    expect(await t.deps.outboxSender.runOnce()).toBe(1);
    expect((await smtp.waitFor(1)).map((x) => x.subject)).toEqual(['Wel versturen']);
  });

  test('English subject and layout when the person chose English', async () => {
    smtp = await startSmtpServer();
    t = createTestApp({ mailTransport: new SmtpTransport(smtp.url) });
    t.deps.mailer.enqueue({ ...notice('c@example.nl', 'Your appointment moved'), lang: 'en' });
    await t.deps.outboxSender.runOnce();
    const [mail] = await smtp.waitFor(1);
    expect(mail.subject).toBe('Your appointment moved');
    expect(mail.html).toContain('<html lang="en"');
    expect(mail.text).toContain('Please do not reply');
  });
});

describe('mail outbox without SMTP_URL: .eml files', () => {
  test('each message becomes one .eml file in data/outbox, with HTML and text parts', async () => {
    const t = createTestApp();
    try {
      expect(t.config.smtpUrl).toBeNull();
      const id = t.deps.mailer.enqueue(notice('d@example.nl', 'Bestand'));
      expect(await t.deps.outboxSender.runOnce()).toBe(1);
      expect(await t.deps.outboxSender.runOnce()).toBe(0);
      const files = fs.readdirSync(t.config.outboxDir);
      expect(files).toEqual([`${String(id).padStart(6, '0')}-notice.eml`]);
      const parsed = await simpleParser(fs.readFileSync(path.join(t.config.outboxDir, files[0])));
      expect(parsed.subject).toBe('Bestand');
      expect(parsed.text).toContain('Jansen & Zn <bibliotheek>');
      expect(parsed.html).toContain('Jansen &amp; Zn');
      expect(t.deps.outbox.findById(id)!.status).toBe('sent');
    } finally {
      await t.close();
    }
  });
});
