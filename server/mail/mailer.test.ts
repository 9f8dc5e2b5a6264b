import fs from 'node:fs';
import { createTestApp, type TestApp } from '../../tests/helpers/test-app';
import { OutboxMailer, type MailRequest } from './mailer';

const request: MailRequest = {
  to: 'burger@example.nl',
  template: 'notice',
  lang: 'nl',
  subjectKey: 'mail.notice.subject',
  data: { heading: 'Uw afspraak', paragraphs: ['Tot dan.'] },
};

describe('OutboxMailer templates', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp();
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await t.close();
  });

  function templateReads(cacheTemplates: boolean, mails: number): number {
    const mailer = new OutboxMailer(t.deps.outbox, t.deps.translations, t.clock, {
      baseUrl: 'http://x',
      senderDomain: 'x',
      cacheTemplates,
      sharedLocals: () => ({ helpline: { phone: '0800-1508', tel: 'tel:08001508' } }),
    });
    const read = jest.spyOn(fs, 'readFileSync');
    for (let i = 0; i < mails; i++) mailer.enqueue(request);
    const n = read.mock.calls.filter(([file]) => String(file).includes('emails')).length;
    read.mockRestore();
    return n;
  }

  test('in production the templates are read once; elsewhere an edit shows on the next mail', () => {
    expect(templateReads(true, 3)).toBe(2); // the .html and the .text template, once
    expect(templateReads(false, 3)).toBe(6);
  });

  test('compose renders without writing; enqueueComposed writes the row without rendering', () => {
    const mailer = t.deps.mailer;
    const composed = mailer.compose(request);
    expect(t.db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(0);
    const read = jest.spyOn(fs, 'readFileSync');
    const id = mailer.enqueueComposed(composed);
    expect(read).not.toHaveBeenCalled();
    expect(t.deps.outbox.findById(id)).toMatchObject({ subject: composed.subject, html: composed.html, text: composed.text });
  });
});
