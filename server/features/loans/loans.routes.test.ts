import type TestAgent from 'supertest/lib/agent';
import { createBranch, createTestApp, createUser, csrfFrom, signIn, type TestApp } from '../../../tests/helpers/test-app';

/** /devices and /loans through HTTP: plain forms only (no JavaScript), CSRF on, the real policy. */
describe('/devices and /loans', () => {
  let t: TestApp;
  let branchA: number;
  let branchB: number;
  let vol: TestAgent;
  let coord: TestAgent;
  let volB: TestAgent;

  beforeAll(async () => {
    // The fake clock moves days ahead for the overdue list; keep the test sessions signed in meanwhile.
    t = createTestApp({ env: { STAFF_IDLE_MINUTES: '100000', SESSION_ABSOLUTE_HOURS: '100000' } });
    branchA = createBranch(t.deps, { name: 'Centrale Bibliotheek' });
    branchB = createBranch(t.deps, { name: 'Noord' });
    await createUser(t.deps, 'volunteer', [branchA], 'vol@bieb.nl');
    await createUser(t.deps, 'coordinator', [branchA], 'coord@bieb.nl');
    await createUser(t.deps, 'volunteer', [branchB], 'vol-b@bieb.nl');
    vol = t.agent();
    coord = t.agent();
    volB = t.agent();
    await signIn(vol, 'vol@bieb.nl');
    await signIn(coord, 'coord@bieb.nl');
    await signIn(volB, 'vol-b@bieb.nl');
  });
  afterAll(() => t.close());

  /** GETs a page with a form and POSTs the form with its CSRF token. */
  async function post(agent: TestAgent, pageUrl: string, url: string, body: Record<string, string | string[]>): Promise<import('supertest').Response> {
    const page = await agent.get(pageUrl);
    return agent.post(url).type('form').send({ _csrf: csrfFrom(page.text), ...body });
  }

  async function addDevice(tag: string, type = 'laptop', kit = 'lader\ntas'): Promise<number> {
    const res = await post(vol, `/devices/new?branch=${branchA}`, '/devices/new', { branch: String(branchA), type, asset_tag: tag, serial: `SN-${tag}`, make_model: 'HP ProBook', kit, notes: '' });
    expect(res.status).toBe(303);
    return Number(/\/devices\/(\d+)$/.exec(res.headers.location)![1]);
  }

  const lendBody = (tag: string, contact: string, extra: Record<string, string | string[]> = {}): Record<string, string | string[]> => ({
    branch: String(branchA),
    tag,
    name: 'Jan de Vries',
    contact,
    library_card: '',
    due_date: '',
    kit: ['lader', 'tas'],
    agreement: 'on',
    deposit: '',
    ...extra,
  });

  test('lend → take back → lend again refused until the wipe is confirmed → lent again; the device page shows each step with who and when', async () => {
    const id = await addDevice('LAP-001');
    const lendForm = await vol.get(`/loans/new?branch=${branchA}&tag=lap-001`);
    expect(lendForm.status).toBe(200);
    expect(lendForm.text).toContain('name="kit" value="tas"');
    const lent = await post(vol, `/loans/new?branch=${branchA}&tag=LAP-001`, '/loans/new', lendBody('lap-001', '06 1234 5678'));
    expect(lent.status).toBe(303);
    const loanUrl = lent.headers.location;
    const loanPage = await vol.get(loanUrl);
    expect(loanPage.status).toBe(200);
    expect(loanPage.headers['cache-control']).toBe('no-store');
    expect(loanPage.text).toContain('Jan de Vries');
    expect(loanPage.text).toContain('30 maart 2026'); // laptops: 28 days by default

    // Take back without the bag.
    const back = await post(vol, loanUrl, `${loanUrl}/return`, { kit: 'lader', condition: 'fine', condition_note: '' });
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe(`/devices/${id}`);

    // Lending again before the wipe: refused, with the reason at the field.
    const early = await post(coord, `/loans/new?branch=${branchA}&tag=LAP-001`, '/loans/new', lendBody('LAP-001', 'ander@example.nl'));
    expect(early.status).toBe(409);
    expect(early.text).toContain('Dit apparaat moet eerst gewist worden');
    expect(early.text).toContain('error-summary');
    expect(early.text).toContain('value="ander@example.nl"');

    // Confirming without the tick is a form error; with it the device is available again.
    const noTick = await post(coord, `/devices/${id}`, `/devices/${id}/wipe`, {});
    expect(noTick.status).toBe(400);
    expect(noTick.text).toContain('Bevestig dat het apparaat gewist is');
    t.clock.advance(30 * 60_000);
    const wiped = await post(coord, `/devices/${id}`, `/devices/${id}/wipe`, { wiped: 'on' });
    expect(wiped.status).toBe(303);
    const again = await post(coord, `/loans/new?branch=${branchA}&tag=LAP-001`, '/loans/new', lendBody('LAP-001', 'ander@example.nl'));
    expect(again.status).toBe(303);

    const device = await vol.get(`/devices/${id}`);
    const history = /<table class="history">[\s\S]*?<\/table>/.exec(device.text)![0];
    const rows = [...history.matchAll(/<tr>\s*<td>([^<]+)<\/td>\s*<td>([^<(]+)/g)].map((m) => `${m[1]} ${m[2].trim()}`);
    expect(rows).toEqual(['2 mrt 2026 10:30 Uitgeleend', '2 mrt 2026 10:30 Gewist', '2 mrt 2026 10:00 Teruggebracht', '2 mrt 2026 10:00 Uitgeleend', '2 mrt 2026 10:00 Toegevoegd']);
    expect(history).toContain('coord@bieb.nl');
    expect(history).toContain('vol@bieb.nl');
    expect(history).toContain('Ontbreekt: tas');
  });

  test('a kit part missing at return is shown on the device and on the loan', async () => {
    const id = await addDevice('TAB-001', 'tablet', 'lader\nhoes\nkabel');
    const lent = await post(vol, `/loans/new?branch=${branchA}&tag=TAB-001`, '/loans/new', lendBody('TAB-001', 'kit@example.nl', { kit: ['lader', 'hoes', 'kabel'] }));
    const loanUrl = lent.headers.location;
    await post(vol, loanUrl, `${loanUrl}/return`, { kit: ['lader', 'kabel'], condition: 'damaged', condition_note: 'Barst in het scherm' });
    const loan = await vol.get(loanUrl);
    expect(/<dd id="missing-kit">([^<]*)<\/dd>/.exec(loan.text)?.[1]).toBe('hoes');
    expect(loan.text).toContain('Barst in het scherm');
    const device = await vol.get(`/devices/${id}`);
    expect(device.text).toMatch(/id="missing-kit"><p>Bij de laatste terugkomst ontbrak: hoes</);
    // A tablet also needs the activation lock confirmed.
    const half = await post(vol, `/devices/${id}`, `/devices/${id}/wipe`, { wiped: 'on' });
    expect(half.status).toBe(400);
    expect(half.text).toContain('activeringsslot');
  });

  test('forms without JavaScript: missing fields come back as 400 with a summary and the values kept', async () => {
    await addDevice('LAP-FORM');
    const res = await post(vol, `/loans/new?branch=${branchA}&tag=LAP-FORM`, '/loans/new', lendBody('LAP-FORM', 'geen-contact', { name: '', agreement: '' }));
    expect(res.status).toBe(400);
    expect(res.text).toContain('<a href="#name">');
    expect(res.text).toContain('<a href="#contact">');
    expect(res.text).toContain('<a href="#agreement">');
    expect(res.text).toContain('value="geen-contact"');
    const unknown = await vol.get(`/loans/new?branch=${branchA}&tag=BESTAAT-NIET`);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('Dit apparaatnummer kennen we niet');
    const dup = await post(vol, `/devices/new?branch=${branchA}`, '/devices/new', { branch: String(branchA), type: 'laptop', asset_tag: 'lap-form', serial: '', make_model: '', kit: '', notes: '' });
    expect(dup.status).toBe(409);
    expect(dup.text).toContain('Dit apparaatnummer bestaat al');
  });

  test('inventory: search by tag, serial or model, filter by type and status, pages', async () => {
    for (let i = 0; i < 55; i++) t.deps.devices.add({ userId: null, label: 'seed', ip: null, system: true }, branchA, { type: i % 2 ? 'phone' : 'mifi', assetTag: `INV-${String(i).padStart(3, '0')}`, serial: `S${i}`, makeModel: i === 7 ? 'Samsung A14' : 'Huawei', kit: [], notes: '' });
    const first = await vol.get(`/devices?branch=${branchA}&q=INV-`);
    expect(first.status).toBe(200);
    expect(first.text).toContain('rel="next"');
    expect((first.text.match(/href="\/devices\/\d+">INV-/g) ?? []).length).toBe(50);
    const second = await vol.get(`/devices?branch=${branchA}&q=INV-&page=2`);
    expect((second.text.match(/href="\/devices\/\d+">INV-/g) ?? []).length).toBe(5);
    const model = await vol.get(`/devices?branch=${branchA}&q=samsung`);
    expect(model.text).toContain('>INV-007<');
    const serial = await vol.get(`/devices?branch=${branchA}&q=S12`);
    expect(serial.text).toContain('>INV-012<');
    const phones = await vol.get(`/devices?branch=${branchA}&q=INV-&type=phone&status=available`);
    expect(phones.text).toContain('>INV-001<');
    expect(phones.text).not.toContain('>INV-000<');
    // A literal underscore is not a wildcard.
    const literal = await vol.get(`/devices?branch=${branchA}&q=INV_0`);
    expect(literal.text).not.toContain('>INV-000<');
  });

  test("branch A's staff cannot see or change branch B's devices, loans or borrowers (404), and a malformed branch is 400", async () => {
    const id = await addDevice('ISO-001');
    const lent = await post(vol, `/loans/new?branch=${branchA}&tag=ISO-001`, '/loans/new', lendBody('ISO-001', 'iso@example.nl'));
    const loanUrl: string = lent.headers.location;
    const loan = t.deps.db.prepare('SELECT borrower_id FROM loans WHERE id = ?').pluck().get(Number(loanUrl.split('/').pop())) as number;
    for (const url of [`/devices/${id}`, `/devices/${id}/edit`, `/devices/${id}/label`, loanUrl, `${loanUrl}/agreement`, `/loans/borrowers/${loan}`, `/devices?branch=${branchA}`, `/loans?branch=${branchA}`, `/loans/overdue?branch=${branchA}`]) {
      const res = await volB.get(url);
      expect(`${url} ${res.status}`).toBe(`${url} 404`);
      expect(res.text).not.toContain('iso@example.nl');
    }
    const page = await volB.get('/loans');
    const token = csrfFrom(page.text);
    for (const [url, body] of [
      [`${loanUrl}/return`, { condition: 'fine' }],
      [`${loanUrl}/renew`, { due_date: '2026-06-01' }],
      [`/devices/${id}/status`, { status: 'retired' }],
      [`/devices/${id}/edit`, { type: 'laptop', asset_tag: 'STOLEN' }],
      ['/loans/new', { branch: String(branchA), tag: 'ISO-001' }],
      ['/devices/new', { branch: String(branchA), type: 'laptop', asset_tag: 'X-1' }],
    ] as [string, Record<string, string>][]) {
      const res = await volB.post(url).type('form').send({ _csrf: token, ...body });
      expect(`${url} ${res.status}`).toBe(`${url} 404`);
    }
    expect(t.deps.db.prepare('SELECT returned_at FROM loans WHERE id = ?').pluck().get(Number(loanUrl.split('/').pop()))).toBeNull();
    expect((await vol.get('/devices?branch=abc')).status).toBe(400);
  });

  test('the active and overdue lists and the call list are audited as views of personal data', async () => {
    await addDevice('OVD-001');
    const lent = await post(vol, `/loans/new?branch=${branchA}&tag=OVD-001`, '/loans/new', lendBody('OVD-001', '0612121212', { due_date: '2026-03-05' }));
    expect(lent.status).toBe(303);
    const count = (): number => t.db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'personal_data.viewed'`).pluck().get() as number;
    const before = count();
    t.clock.set('2026-03-07T09:00:00Z');
    const overdue = await vol.get(`/loans/overdue?branch=${branchA}`);
    expect(overdue.text).toContain('0612121212');
    const print = await vol.get(`/loans/overdue/print?branch=${branchA}`);
    expect(print.text).toContain('0612121212');
    expect(print.headers['cache-control']).toBe('no-store');
    await vol.get(`/loans?branch=${branchA}`);
    expect(count() - before).toBe(3);
    // The desk panel counts, without names (and so without an audit entry).
    const desk = await vol.get(`/desk?branch=${branchA}`);
    const panel = /<section id="loans"[\s\S]*?<\/section>/.exec(desk.text)![0];
    expect(panel).toContain('Te laat: 1');
    expect(panel).not.toContain('0612121212');
    expect(count() - before).toBe(3);
    t.clock.set('2026-03-02T09:00:00Z');
  });

  test('renewal: a new due date, the old one kept in the history; the borrower page is audited', async () => {
    const id = await addDevice('REN-001');
    const lent = await post(vol, `/loans/new?branch=${branchA}&tag=REN-001`, '/loans/new', lendBody('REN-001', 'ren@example.nl', { due_date: '2026-03-20' }));
    const loanUrl: string = lent.headers.location;
    const past = await post(vol, loanUrl, `${loanUrl}/renew`, { due_date: '2026-03-01' });
    expect(past.status).toBe(409);
    expect(past.text).toContain('Kies een datum na vandaag');
    const renewed = await post(vol, loanUrl, `${loanUrl}/renew`, { due_date: '2026-04-03' });
    expect(renewed.status).toBe(303);
    const loan = await vol.get(loanUrl);
    expect(loan.text).toContain('3 april 2026');
    expect(loan.text).toContain('1 keer verlengd');
    const device = await vol.get(`/devices/${id}`);
    expect(device.text).toContain('Verlengd');
    expect(device.text).toContain('2026-03-20 → 2026-04-03');
    const borrowerId = /href="\/loans\/borrowers\/(\d+)"/.exec(loan.text)![1];
    const before = t.db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'personal_data.viewed' AND subject_type = 'borrower'`).pluck().get() as number;
    const borrower = await vol.get(`/loans/borrowers/${borrowerId}`);
    expect(borrower.text).toContain('ren@example.nl');
    expect(borrower.headers['cache-control']).toBe('no-store');
    expect(t.db.prepare(`SELECT count(*) FROM audit_log WHERE action = 'personal_data.viewed' AND subject_type = 'borrower'`).pluck().get()).toBe(before + 1);
  });

  test('reservations: a returned-and-wiped device of the type is held for the reservation and handed over from the list', async () => {
    const id = await addDevice('RSV-001', 'mifi', '');
    const lent = await post(vol, `/loans/new?branch=${branchA}&tag=RSV-001`, '/loans/new', lendBody('RSV-001', 'eerst@example.nl', { kit: [] }));
    const made = await post(vol, `/loans/reservations?branch=${branchA}`, '/loans/reservations', { branch: String(branchA), type: 'mifi', wanted_from: '2026-03-03', name: 'Wacht Even', contact: '0687654321', library_card: '' });
    expect(made.status).toBe(303);
    await post(vol, lent.headers.location, `${lent.headers.location}/return`, { condition: 'fine' });
    await post(vol, `/devices/${id}`, `/devices/${id}/wipe`, { wiped: 'on' });
    const list = await vol.get(`/loans/reservations?branch=${branchA}`);
    expect(list.text).toContain('Klaar: RSV-001');
    const other = await post(vol, `/loans/new?branch=${branchA}&tag=RSV-001`, '/loans/new', lendBody('RSV-001', 'iemand@example.nl', { kit: [] }));
    expect(other.status).toBe(409);
    expect(other.text).toContain('vastgehouden voor iemand met een reservering');
    const handed = await post(vol, `/loans/new?branch=${branchA}&tag=RSV-001`, '/loans/new', lendBody('RSV-001', '06 8765 4321', { kit: [] }));
    expect(handed.status).toBe(303);
    expect((await vol.get(`/loans/reservations?branch=${branchA}`)).text).not.toContain('Klaar: RSV-001');
  });

  test('lending rules per branch: the coordinator sets the loan period and a deposit; volunteers may not', async () => {
    const refused = await post(vol, `/loans?branch=${branchA}`, '/loans/settings', { branch: String(branchA), days_laptop: '7' });
    expect(refused.status).toBe(403);
    const bad = await post(coord, `/loans/settings?branch=${branchA}`, '/loans/settings', { branch: String(branchA), days_laptop: '0', days_tablet: '28', days_phone: '14', days_mifi: '14', days_other: '14', deposit: '' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('<a href="#days_laptop">');
    const saved = await post(coord, `/loans/settings?branch=${branchA}`, '/loans/settings', { branch: String(branchA), days_laptop: '7', days_tablet: '28', days_phone: '14', days_mifi: '14', days_other: '14', deposit: '25' });
    expect(saved.status).toBe(303);
    await addDevice('SET-001');
    const form = await vol.get(`/loans/new?branch=${branchA}&tag=SET-001`);
    expect(form.text).toContain('Standaard 7 dagen: 2026-03-09');
    expect(form.text).toContain('name="deposit" type="text"\n    value="25,00"');
    const lent = await post(vol, `/loans/new?branch=${branchA}&tag=SET-001`, '/loans/new', lendBody('SET-001', 'set@example.nl', { deposit: '25,00' }));
    const loan = t.db.prepare('SELECT due_date, deposit_cents FROM loans WHERE id = ?').get(Number(lent.headers.location.split('/').pop()));
    expect(loan).toEqual({ due_date: '2026-03-09', deposit_cents: 2500 });
    // Other branches keep the defaults.
    expect(t.deps.loans.defaultDueDate(branchB, 'laptop')).toBe('2026-03-30');
  });

  test('reminder e-mails go out in the language chosen when lending; a returning borrower keeps it unless it is changed', async () => {
    await addDevice('LANG-1');
    await addDevice('LANG-2');
    await addDevice('LANG-3');
    await addDevice('LANG-4');
    const form = await vol.get(`/loans/new?branch=${branchA}&tag=LANG-1`);
    expect(form.text).toMatch(/<input type="radio" id="language" name="language" value="nl" checked>/);
    const lend = async (tag: string, contact: string, language?: string): Promise<number> => {
      const res = await post(vol, `/loans/new?branch=${branchA}&tag=${tag}`, '/loans/new', lendBody(tag, contact, { due_date: '2026-03-03', ...(language ? { language } : {}) }));
      expect([res.status, /class="error-message"[^>]*>([\s\S]*?)<\/p>/.exec(res.text)?.[1]]).toEqual([303, undefined]);
      return Number(res.headers.location.split('/').pop());
    };
    const english = await lend('LANG-1', 'english@example.nl', 'en');
    const dutch = await lend('LANG-2', 'nederlands@example.nl');
    // Any of the six citizen languages, each offered in its own name and marked with its language and direction.
    expect(form.text).toContain('<label for="language-ar" lang="ar" dir="rtl">العربية</label>');
    const arabic = await lend('LANG-4', 'arabic@example.nl', 'ar');
    // A wrong value is a form error, not a silent Dutch.
    const bad = await post(vol, `/loans/new?branch=${branchA}&tag=LANG-3`, '/loans/new', lendBody('LANG-3', 'x@example.nl', { language: 'fr' }));
    expect(bad.status).toBe(400);
    t.deps.loanReminders.sendDue();
    const subject = (loanId: number): unknown[] =>
      t.db.prepare("SELECT subject FROM outbox WHERE related_type LIKE 'loan_%' AND related_id = ? ORDER BY id").pluck().all(loanId);
    expect(subject(english)).toEqual([expect.stringMatching(/^Please bring your laptop back by Tuesday 3 March/)]);
    expect(subject(dutch)).toEqual([expect.stringMatching(/^Breng uw laptop uiterlijk dinsdag 3 maart terug/)]);
    expect(subject(arabic)).toEqual([expect.stringMatching(/^يرجى إعادة الجهاز \(/)]);
    // The same borrower lends again (after returning) without touching the choice: still English.
    const loanUrl = `/loans/${english}`;
    await post(vol, loanUrl, `${loanUrl}/return`, { kit: ['lader', 'tas'], condition: 'fine', condition_note: '' });
    const again = await lend('LANG-3', 'ENGLISH@example.nl');
    expect(t.db.prepare('SELECT b.mail_language FROM loans l JOIN borrowers b ON b.id = l.borrower_id WHERE l.id = ?').pluck().get(again)).toBe('en');
  });
});
