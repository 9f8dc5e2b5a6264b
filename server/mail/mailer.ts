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

/** A rendered e-mail, ready to be written to the outbox: no template work is left to do. */
export interface ComposedMail {
  to: string;
  kind: string;
  subject: string;
  text: string;
  html: string;
  attachments: Attachment[];
  related: { type: string; id: number } | null;
}

/**
 * Puts e-mail in the durable outbox. It never talks to SMTP itself. Inside a write transaction, only
 * `enqueueComposed` belongs: `compose` first (templates, EJS), then open the transaction and write the row
 * together with the change the mail is about, so nothing slow holds the database's write lock.
 */
export interface Mailer {
  compose(request: MailRequest): ComposedMail;
  enqueueComposed(mail: ComposedMail): number;
  /** compose + enqueueComposed, for callers that are not inside a write transaction. */
  enqueue(request: MailRequest): number;
}

export interface OutboxMailerOptions {
  baseUrl: string;
  senderDomain: string;
  /** Keep compiled templates in memory (production); elsewhere a template edit shows on the next mail. */
  cacheTemplates: boolean;
  onEnqueued?: () => void;
  /** Locals every e-mail template gets, read at compose time: the footers print the configured Digihulplijn number. */
  sharedLocals: () => MailSharedLocals;
}

export interface MailSharedLocals {
  helpline: { phone: string; tel: string };
}

type CompiledTemplate = (data: Record<string, unknown>) => string;

export class OutboxMailer implements Mailer {
  private readonly templates = new Map<string, CompiledTemplate>();

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly translations: Translations,
    private readonly clock: Clock,
    private readonly options: OutboxMailerOptions,
  ) {}

  private template(file: string): CompiledTemplate {
    const cached = this.templates.get(file);
    if (cached) return cached;
    const filename = path.join(VIEWS_DIR, 'emails', file);
    // Plain-text parts must show "O'Brien & Zn" as typed, not as HTML entities; HTML parts stay escaped.
    const escape = file.endsWith('.text.ejs') ? (value: unknown): string => (value == null ? '' : String(value)) : undefined;
    // With `cache`, EJS also keeps the included parts (keyed by file name; text parts only include text parts).
    const options = { filename, cache: this.options.cacheTemplates, ...(escape ? { escape } : {}) };
    const compiled = ejs.compile(fs.readFileSync(filename, 'utf8'), options);
    if (this.options.cacheTemplates) this.templates.set(file, compiled);
    return compiled;
  }

  compose(request: MailRequest): ComposedMail {
    const t = this.translations.translator(request.lang);
    const subject = t(request.subjectKey, request.subjectParams);
    const locals = { ...this.options.sharedLocals(), ...request.data, t, lang: request.lang, dir: directionOf(request.lang), subject, baseUrl: this.options.baseUrl };
    return {
      to: request.to,
      kind: request.template,
      subject,
      html: this.template(`${request.template}.html.ejs`)(locals),
      text: this.template(`${request.template}.text.ejs`)(locals),
      attachments: request.attachments ?? [],
      related: request.related ?? null,
    };
  }

  enqueueComposed(mail: ComposedMail): number {
    const id = this.outbox.insert({
      messageId: `<${crypto.randomUUID()}@${this.options.senderDomain}>`,
      kind: mail.kind,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      attachments: mail.attachments,
      relatedType: mail.related?.type ?? null,
      relatedId: mail.related?.id ?? null,
      now: this.clock.now().toISOString(),
    });
    this.options.onEnqueued?.();
    return id;
  }

  enqueue(request: MailRequest): number {
    return this.enqueueComposed(this.compose(request));
  }
}
