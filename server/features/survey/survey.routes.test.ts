import { createTestApp, csrfFrom, createBranch, type TestApp } from '../../../tests/helpers/test-app';

describe('survey: anonymous visitor feedback at the kiosk', () => {
  let t: TestApp;
  let branch: number;
  beforeEach(() => {
    t = createTestApp();
    branch = createBranch(t.deps, { name: 'Centrale Bibliotheek' });
  });
  afterEach(() => t.close());

  const counts = (): { question: string; score: number; count: number; local_date: string }[] =>
    t.db.prepare('SELECT question, score, count, local_date FROM survey_counts ORDER BY question, score').all() as never;

  test('the kiosk picks its branch, a visitor answers in one POST, the thank-you page starts over', async () => {
    const kiosk = t.agent();
    const choose = await kiosk.get('/survey');
    expect(choose.status).toBe(200);
    expect(choose.text).toContain('Centrale Bibliotheek');
    const page = await kiosk.get(`/survey?branch=${branch}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Hoe tevreden bent u over de hulp?');
    expect(page.text).toContain('Heel tevreden');
    expect(page.text).not.toContain('<textarea');
    const res = await kiosk.post('/survey').type('form').send({ _csrf: csrfFrom(page.text), branch: String(branch), satisfaction: '5', self_reliance: '3', trust: '4', website: '' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/survey/thanks?branch=${branch}`);
    const thanks = await kiosk.get(res.headers.location);
    expect(thanks.text).toContain('Dank u wel!');
    expect(thanks.text).toContain(`href="/survey?branch=${branch}"`);
    // A skipped question is simply not counted.
    const again = await kiosk.get(`/survey?branch=${branch}`);
    await kiosk.post('/survey').type('form').send({ _csrf: csrfFrom(again.text), branch: String(branch), satisfaction: '5', self_reliance: '', trust: '' });
    expect(counts()).toEqual([
      { question: 'satisfaction', score: 5, count: 2, local_date: '2026-03-02' },
      { question: 'self_reliance', score: 3, count: 1, local_date: '2026-03-02' },
      { question: 'trust', score: 4, count: 1, local_date: '2026-03-02' },
    ]);
    const summary = t.deps.survey.summary([branch], '2026-03');
    expect(summary[0]).toEqual({ question: 'satisfaction', answers: 2, average: 5, byScore: [0, 0, 0, 0, 2] });
  });

  test('only counts per day are stored: no response rows, no times', () => {
    const columns = (t.db.prepare("SELECT name FROM pragma_table_info('survey_counts')").pluck().all() as string[]).sort();
    expect(columns).toEqual(['branch_id', 'count', 'local_date', 'question', 'score']);
  });

  test('an empty answer is a 400 with a summary; invalid scores and unknown branches are refused; the honeypot counts nothing', async () => {
    const kiosk = t.agent();
    const page = await kiosk.get(`/survey?branch=${branch}`);
    const token = csrfFrom(page.text);
    const empty = await kiosk.post('/survey').type('form').send({ _csrf: token, branch: String(branch) });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('href="#satisfaction"');
    expect(empty.text).toContain('Kies bij minstens één vraag een antwoord');
    expect((await kiosk.post('/survey').type('form').send({ _csrf: token, branch: String(branch), satisfaction: '9' })).status).toBe(400);
    expect((await kiosk.post('/survey').type('form').send({ _csrf: token, branch: '999', satisfaction: '4' })).status).toBe(404);
    expect((await kiosk.get('/survey?branch=999')).status).toBe(404);
    const bot = await kiosk.post('/survey').type('form').send({ _csrf: token, branch: String(branch), satisfaction: '1', website: 'http://spam.example' });
    expect(bot.status).toBe(303);
    expect((await kiosk.post('/survey').type('form').send({ branch: String(branch), satisfaction: '1' })).status).toBe(403);
    expect(counts()).toEqual([]);
  });

  test('many answers in a minute from one address are rate limited', async () => {
    const kiosk = t.agent();
    const page = await kiosk.get(`/survey?branch=${branch}`);
    const token = csrfFrom(page.text);
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      statuses.push((await kiosk.post('/survey').type('form').send({ _csrf: token, branch: String(branch), satisfaction: '4' })).status);
    }
    expect(statuses.slice(0, 12).every((s) => s === 303)).toBe(true);
    expect(statuses.slice(12)).toEqual([429, 429]);
    expect(counts()).toEqual([{ question: 'satisfaction', score: 4, count: 12, local_date: '2026-03-02' }]);
  });
});
