import ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import { createTestApp, createBranch, createUser, signedIn, type TestApp } from '../../../tests/helpers/test-app';
import type { CurrentUser } from '../../http/auth';
import type { QuestionFields } from '../intake/intake.service';
import { parseCsv } from '../../../tests/helpers/csv';


const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void): void => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

const EVIL_PARTNER = '=HYPERLINK("http://evil.test","klik")';
const EVIL_TOPIC = '+31 DigiD activeren';
const EVIL_BRANCH = '@Vestiging Noord';

describe('statistics exports', () => {
  let t: TestApp;
  let a: number;
  let b: number;
  let volunteer: CurrentUser;
  let evilPartner: number;
  /** What the test registered, as the IDO export must show it (computed here, not by the code under test). */
  const seeded: { date: string; branch: number; channel: string; org: string; topic: string | null; partner: number | null; outcome: string }[] = [];
  const id = (kind: string, key: string, parent: number | null = null): number =>
    t.deps.categories.taxonomy().byKey(kind as never, key, parent)!.id;
  const labelOf = (rowId: number): string => (t.db.prepare('SELECT label_nl FROM taxonomy WHERE id = ?').get(rowId) as { label_nl: string }).label_nl;

  const register = (at: string, branch: number, channel: string, org: string, topic: string | null, outcome: string, partner: number | null = null): void => {
    t.clock.set(at);
    const orgId = id('organisation', org);
    const fields: QuestionFields = {
      typeId: id('question_type', 'digital_government'),
      organisationId: orgId,
      topicId: topic ? id('topic', topic, orgId) : null,
      lifeEventId: null,
      helpId: id('help', partner ? 'referred' : 'together'),
      partnerId: partner,
      durationId: id('duration', 'm5_15'),
      outcomeId: id('outcome', outcome),
      note: 'Notitie-Kwakkel',
    };
    t.deps.intake.register(volunteer, { branchId: branch, channelId: id('channel', channel), appointmentId: null, walkinId: null }, fields);
    seeded.push({ date: at.slice(0, 10), branch, channel, org, topic, partner, outcome });
  };

  beforeEach(async () => {
    seeded.length = 0;
    t = createTestApp();
    a = createBranch(t.deps, { name: EVIL_BRANCH });
    b = createBranch(t.deps, { name: 'Vestiging Zuid' });
    volunteer = t.deps.auth.currentUser(await createUser(t.deps, 'volunteer', [a, b]))!;
    await createUser(t.deps, 'coordinator', [a], 'coord-a@test.nl');
    await createUser(t.deps, 'volunteer', [a], 'vol-a@test.nl');
    // People type partner names and category labels: a formula there must arrive as text.
    const now = new Date().toISOString();
    evilPartner = Number(
      t.db
        .prepare("INSERT INTO partners (key, branch_id, name, kind, created_at, updated_at) VALUES ('evil', ?, ?, 'other', ?, ?)")
        .run(a, EVIL_PARTNER, now, now).lastInsertRowid,
    );
    t.db.prepare('UPDATE taxonomy SET label_nl = ? WHERE id = ?').run(EVIL_TOPIC, id('topic', 'activeren', id('organisation', 'digid')));
    register('2026-01-05T10:00:00Z', a, 'desk', 'digid', 'activeren', 'solved');
    register('2026-01-20T14:00:00Z', a, 'phone', 'belastingdienst', 'aangifte', 'referred', evilPartner);
    register('2026-02-10T09:30:00Z', a, 'appointment', 'digid', 'app', 'partly');
    register('2026-02-27T15:00:00Z', a, 'desk', 'uwv', null, 'solved');
    register('2026-01-07T10:00:00Z', b, 'desk', 'digid', 'activeren', 'solved');
    register('2026-03-01T10:00:00Z', a, 'desk', 'digid', 'activeren', 'solved'); // outside the period
    t.clock.set('2026-03-02T09:00:00Z');
  });
  afterEach(() => t.close());

  const period = (branch: number | 'all'): string => `from=2026-01&to=2026-02&branch=${branch}`;

  test('CSV: BOM, ; columns, no-store, a clear file name, formulas as text, audited', async () => {
    const agent = await signedIn(t, 'coord-a@test.nl');
    const res = await agent.get(`/stats/export.csv?${period(a)}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-disposition']).toBe(`attachment; filename=dichterbij-statistieken-2026-01-tot-2026-02-vestiging-${a}.csv`);
    expect(res.text.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsv(res.text.slice(1));
    expect(rows[0]![1]).toBe('01-01-2026 - 28-02-2026');
    // The partner table: its row label arrives neutralised, its counts as numbers in their own columns.
    const partnerRow = rows.find((r) => r[0] === `'${EVIL_PARTNER}`);
    expect(partnerRow).toBeDefined();
    expect(partnerRow![1]).toBe('1');
    expect(rows.some((r) => r[0] === `'${EVIL_TOPIC}`)).toBe(true);
    expect(rows.some((r) => r.some((c) => /^\s*[=+@]/.test(c)))).toBe(false);
    // Four questions in A in the period: the total row says so.
    const header = rows.findIndex((r, i) => i > 0 && rows[i - 1]!.length === 1 && r.length > 2);
    expect(rows[header + 1]![1]).toBe('4');
    expect(res.text).not.toContain('Kwakkel');
    const audit = t.db.prepare("SELECT branch_id AS branchId, details FROM audit_log WHERE action = 'stats.exported'").all() as { branchId: number; details: string }[];
    expect(audit).toEqual([{ branchId: a, details: JSON.stringify({ format: 'csv', from: '2026-01', to: '2026-02', branch: a }) }]);
  });

  test('XLSX reads back with exceljs: one sheet per section, numbers, formulas as plain text', async () => {
    const agent = await signedIn(t, 'coord-a@test.nl');
    const res = await agent.get(`/stats/export.xlsx?${period(a)}`).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['cache-control']).toBe('no-store');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as ArrayBuffer);
    const report = t.deps.stats.report({ userId: null, label: 'test', ip: null, system: true }, { from: '2026-01', to: '2026-02', branchId: a }, 'nl');
    expect(wb.worksheets.map((w) => w.name)).toEqual(report.sections.map((s) => s.title.slice(0, 31)));
    const cells: ExcelJS.Cell[] = [];
    wb.worksheets.forEach((w) => w.eachRow((row) => row.eachCell((c) => cells.push(c))));
    expect(cells.filter((c) => c.type === ExcelJS.ValueType.Formula)).toEqual([]);
    const partner = cells.find((c) => c.value === `'${EVIL_PARTNER}`)!;
    expect(partner.type).toBe(ExcelJS.ValueType.String);
    const count = partner.worksheet.getRow(Number(partner.row)).getCell(2);
    expect(count.value).toBe(1);
    expect(cells.some((c) => c.value === `'${EVIL_TOPIC}`)).toBe(true);
    expect(t.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'stats.exported' AND details LIKE '%xlsx%'").get()).toEqual({ n: 1 });
  });

  test('IDO export: one row per registered question of the period, in the national fields, no personal data', async () => {
    const agent = await signedIn(t, 'coord-a@test.nl');
    const res = await agent.get(`/stats/export-ido.csv?${period(a)}`).expect(200);
    expect(res.headers['content-disposition']).toContain('dichterbij-ido-registratie-2026-01-tot-2026-02-vestiging-');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsv(res.text.slice(1));
    expect(rows[0]).toEqual(['Datum', 'Locatie', 'Kanaal', 'Soort vraag', 'Organisatie', 'Onderwerp', 'DigiD-vraag', 'Geboden hulp', 'Doorverwezen naar', 'Duur', 'Resultaat']);
    const neutral = (s: string): string => (/^[=+\-@]/.test(s) ? `'${s}` : s);
    const expected = seeded
      .filter((q) => q.branch === a && q.date >= '2026-01-01' && q.date <= '2026-02-28')
      .sort((x, y) => x.date.localeCompare(y.date))
      .map((q) => {
        const orgId = id('organisation', q.org);
        const topic = q.topic ? neutral(labelOf(id('topic', q.topic, orgId))) : '';
        return [
          q.date.split('-').reverse().join('-'),
          `'${EVIL_BRANCH}`,
          labelOf(id('channel', q.channel)),
          'Digitale overheid',
          labelOf(orgId),
          topic,
          q.org === 'digid' ? topic : '',
          q.partner ? 'Doorverwezen' : 'Samen gedaan / meegekeken',
          q.partner ? `'${EVIL_PARTNER}` : '',
          '5 tot 15 minuten',
          labelOf(id('outcome', q.outcome)),
        ];
      });
    expect(rows.slice(1)).toEqual(expected);
    expect(res.text).not.toContain('Kwakkel');

    // All branches of an admin: B's question too.
    await createUser(t.deps, 'admin', [], 'admin@test.nl');
    const all = await (await signedIn(t, 'admin@test.nl')).get(`/stats/export-ido.csv?${period('all')}`).expect(200);
    expect(parseCsv(all.text.slice(1)).length - 1).toBe(5);
  });

  test('/stats links to the three exports with the same filter, and to the monthly e-mail', async () => {
    const agent = await signedIn(t, 'coord-a@test.nl');
    const page = await agent.get(`/stats?${period(a)}`).expect(200);
    for (const path of ['export.xlsx', 'export.csv', 'export-ido.csv']) {
      expect(page.text).toContain(`href="/stats/${path}?from=2026-01&amp;to=2026-02&amp;branch=${a}"`);
    }
    expect(page.text).toContain('href="/stats/report-mail"');
  });

  test('a coordinator of A cannot export B; a volunteer cannot export at all; a malformed filter is 400', async () => {
    const agent = await signedIn(t, 'coord-a@test.nl');
    for (const path of ['export.csv', 'export.xlsx', 'export-ido.csv']) {
      await agent.get(`/stats/${path}?${period(b)}`).expect(404);
      await agent.get(`/stats/${path}?from=2026-13&to=2026-02`).expect(400);
    }
    // "all" for a coordinator is their own branches: B's question is not in it.
    const all = await agent.get(`/stats/export-ido.csv?${period('all')}`).expect(200);
    expect(parseCsv(all.text.slice(1)).length - 1).toBe(4);
    const volunteerAgent = await signedIn(t, 'vol-a@test.nl');
    await volunteerAgent.get(`/stats/export.csv?${period(a)}`).expect(403);
    await t.agent().get(`/stats/export-ido.csv?${period(a)}`).expect(303);
  });
});
