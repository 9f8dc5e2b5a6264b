import { createTestApp, csrfFrom, createUser, signedIn, type TestApp } from '../../../tests/helpers/test-app';
import type { OutboxMessage } from '../../mail/outbox.repository';
import type { MailTransport } from '../../mail/transport';

/** A transport we can switch off, standing in for an SMTP server that refuses mail. */
class SwitchableTransport implements MailTransport {
  failing = true;
  sent: string[] = [];
  async send(message: OutboxMessage): Promise<void> {
    if (this.failing) throw new Error('554 <relay> refused');
    this.sent.push(message.messageId);
  }
  close(): void {}
}

describe('/admin/outbox', () => {
  let t: TestApp;
  let transport: SwitchableTransport;
  beforeEach(async () => {
    transport = new SwitchableTransport();
    t = createTestApp({ mailTransport: transport });
    await createUser(t.deps, 'admin', [], 'boss@bieb.nl');
  });
  afterEach(() => t.close());

  function enqueue(n: number, subject = `Bericht ${n}`, text = 'Hallo'): number {
    return t.deps.outbox.insert({
      messageId: `<m${n}@dichterbij.test>`,
      kind: 'test',
      to: `burger${n}@example.nl`,
      subject,
      text,
      html: `<p>${text}</p>`,
      attachments: [],
      relatedType: null,
      relatedId: null,
      now: t.clock.now().toISOString(),
    });
  }

  /** What the sender does after its last attempt. */
  function fail(id: number): void {
    expect(t.deps.outbox.claim(id)).toBe(true);
    t.deps.outbox.markRetry(id, t.clock.now().toISOString(), '554 <relay> refused', true);
  }

  const admin = (): ReturnType<typeof signedIn> => signedIn(t, 'boss@bieb.nl');

  test('overview: counts per status, attempts and last error; filter by status', async () => {
    const a = enqueue(1);
    enqueue(2);
    const c = enqueue(3);
    fail(a);
    expect(t.deps.outbox.claim(c)).toBe(true);
    t.deps.outbox.markSent(c, t.clock.now().toISOString());
    const agent = await admin();
    const res = await agent.get('/admin/outbox');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/wacht: <strong>1<\/strong>/);
    expect(res.text).toMatch(/verstuurd: <strong>1<\/strong>/);
    expect(res.text).toMatch(/mislukt: <strong>1<\/strong>/);
    expect(res.text).toMatch(/wordt verstuurd: <strong>0<\/strong>/);
    expect(res.text).toContain('554 &lt;relay&gt; refused');
    expect(res.text).toContain('burger1@example.nl');
    const failed = await agent.get('/admin/outbox?status=failed');
    expect(failed.text).toContain('burger1@example.nl');
    expect(failed.text).not.toContain('burger2@example.nl');
    const bad = await agent.get('/admin/outbox?status=kapot');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('class="error-summary"');
  });

  test('detail shows the text part as escaped text, and the view is audited', async () => {
    const id = enqueue(1, 'Uw afspraak <b>morgen</b>', 'Beste <script>alert(1)</script>,\nTot morgen.');
    const agent = await admin();
    const res = await agent.get(`/admin/outbox/${id}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Uw afspraak &lt;b&gt;morgen&lt;/b&gt;');
    expect(res.text).toContain('Beste &lt;script&gt;alert(1)&lt;/script&gt;,\nTot morgen.');
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).not.toContain('/retry');
    expect(t.deps.audit.find({ action: 'outbox.viewed', limit: 5, offset: 0 })[0].subjectId).toBe(String(id));
    expect((await agent.get('/admin/outbox/9999')).status).toBe(404);
  });

  test('retry now: a failed message goes back in the queue and is delivered once SMTP works', async () => {
    const id = enqueue(1);
    fail(id);
    transport.failing = false;
    const agent = await admin();
    const page = await agent.get(`/admin/outbox/${id}`);
    expect(page.text).toContain(`action="/admin/outbox/${id}/retry"`);
    const token = csrfFrom(page.text);
    expect((await agent.post(`/admin/outbox/${id}/retry`).type('form').send({})).status).toBe(403);
    expect(t.deps.outbox.findById(id)!.status).toBe('failed');
    const res = await agent.post(`/admin/outbox/${id}/retry`).type('form').send({ _csrf: token });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/outbox/${id}`);
    expect(t.deps.outbox.findById(id)!.status).not.toBe('failed');
    await t.deps.outboxSender.runOnce();
    expect(t.deps.outbox.findById(id)!.status).toBe('sent');
    expect(transport.sent).toEqual(['<m1@dichterbij.test>']);
    // A second click on a message that is no longer failed: a friendly 409, not a second send.
    const again = await agent.post(`/admin/outbox/${id}/retry`).type('form').send({ _csrf: token });
    expect(again.status).toBe(409);
    expect(again.text).toContain('Alleen mislukte e-mails');
    expect(t.deps.audit.find({ action: 'outbox.retried', limit: 5, offset: 0 })).toHaveLength(1);
  });
});
