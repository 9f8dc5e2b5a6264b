import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import type { Clock } from '../lib/clock';
import type { Translations } from '../lib/i18n';
import { directionOf } from '../lib/i18n';
import { VIEWS_DIR } from '../paths';
import type { Attachment, OutboxRepository } from './outbox.repository';

export interface MailRequest {
  to: string;
  /** Template name under views/emails/: <template>.html.ejs and <template>.text.ejs. */
  template: string;
  lang: string;
  /** Translation key of the subject line. */
  subjectKey: string;
  subjectParams?: Record<string, string | number>;
  data: Record<string, unknown>;
  attachments?: Attachment[];
  related?: { type: string; id: number };
}

/**
 * Puts e-mail in the durable outbox. It never talks to SMTP itself: call `enqueue` inside the same
 * transaction as the change the mail is about, and the OutboxSender delivers it afterwards.
 */
export interface Mailer {
  enqueue(request: MailRequest): number;
}

export class OutboxMailer implements Mailer {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly translations: Translations,
    private readonly clock: Clock,
    private readonly baseUrl: string,
    private readonly senderDomain: string,
    private readonly onEnqueued: () => void = () => undefined,
  ) {}

  private render(file: string, data: Record<string, unknown>): string {
    // Synchronous on purpose: enqueue runs inside better-sqlite3 transactions, which must not await.
    const template = fs.readFileSync(path.join(VIEWS_DIR, 'emails', file), 'utf8');
    // Plain-text parts must show "O'Brien & Zn" as typed, not as HTML entities; HTML parts stay escaped.
    const escape = file.endsWith('.text.ejs') ? (value: unknown): string => (value == null ? '' : String(value)) : undefined;
    return ejs.render(template, data, { filename: path.join(VIEWS_DIR, 'emails', file), ...(escape ? { escape } : {}) });
  }

  enqueue(request: MailRequest): number {
    const t = this.translations.translator(request.lang);
    const subject = t(request.subjectKey, request.subjectParams);
    const locals = { ...request.data, t, lang: request.lang, dir: directionOf(request.lang), subject, baseUrl: this.baseUrl };
    const html = this.render(`${request.template}.html.ejs`, locals);
    const text = this.render(`${request.template}.text.ejs`, locals);
    const id = this.outbox.insert({
      messageId: `<${crypto.randomUUID()}@${this.senderDomain}>`,
      kind: request.template,
      to: request.to,
      subject,
      text,
      html,
      attachments: request.attachments ?? [],
      relatedType: request.related?.type ?? null,
      relatedId: request.related?.id ?? null,
      now: this.clock.now().toISOString(),
    });
    this.onEnqueued();
    return id;
  }
}
