import { Parser } from 'htmlparser2';
import { FakeClock } from '../../lib/clock';
import { createBranch, createTestApp, createUser, signedIn, type TestApp } from '../../../tests/helpers/test-app';
import { APPOINTMENTS, CALLBACKS, ESCALATIONS, LOANS, QUESTIONS, SURVEY, WALKINS, seedStatsFixtures, type BranchKey, type QuestionFixture } from '../../../tests/helpers/stats-fixtures';

/**
 * /stats for a seeded quarter (2026-Q3) against its previous quarter. Every expected figure is counted
 * here from the fixture lists (tests/helpers/stats-fixtures.ts) or written down by hand, never read back
 * through the statistics code.
 */
type Row = { label: string; cells: string[] };

/** Each `.stats-table` block's rows by its id: the row header and the data cells as text. */
function tablesOf(html: string): Map<string, Row[]> {
  const tables = new Map<string, Row[]>();
  let current: Row[] | null = null;
  let row: Row | null = null;
  let cell: 'th' | 'td' | null = null;
  let text = '';
  let inBody = false;
  const parser = new Parser({
    onopentag(name, attrs) {
      if (name === 'div' && (attrs.class ?? '').split(' ').includes('stats-table')) {
        current = [];
        tables.set(attrs.id ?? '', current);
      }
      if (name === 'tbody') inBody = true;
      if (name === 'tr' && inBody) row = { label: '', cells: [] };
      if ((name === 'th' || name === 'td') && row) {
        cell = name;
        text = '';
      }
    },
    ontext(data) {
      if (cell) text += data;
    },
    onclosetag(name) {
      if ((name === 'th' || name === 'td') && row && cell) {
        const value = text.trim().replace(/&#39;/g, "'").replace(/&amp;/g, '&');
        if (cell === 'th') row.label = value;
        else row.cells.push(value);
        cell = null;
      }
      if (name === 'tr' && row && current) {
        current.push(row);
        row = null;
      }
      if (name === 'tbody') inBody = false;
    },
  });
  parser.write(html);
  parser.end();
  return tables;
}

/** A figure as the page writes it, back to a number: "1.234" → 1234, "4,75" → 4.75, "75%" → 0.75, "–" → null. */
function num(text: string): number | null {
  if (text === '–') return null;
  const percent = text.endsWith('%');
  const clean = text.replace(/[^\d,\-−+]/g, '').replace('−', '-').replace(',', '.');
  const n = Number(clean);
  return percent ? Math.round(n * 100) / 10000 : n;
}

function figures(tables: Map<string, Row[]>, id: string): Record<string, [number | null, number | null, number | null]> {
  const rows = tables.get(id);
  if (!rows) throw new Error(`no table ${id}; have ${[...tables.keys()].join(', ')}`);
  return Object.fromEntries(rows.map((r) => [r.label, [num(r.cells[0]!), num(r.cells[1]!), num(r.cells[2]!)]]));
}

const inQ3 = (date: string): boolean => date >= '2026-07-01' && date <= '2026-09-30';
const inQ2 = (date: string): boolean => date >= '2026-04-01' && date <= '2026-06-30';

describe('/stats', () => {
  let t: TestApp;
  let ids: Record<BranchKey, number>;
  const coordinatorA = 'stats-coord-a@test.nl';
  const coordinatorAB = 'stats-coord-ab@test.nl';
  const admin = 'stats-admin@test.nl';
  const volunteer = 'stats-vol@test.nl';

  beforeAll(async () => {
    t = createTestApp({ clock: new FakeClock('2026-10-05T10:00:00Z') });
    ids = { A: createBranch(t.deps, { name: 'Centrale' }), B: createBranch(t.deps, { name: 'Noord' }), C: createBranch(t.deps, { name: 'Zuid' }) };
    seedStatsFixtures(t.db, ids);
    await createUser(t.deps, 'coordinator', [ids.A], coordinatorA);
    await createUser(t.deps, 'coordinator', [ids.A, ids.B], coordinatorAB);
    await createUser(t.deps, 'admin', [], admin);
    await createUser(t.deps, 'volunteer', [ids.A], volunteer);
  });
  afterAll(() => t.close());

  const quarter = (branch: string): string => `/stats?period=quarter&quarter=2026-Q3&branch=${branch}`;

  it('counts the questions of one branch by every dimension, beside the previous quarter', async () => {
    const agent = await signedIn(t, coordinatorA);
    const res = await agent.get(quarter(String(ids.A))).expect(200);
    const tables = tablesOf(res.text);
    const mine = (when: (d: string) => boolean) => QUESTIONS.filter((q) => q.branch === 'A' && when(q.date));
    // Written down by hand: A has five questions in Q3 (1 Jul … 30 Sep) and two in Q2 (1 Apr, 30 Jun).
    expect(figures(tables, 'questions-total')).toEqual({ Vragen: [5, 2, 3] });
    expect(figures(tables, 'questions-type')).toEqual({
      'Digitale overheid': [3, 2, 1],
      Bibliotheekdienst: [1, 0, 1],
      'Overig (apparaat, vaardigheden)': [1, 0, 1],
    });
    // Each other dimension, counted from the fixture list: every value that occurs has its row with both periods.
    const labels: Record<string, Record<string, string>> = {
      channel: { desk: 'Balie (binnenloop)', appointment: 'Afspraak', phone: 'Telefoon', online: 'Online / chat' },
      help: { together: 'Samen gedaan / meegekeken', referred: 'Doorverwezen', information: 'Informatie gegeven', course: 'Cursus of training' },
      duration: { lt5: 'Korter dan 5 minuten', m5_15: '5 tot 15 minuten', m15_30: '15 tot 30 minuten', m30_60: '30 tot 60 minuten', gt60: 'Langer dan 60 minuten' },
      outcome: { solved: 'Opgelost', partly: 'Deels opgelost', referred: 'Doorverwezen', follow_up: 'Vervolgafspraak gemaakt' },
      organisation: { digid: 'DigiD', belastingdienst: 'Belastingdienst', toeslagen: 'Dienst Toeslagen', none: 'Geen organisatie (apparaat, vaardigheden)', other: 'Andere organisatie' },
      partner: { toeslagen: 'Dienst Toeslagen', digid: 'DigiD Helpdesk', '': 'Niet doorverwezen' },
      topic: { activeren: 'DigiD activeren', aangifte: 'Belastingaangifte', wijzigen: 'Wijziging doorgeven', telefoon_tablet: 'Telefoon of tablet', app: 'DigiD app installeren', '': 'Geen onderwerp' },
    };
    for (const [dim, names] of Object.entries(labels)) {
      const table = figures(tables, `questions-${dim}`);
      for (const [key, label] of Object.entries(names)) {
        const value = (f: QuestionFixture): string => String(f[dim as keyof QuestionFixture] ?? '');
        const now = mine(inQ3).filter((f) => value(f) === key).length;
        const before = mine(inQ2).filter((f) => value(f) === key).length;
        expect([dim, key, table[label]]).toEqual([dim, key, [now, before, now - before]]);
      }
    }
  });

  it('counts appointments, walk-ins, loans, escalations and the survey of one branch', async () => {
    const agent = await signedIn(t, coordinatorA);
    const tables = tablesOf((await agent.get(quarter(String(ids.A))).expect(200)).text);
    const appts = (when: (d: string) => boolean, test: (a: (typeof APPOINTMENTS)[number]) => boolean) => APPOINTMENTS.filter((a) => a.branch === 'A' && when(a.date) && test(a)).length;
    const pair = (test: (a: (typeof APPOINTMENTS)[number]) => boolean) => [appts(inQ3, test), appts(inQ2, test), appts(inQ3, test) - appts(inQ2, test)];
    expect(figures(tables, 'appointments-status')).toEqual({
      Gemaakt: pair(() => true),
      Gekomen: pair((a) => ['arrived', 'in_progress', 'done'].includes(a.status)),
      'Niet gekomen': pair((a) => a.status === 'no_show'),
      Geannuleerd: pair((a) => a.status === 'cancelled'),
    });
    expect(figures(tables, 'appointments-channel')).toEqual({ 'Online geboekt': [2, 1, 1], 'Door medewerker geboekt': [2, 0, 2] });

    const walk = WALKINS.filter((w) => w.branch === 'A');
    expect(figures(tables, 'walkins-count')).toEqual({
      'Nummers getrokken': [walk.filter((w) => inQ3(w.date)).length, walk.filter((w) => inQ2(w.date)).length, 3],
      Geholpen: [2, 1, 1],
      'Niet verschenen': [1, 0, 1],
    });
    // Waits in Q3: 10, 20 and 30 minutes (the fourth was never called); in Q2 one of 4 minutes.
    expect(figures(tables, 'walkins-wait')).toEqual({ Mediaan: [20, 4, 16], '90 procent was binnen': [30, 4, 26], Gemiddeld: [20, 4, 16] });

    // Lent in Q3: 5 Jul, 1 Aug, 20 Sep, and 30 Sep 23:30 Amsterdam (not the one at 00:30 on 1 Oct). Returned in
    // Q3: 18 Jul, 20 Aug, 2 Jul. Late: the one back on 20 Aug (due 15 Aug) and the one due 28 Sep still out.
    expect(figures(tables, 'loans-moves')).toEqual({ Uitgeleend: [4, 2, 2], Teruggebracht: [3, 1, 2], 'Te laat (vervaldatum in deze periode)': [2, 1, 1] });
    const returnedFine = LOANS.filter((l) => l.branch === 'A' && l.returned !== null).length;
    expect(figures(tables, 'loans-devices')).toEqual({ 'Wachten op wissen': [returnedFine, null, null] });

    const esc = ESCALATIONS.filter((e) => e.branch === 'A' && inQ3(e.created.slice(0, 10)));
    expect(figures(tables, 'escalations-count')).toEqual({
      Doorgezet: [esc.length, 1, esc.length - 1],
      'Beantwoord door een expert': [esc.filter((e) => e.accepted).length, 1, 2],
      Terugbelverzoeken: [CALLBACKS.filter((c) => inQ3(c.created.slice(0, 10))).length, 1, 1],
    });
    // 3 of 4 answered, against 1 of 1: 75 % and 100 %, a change of -25 percentage points.
    expect(figures(tables, 'escalations-share')).toEqual({ Beantwoord: [0.75, 1, -25] });
    // Answered after 5, 15 and 45 minutes; before: 10.
    expect(figures(tables, 'escalations-wait')).toEqual({ Mediaan: [15, 10, 5], '90 procent was binnen': [45, 10, 35] });
    expect(figures(tables, 'escalations-outcome')).toEqual({
      Opgelost: [1, 0, 1], Doorverwezen: [1, 0, 1], Vervolgafspraak: [0, 1, -1], Ingetrokken: [1, 0, 1], 'Nog open': [1, 0, 1],
    });

    const answers = (question: string, when: (d: string) => boolean) => SURVEY.filter((s) => s.question === question && when(s.date)).reduce((a, s) => a + s.count, 0);
    expect(figures(tables, 'survey-answers')).toEqual({
      'Hoe tevreden bent u over de hulp?': [answers('satisfaction', inQ3), answers('satisfaction', inQ2), 2],
      'Kunt u dit de volgende keer zelf?': [1, 0, 1],
      'Vertrouwt u de overheid met uw gegevens?': [2, 0, 2],
    });
    // (3 × 5 + 4) / 4 = 4.75 against 3; trust 2 × 2 / 2 = 2 with nothing before.
    expect(figures(tables, 'survey-average')).toEqual({
      'Hoe tevreden bent u over de hulp?': [4.75, 3, 1.75],
      'Kunt u dit de volgende keer zelf?': [3, null, null],
      'Vertrouwt u de overheid met uw gegevens?': [2, null, null],
    });
  });

  it('counts all of a person’s branches for "all", and every branch for an admin', async () => {
    const count = (branches: BranchKey[], when: (d: string) => boolean) => QUESTIONS.filter((q) => branches.includes(q.branch) && when(q.date)).length;
    const a = tablesOf((await (await signedIn(t, coordinatorA)).get(quarter('all')).expect(200)).text);
    expect(figures(a, 'questions-total').Vragen).toEqual([count(['A'], inQ3), count(['A'], inQ2), 3]);
    const ab = tablesOf((await (await signedIn(t, coordinatorAB)).get(quarter('all')).expect(200)).text);
    expect(figures(ab, 'questions-total').Vragen).toEqual([6, 3, 3]);
    const all = tablesOf((await (await signedIn(t, admin)).get(quarter('all')).expect(200)).text);
    expect(figures(all, 'questions-total').Vragen).toEqual([count(['A', 'B', 'C'], inQ3), count(['A', 'B', 'C'], inQ2), 4]);
    const c = tablesOf((await (await signedIn(t, admin)).get(quarter(String(ids.C))).expect(200)).text);
    expect(figures(c, 'questions-total').Vragen).toEqual([1, 0, 1]);
  });

  it('refuses another branch (404), a role without statistics (403), and a nonexistent branch (404)', async () => {
    const agent = await signedIn(t, coordinatorA);
    await agent.get(quarter(String(ids.B))).expect(404);
    await agent.get(`/stats/print?branch=${ids.B}`).expect(404);
    await (await signedIn(t, admin)).get(quarter('999999')).expect(404);
    await (await signedIn(t, volunteer)).get('/stats').expect(403);
    const anonymous = await t.agent().get('/stats');
    expect(anonymous.status).toBe(303);
  });

  it('defaults to the last complete month and all branches', async () => {
    const res = await (await signedIn(t, coordinatorA)).get('/stats').expect(200);
    expect(res.text).toContain('september 2026');
    // September in A: two questions (12 and 30 Sep); August: one.
    expect(figures(tablesOf(res.text), 'questions-total').Vragen).toEqual([2, 1, 1]);
  });

  it('answers bad filters with 400, an error summary and the values kept', async () => {
    const agent = await signedIn(t, coordinatorA);
    for (const [url, field] of [
      ['/stats?period=month&month=2026-13', 'month'],
      ['/stats?period=range&from=2026-09&to=2026-07', 'to'],
      ['/stats?period=range&from=2020-01&to=2026-09', 'to'],
      ['/stats?period=quarter&quarter=2026-Q5', 'quarter'],
      ['/stats?period=week', 'period'],
      ['/stats?branch=abc', 'branch'],
      ['/stats?period=month&month=2027-01', 'month'],
    ] as const) {
      const res = await agent.get(url).expect(400);
      expect([url, res.text]).toEqual([url, expect.stringContaining(`href="#${field}"`)]);
      expect(res.text).toContain('class="error-summary"');
    }
    const kept = await agent.get('/stats?period=range&from=2026-09&to=2026-07').expect(400);
    expect(kept.text).toMatch(/id="from"[^>]*value="2026-09"|value="2026-09"[^>]*id="from"/s);
  });

  it('draws each chart as SVG with a role, a title and a description, and no chart library', async () => {
    const res = await (await signedIn(t, coordinatorA)).get(quarter(String(ids.A))).expect(200);
    const svgs = res.text.match(/<svg role="img"[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs.length).toBeGreaterThan(5);
    for (const svg of svgs) {
      const id = /aria-labelledby="([^" ]+) ([^"]+)"/.exec(svg);
      expect(id).not.toBeNull();
      expect(svg).toContain(`<title id="${id![1]}">`);
      expect(svg).toMatch(new RegExp(`<desc id="${id![2]}">[^<]+</desc>`));
    }
    expect(res.text).toContain('<desc id="chart-questions-type-desc">Staafdiagram. Digitale overheid: Deze periode 3, Vorige periode 2;');
    expect(res.text).not.toMatch(/chart\.js|d3\.|<canvas/i);
  });

  it('prints the same report for A4', async () => {
    const res = await (await signedIn(t, coordinatorA)).get(`/stats/print?from=2026-07&to=2026-09&branch=${ids.A}`).expect(200);
    expect(res.text).toContain('class="stats-print"');
    expect(res.text).not.toContain('<form method="get" action="/stats"');
    expect(figures(tablesOf(res.text), 'questions-total').Vragen).toEqual([5, 2, 3]);
  });
});
