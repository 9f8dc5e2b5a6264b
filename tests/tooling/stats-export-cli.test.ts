import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { main, parseArgs, UsageError } from '../../scripts/stats-export';
import { createTestApp, createBranch, createUser, type TestApp } from '../helpers/test-app';
import { FakeClock } from '../../server/lib/clock';

describe('npm run stats:export', () => {
  let t: TestApp;
  let branch: number;
  let errors: string[];
  const clock = new FakeClock('2027-01-04T08:00:00Z');

  beforeEach(async () => {
    t = createTestApp({ clock: new FakeClock('2026-11-03T10:00:00Z') });
    branch = createBranch(t.deps, { name: 'Centrale' });
    const user = t.deps.auth.currentUser(await createUser(t.deps, 'volunteer', [branch]))!;
    const tax = t.deps.categories.taxonomy();
    const org = tax.byKey('organisation', 'digid', null)!.id;
    for (const at of ['2026-10-05T10:00:00Z', '2026-11-03T10:00:00Z', '2026-12-14T10:00:00Z']) {
      t.clock.set(at);
      t.deps.intake.register(
        user,
        { branchId: branch, channelId: tax.byKey('channel', 'desk', null)!.id, appointmentId: null, walkinId: null },
        {
          typeId: tax.byKey('question_type', 'digital_government', null)!.id,
          organisationId: org,
          topicId: tax.byKey('topic', 'app', org)!.id,
          lifeEventId: null,
          helpId: tax.byKey('help', 'together', null)!.id,
          partnerId: null,
          durationId: tax.byKey('duration', 'lt5', null)!.id,
          outcomeId: tax.byKey('outcome', 'solved', null)!.id,
          note: '',
        },
      );
    }
    errors = [];
    jest.spyOn(console, 'error').mockImplementation((msg: unknown) => void errors.push(String(msg)));
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await t.close();
  });

  const run = (args: string[]): Promise<number> => main(args, { config: t.config, clock });
  const out = (name: string): string => path.join(t.dir, 'exports', name);

  test('writes the IDO export of a quarter for all branches, audited as the command line', async () => {
    const file = out('ido.csv');
    expect(await run(['--from', '2026-10', '--to', '2026-12', '--branch', 'all', '--format', 'ido', '--out', file])).toBe(0);
    const lines = fs.readFileSync(file, 'utf8').split('\r\n').filter(Boolean);
    expect(lines[0]!.startsWith('\uFEFFDatum;Locatie')).toBe(true);
    expect(lines.slice(1).map((l) => l.split(';')[0])).toEqual(['05-10-2026', '03-11-2026', '14-12-2026']);
    expect(errors.join('\n')).toContain('(3 questions)');
    const audit = t.db.prepare("SELECT actor_label AS label, details FROM audit_log WHERE action = 'stats.exported'").all();
    expect(audit).toEqual([{ label: 'command line (stats:export)', details: JSON.stringify({ format: 'ido', from: '2026-10', to: '2026-12', branch: 'all' }) }]);
  });

  test('writes CSV and XLSX for one branch', async () => {
    expect(await run(['--from=2026-10', '--to=2026-12', `--branch=${branch}`, '--format=csv', `--out=${out('q4.csv')}`])).toBe(0);
    expect(fs.readFileSync(out('q4.csv'), 'utf8').startsWith('\uFEFFPeriode;01-10-2026 - 31-12-2026\r\n')).toBe(true);
    expect(await run(['--from', '2026-10', '--to', '2026-12', '--branch', String(branch), '--format', 'xlsx', '--out', out('q4.xlsx')])).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out('q4.xlsx'));
    expect(wb.worksheets.length).toBeGreaterThan(0);
  });

  test.each([
    [[], '--from is missing'],
    [['--from', '2026-10', '--branch', 'all', '--format', 'pdf', '--out', 'x'], '--format must be csv, xlsx or ido'],
    [['--from', '2026-13', '--branch', 'all', '--format', 'csv', '--out', 'x'], '--from is not a month'],
    [['--from', '2026-12', '--to', '2026-10', '--branch', 'all', '--format', 'csv', '--out', 'x'], '--to lies before --from'],
    [['--from', '2026-10', '--branch', 'noord', '--format', 'csv', '--out', 'x'], '--branch is not a branch id'],
    [['--from', '2026-10', '--branch', 'all', '--format', 'csv', '--out'], '--out needs a value'],
    [['--from', '2026-10', '--branch', 'all', '--format', 'csv', '--out', 'x', '--verbose'], 'Unknown argument "--verbose"'],
    [['--from', '2027-05', '--branch', 'all', '--format', 'csv', '--out', 'x'], '--from lies in the future'],
  ])('bad arguments %j: a clear message and exit code 2, nothing written', async (args, message) => {
    expect(await run(args)).toBe(2);
    expect(errors.join('\n')).toContain(message);
    expect(errors.join('\n')).toContain('Usage: npm run stats:export');
  });

  test('an unknown branch is exit code 2 and no file', async () => {
    expect(await run(['--from', '2026-10', '--branch', '999', '--format', 'ido', '--out', out('none.csv')])).toBe(2);
    expect(errors.join('\n')).toContain('--branch 999 does not exist');
    expect(fs.existsSync(out('none.csv'))).toBe(false);
  });

  test('parseArgs: --to defaults to --from', () => {
    expect(parseArgs(['--from', '2026-10', '--branch', 'all', '--format', 'csv', '--out', 'f'], '2027-01-04').query).toEqual({ from: '2026-10', to: '2026-10', branchId: null });
    expect(() => parseArgs(['--from', '2026-10', '--from', '2026-11'], '2027-01-04')).toThrow(UsageError);
  });
});
