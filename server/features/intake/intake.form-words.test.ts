import { createTestApp, createBranch, createUser, csrfToken, signedIn, type TestApp } from '../../../tests/helpers/test-app';

/**
 * Issue #15 item 8: the intake form says only what applies. The hint about "Toon onderwerpen" is for the page
 * without JavaScript (intake.js swaps it when it removes that button); "Doorverwezen" is said once, as a result;
 * "Doorverwezen naar" sits under the result and says when it applies; an empty form names each field.
 */
describe('intake form: only what applies', () => {
  let t: TestApp;
  let branch: number;

  beforeEach(async () => {
    t = createTestApp();
    branch = createBranch(t.deps, { name: 'Centrale Bibliotheek' });
    await createUser(t.deps, 'volunteer', [branch], 'vol@bieb.nl');
  });
  afterEach(() => t.close());

  test('hint, referral and result each said once, in the right place', async () => {
    const agent = await signedIn(t, 'vol@bieb.nl');
    const page = (await agent.get(`/intake/new?branch=${branch}`)).text;
    // Without JavaScript the button exists and the hint names it; the script's own hint is ready on the form.
    expect(page).toContain('klik op ‘Toon onderwerpen’');
    expect(page).toContain('data-topic-hint-js="Kies eerst een organisatie. De onderwerpen verschijnen dan hier."');
    // "Doorverwezen" as a choice only once (the result); the help given says what the volunteer did.
    expect(page.match(/>Doorverwezen<\/label>/g)).toHaveLength(1);
    expect(page).toContain('>Uitgelegd waar de bezoeker terecht kan</label>');
    // "Doorverwezen naar" comes after the result and says when it applies.
    expect(page.indexOf('id="partner"')).toBeGreaterThan(page.indexOf('name="outcome"'));
    expect(page).toContain('Alleen invullen als het resultaat ‘Doorverwezen’ is.');
    expect(page).toMatch(/<input type="radio" id="outcome[^"]*" name="outcome" value="\d+" data-key="referred">/);
  });

  test('an empty form names every field in the error summary', async () => {
    const agent = await signedIn(t, 'vol@bieb.nl');
    const token = await csrfToken(agent, `/intake/new?branch=${branch}`);
    const res = await agent.post('/intake/new').type('form').send({
      _csrf: token, branch: String(branch), visit: '', appointment: '', walkin: '', channel: String(t.deps.categories.taxonomy().byKey('channel', 'phone', null)!.id), type: '', organisation: '', topic: '',
      help: '', partner: '', life_event: '', duration: '', outcome: '', note: '', then: 'done',
    });
    expect(res.status).toBe(400);
    const summary = res.text.slice(res.text.indexOf('class="error-summary"'), res.text.indexOf('</div>', res.text.indexOf('class="error-summary"')));
    expect(summary).toContain('Kies het soort');
    expect(summary).toContain('Kies de organisatie');
    expect(summary).not.toMatch(/Maak een keuze|Vul dit veld in/);
  });
});
