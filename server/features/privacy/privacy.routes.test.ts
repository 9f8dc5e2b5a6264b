import { createBranch, createTestApp, createUser, csrfFrom, signedIn, type TestApp } from '../../../tests/helpers/test-app';

let t: TestApp;
beforeEach(async () => {
  t = createTestApp();
  const branch = createBranch(t.deps);
  await createUser(t.deps, 'admin', [], 'admin@bieb.nl');
  await createUser(t.deps, 'coordinator', [branch], 'coord@bieb.nl');
});
afterEach(() => t.close());

describe('/privacy and /toegankelijkheid', () => {
  test('the privacy statement quotes the retention settings themselves, in Dutch and English', async () => {
    const nl = await t.agent().get('/privacy');
    expect(nl.status).toBe(200);
    expect(nl.text).toContain('<h1>Privacyverklaring</h1>');
    expect(nl.text).toContain('30 dagen na de afspraak');
    expect(nl.text).toContain('90 dagen nadat u het apparaat terugbracht');
    expect(nl.text).toContain('365 dagen.');
    // No contact saved: the sender address of our mail.
    expect(nl.text).toContain('Dichterbij Test &lt;noreply@dichterbij.test&gt;');

    const admin = await signedIn(t, 'admin@bieb.nl');
    const form = await admin.get('/admin/retention');
    const saved = await admin
      .post('/admin/retention')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), bookings: '1', borrowers: '60', chats: '90', callbacks: '90', waitlist: '90', audit: '365', sign_in_failures: '30', contact: 'privacy@bieb.nl <b>' });
    expect(saved.status).toBe(303);

    const en = t.agent();
    await en.get('/language/en');
    const page = await en.get('/privacy');
    expect(page.text).toContain('<h1>Privacy statement</h1>');
    expect(page.text).toContain('1 day after the appointment');
    expect(page.text).toContain('60 days after you brought the device back');
    expect(page.text).toContain('privacy@bieb.nl &lt;b&gt;');
  });

  test('the accessibility statement: standard, how it is tested, how to report, in both languages', async () => {
    const nl = await t.agent().get('/toegankelijkheid');
    expect(nl.status).toBe(200);
    expect(nl.text).toContain('WCAG 2.1, niveau AA');
    expect(nl.text).toContain('axe-core');
    expect(nl.text).toContain('schermlezer');
    expect(nl.text).toContain('Een probleem melden');
    const en = t.agent();
    await en.get('/language/en');
    expect((await en.get('/toegankelijkheid')).text).toContain('WCAG 2.1, level AA');
  });

  test.each(['/', '/book', '/check-in', '/login', '/survey', '/privacy'])('%s links both statements in its footer', async (url) => {
    const res = await t.agent().get(url);
    expect(res.status).toBe(200);
    const footer = res.text.slice(res.text.indexOf('<footer'));
    expect(footer).toContain('href="/privacy"');
    expect(footer).toContain('href="/toegankelijkheid"');
  });
});

describe('/admin/retention', () => {
  const valid = { bookings: '30', borrowers: '90', chats: '90', callbacks: '90', waitlist: '90', audit: '365', sign_in_failures: '30', contact: '' };

  test('saving changes only what changed and audits old → new', async () => {
    const admin = await signedIn(t, 'admin@bieb.nl');
    const form = await admin.get('/admin/retention');
    expect(form.status).toBe(200);
    expect(form.text).toContain('name="bookings"');
    expect(form.text).toMatch(/id="bookings"[^>]*value="30"|value="30"[^>]*id="bookings"/s);
    const res = await admin
      .post('/admin/retention')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), ...valid, bookings: '14', audit: '730' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/retention');
    expect(t.deps.retention.current()).toMatchObject({ bookings: 14, audit: 730, borrowers: 90 });
    const entries = t.deps.audit.find({ action: 'retention.changed', limit: 5, offset: 0 });
    expect(entries).toHaveLength(1);
    expect(entries[0].details).toEqual({ changes: { bookings: { from: 30, to: 14 }, audit: { from: 365, to: 730 } } });
    const again = await admin.get('/admin/retention');
    expect(again.text).toContain('De bewaartermijnen zijn opgeslagen.');
  });

  test('out of bounds or not a number: 400, summary, values kept, nothing saved', async () => {
    const admin = await signedIn(t, 'admin@bieb.nl');
    const form = await admin.get('/admin/retention');
    const res = await admin
      .post('/admin/retention')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), ...valid, bookings: '0', audit: '30', chats: 'drie', sign_in_failures: '99999' });
    expect(res.status).toBe(400);
    for (const f of ['bookings', 'chats', 'audit', 'sign_in_failures']) expect(res.text).toContain(`href="#${f}"`);
    expect(res.text).toContain('value="drie"');
    expect(t.deps.retention.current()).toMatchObject({ bookings: 30, audit: 365, chats: 90 });
    expect(t.deps.audit.find({ action: 'retention.changed', limit: 5, offset: 0 })).toHaveLength(0);
  });

  test('admins only: coordinators get 403, and the /admin index lists the section for admins', async () => {
    const coord = await signedIn(t, 'coord@bieb.nl');
    expect((await coord.get('/admin/retention')).status).toBe(403);
    expect((await coord.get('/admin')).text).not.toContain('href="/admin/retention"');
    const admin = await signedIn(t, 'admin@bieb.nl');
    expect((await admin.get('/admin')).text).toContain('href="/admin/retention"');
  });
});
