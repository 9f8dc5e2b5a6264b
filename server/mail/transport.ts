import fs from 'node:fs';
import path from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { OutboxMessage } from './outbox.repository';

/** Delivers one message or throws. */
export interface MailTransport {
  send(message: OutboxMessage, from: string): Promise<void>;
  close(): void;
}

function toNodemailer(message: OutboxMessage, from: string): SendMailOptions {
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: message.messageId,
    attachments: message.attachments.map((a) => ({
      filename: a.filename,
      content: a.content,
      contentType: a.contentType,
      ...(a.encoding ? { encoding: a.encoding } : {}),
      ...(a.cid ? { cid: a.cid } : {}),
    })),
  };
}

export class SmtpTransport implements MailTransport {
  private readonly transporter;
  constructor(url: string) {
    this.transporter = nodemailer.createTransport(url);
  }
  async send(message: OutboxMessage, from: string): Promise<void> {
    await this.transporter.sendMail(toNodemailer(message, from));
  }
  close(): void {
    this.transporter.close();
  }
}

/** Embedded mode: each message becomes an .eml file in data/outbox/, readable with any mail program. */
export class FileTransport implements MailTransport {
  private readonly builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  constructor(private readonly dir: string) {}
  async send(message: OutboxMessage, from: string): Promise<void> {
    const info = await this.builder.sendMail(toNodemailer(message, from));
    fs.mkdirSync(this.dir, { recursive: true });
    const file = path.join(this.dir, `${String(message.id).padStart(6, '0')}-${message.kind}.eml`);
    fs.writeFileSync(file, info.message as Buffer);
  }
  close(): void {}
}
