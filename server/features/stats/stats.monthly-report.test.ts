import ExcelJS from 'exceljs';
import { startLiveServer, type LiveServer } from '../../../tests/helpers/live-server';
import { startSmtpServer } from '../../../tests/helpers/smtp';
import { createBranch, createTestApp, createUser, csrfToken, signedIn } from '../../../tests/helpers/test-app';
import { FakeClock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import { SmtpTransport } from '../../mail/transport';
import type { Deps } from '../../deps';
import { firstWorkingDay } from './stats.monthly-report';

function actorFor(deps: Deps, userId: number): Actor {
  const user = deps.auth.currentUser(userId)!;
  return { userId, label: user.email, ip: null, user };
}

function registerOctober(deps: Deps, clock: FakeClock, branch: number, userId: number, count: number): void {
  const tax = deps.categories.taxonomy();
  const user = deps.auth.currentUser(userId)!;
  const org = tax.byKey('organisation', 'toeslagen', null)!.id;
  for (let i = 0; i < count; i++) {
    clock.set(`2026-10-${String(5 + i).padStart(2, '0')}T10:00:00Z`);
    deps.intake.register(
      user,
      { branchId: branch, channelId: tax.byKey('channel', 'desk', null)!.id, appointmentId: null, walkinId: null },
      {
        typeId: tax.byKey('question_type', 'digital_government', null)!.id,
        organisationId: org,
        topicId: null,
        lifeEventId: null,
        helpId: tax.byKey('help', 'information', null)!.id,
        partnerId: null,
        durationId: tax.byKey('duration', 'lt5', null)!.id,
        outcomeId: tax.byKey('outcome', 'solved', null)!.id,
        note: '',
      },
    );
  }
}

describe('the first working day of a month', () => {
  test.each([
    ['2026-11-15', '2026-11-02'], // 1 November 2026 is a Sunday
    ['2026-12-31', '2026-12-01'], // a Tuesday
    ['2027-01-04', '2027-01-04'], // New Year's Day is a Friday, then the weekend
    ['2026-08-01', '2026-08-03'], // a Saturday
  ])('in the month of %s is %s', (date, expected) => {
    expect(firstWorkingDay(date)).toBe(expected);
  });
});

describe('monthly statistics report by e-mail', () => {
  test('an opted-in coordinator gets exactly one e-mail with the XLSX on the first working day, also across restarts', async () => {
    const smtp = await startSmtpServer();
    const clock = new FakeClock('2026-10-05T10:00:00Z');
    const start = (dir?: string): Promise<LiveServer> => startLiveServer({ clock, dir, backgroundJobs: true, mailTransport: new SmtpTransport(smtp.url) });
    let server = await start();
    const dir = server.dir;
    try {
      const deps = server.deps;
      const branch = createBranch(deps, { name: 'Centrale Bibliotheek' });
      const other = createBranch(deps, { name: 'Elders' });
      const volunteer = await createUser(deps, 'volunteer', [branch, other]);
      const coordinator = await createUser(deps, 'coordinator', [branch], 'coordinator@lib.test');
      await createUser(deps, 'coordinator', [branch], 'not-opted-in@lib.test');
      registerOctober(deps, clock, branch, volunteer, 3);
      registerOctober(deps, clock, other, volunteer, 2);
      deps.statsMail.setSubscribed(actorFor(deps, coordinator), true);

      // Sunday 1 November: not a working day, nothing goes out.
      clock.set('2026-11-01T10:00:00Z');
      expect(await deps.monthlyStatsReports.sendDue()).toBe(0);

      // Monday 2 November, 09:00 in Amsterdam: the scheduler of a (re)started server sends it.
      clock.set('2026-11-02T08:00:00Z');
      await server.close();
      server = await start(dir);
      const [mail] = await smtp.waitFor(1, 10_000);
      expect(mail!.to && 'text' in mail!.to ? mail!.to.text : '').toBe('coordinator@lib.test');
      expect(mail!.subject).toBe('Statistieken van oktober 2026');
      expect(mail!.attachments).toHaveLength(1);
      const attachment = mail!.attachments[0]!;
      expect(attachment.filename).toBe('dichterbij-statistieken-2026-10-alle-vestigingen.xlsx');
      expect(attachment.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(attachment.content as unknown as ArrayBuffer);
      // The coordinator's own branch only: three questions in October (the other branch's two are not theirs).
      const total = wb.worksheets[0]!.getRow(3);
      expect(total.getCell(2).value).toBe(3);

      // Restarted later that day, and a pass run by hand: no second e-mail.
      clock.set('2026-11-02T14:00:00Z');
      await server.close();
      server = await start(dir);
      expect(await server.deps.monthlyStatsReports.sendDue()).toBe(0);
      await new Promise((r) => setTimeout(r, 500));
      expect(smtp.messages).toHaveLength(1);
    } finally {
      await server.close();
      await smtp.stop();
    }
  }, 30_000);

  test('two passes at once still queue one report (the sent mark and the outbox row commit together)', async () => {
    const t = createTestApp({ clock: new FakeClock('2026-10-05T10:00:00Z') });
    try {
      const branch = createBranch(t.deps);
      const volunteer = await createUser(t.deps, 'volunteer', [branch]);
      const coordinator = await createUser(t.deps, 'coordinator', [branch]);
      registerOctober(t.deps, t.clock, branch, volunteer, 1);
      t.deps.statsMail.setSubscribed(actorFor(t.deps, coordinator), true);
      t.clock.set('2026-11-02T08:00:00Z');
      const sent = await Promise.all([t.deps.monthlyStatsReports.sendDue(), t.deps.monthlyStatsReports.sendDue()]);
      expect(sent[0]! + sent[1]!).toBe(1);
      expect(t.db.prepare("SELECT count(*) AS n FROM outbox WHERE related_type = 'stats_report'").get()).toEqual({ n: 1 });
      // December's first working day: November's report, once more for the new month only.
      t.clock.set('2026-12-01T08:00:00Z');
      expect(await t.deps.monthlyStatsReports.sendDue()).toBe(1);
      expect(await t.deps.monthlyStatsReports.sendDue()).toBe(0);
    } finally {
      await t.close();
    }
  });

  test('the opt-in page: a checkbox, saved and audited; volunteers cannot open it', async () => {
    const t = createTestApp();
    try {
      const branch = createBranch(t.deps);
      await createUser(t.deps, 'coordinator', [branch], 'coord@lib.test');
      await createUser(t.deps, 'volunteer', [branch], 'vol@lib.test');
      const agent = await signedIn(t, 'coord@lib.test');
      const page = await agent.get('/stats/report-mail').expect(200);
      expect(page.text).toContain('coord@lib.test');
      expect(page.text).not.toMatch(/id="subscribe" checked/);
      const token = await csrfToken(agent, '/stats/report-mail');
      await agent.post('/stats/report-mail').type('form').send({ _csrf: token, subscribe: 'on' }).expect(303);
      expect((await agent.get('/stats/report-mail')).text).toMatch(/id="subscribe" checked/);
      await agent.post('/stats/report-mail').type('form').send({ _csrf: token }).expect(303);
      expect((await agent.get('/stats/report-mail')).text).not.toMatch(/id="subscribe" checked/);
      const actions = t.db.prepare("SELECT action FROM audit_log WHERE action LIKE 'stats.report_mail.%' ORDER BY id").pluck().all();
      expect(actions).toEqual(['stats.report_mail.subscribed', 'stats.report_mail.unsubscribed']);
      await (await signedIn(t, 'vol@lib.test')).get('/stats/report-mail').expect(403);
    } finally {
      await t.close();
    }
  });
});
