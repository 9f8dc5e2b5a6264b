import type { Actor } from '../../lib/actor';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { Translate } from '../../lib/i18n';
import { PeriodicJob } from '../../lib/periodic-job';
import { addDays, isoWeekday, localDate } from '../../lib/time';
import type { Mailer } from '../../mail/mailer';
import { may, type CurrentUser } from '../../policy/policy';
import type { AuditService } from '../audit/audit.service';
import type { StatsMailRepository } from './stats.mail.repository';
import type { StatsReportSource } from './stats.export.service';
import { exportFileName } from './stats.export.service';
import { reportXlsxBuffer } from './stats.xlsx';
import { lastCompleteMonth } from './stats.query';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The first working day of the month `date` lies in: Monday to Friday, and not New Year's Day (the one
 * public holiday that often opens a month). Other holidays are not counted: the report then comes a day early.
 */
export function firstWorkingDay(date: string): string {
  let day = `${date.slice(0, 7)}-01`;
  while (isoWeekday(day) > 5 || day.endsWith('-01-01')) day = addDays(day, 1);
  return day;
}

export interface MonthlyReportDeps {
  repo: StatsMailRepository;
  reports: StatsReportSource;
  mailer: Mailer;
  audit: AuditService;
  translator: (lang: string) => Translate;
  /** The person as the policy sees them now, or null when the account is gone or disabled. */
  currentUser: (userId: number) => CurrentUser | null;
  clock: Clock;
}

/**
 * Last month's statistics, as an XLSX attachment, to everyone who opted in, from the first working day of the
 * month on (a server that was down that day catches up later in the month). The report is built as the person
 * (their own branches, through the policy); the XLSX and the mail are composed before the write transaction,
 * inside which only the sent mark (PRIMARY KEY user_id, month) and the outbox row are written together.
 */
export class MonthlyStatsReports {
  constructor(private readonly deps: MonthlyReportDeps) {}

  /** Returns how many reports were put in the outbox. */
  async sendDue(): Promise<number> {
    const { repo, clock } = this.deps;
    const today = localDate(clock.now());
    if (today < firstWorkingDay(today)) return 0;
    const month = lastCompleteMonth(today);
    let sent = 0;
    for (const userId of repo.subscribers()) {
      if (repo.wasSent(userId, month)) continue;
      const user = this.deps.currentUser(userId);
      if (!user || !may(user, 'stats.read')) continue;
      if (await this.sendOne(user, month)) sent++;
    }
    return sent;
  }

  private async sendOne(user: CurrentUser, month: string): Promise<boolean> {
    const { repo, mailer, audit, clock } = this.deps;
    const lang = 'nl';
    const actor: Actor = { userId: user.id, label: 'monthly statistics report', ip: null, user };
    const query = { from: month, to: month, branchId: null };
    const resolved = await this.deps.reports.report(actor, query, lang);
    if (resolved.scope.branchIds.length === 0) return false;
    const xlsx = await reportXlsxBuffer(resolved);
    const t = this.deps.translator(lang);
    const monthName = new Intl.DateTimeFormat('nl-NL', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-15T12:00:00Z`));
    const mail = mailer.compose({
      to: user.email,
      template: 'notice',
      lang,
      subjectKey: 'stats-export.mail.subject',
      subjectParams: { month: monthName },
      data: {
        heading: t('stats-export.mail.heading', { month: monthName }),
        paragraphs: [t('stats-export.mail.body', { name: user.name, month: monthName }), t('stats-export.mail.opt_out')],
      },
      attachments: [{ filename: exportFileName('xlsx', query), contentType: XLSX_TYPE, content: xlsx.toString('base64'), encoding: 'base64' }],
      related: { type: 'stats_report', id: user.id },
    });
    return repo.immediate(() => {
      if (!repo.claim(user.id, month, clock.now().toISOString())) return false;
      mailer.enqueueComposed(mail);
      audit.record(actor, { action: 'stats.exported', subjectType: 'stats', details: { format: 'xlsx-mail', from: month, to: month, branch: 'all' } });
      return true;
    });
  }
}

/**
 * The scheduler. PeriodicJob passes are synchronous; building a workbook is not, so a pass starts the
 * asynchronous work unless it is still running, and stop() waits for it (the database closes after).
 */
export class MonthlyStatsReportJob extends PeriodicJob {
  private inFlight: Promise<void> | null = null;

  constructor(reports: MonthlyStatsReports, logger: Logger) {
    super(
      'monthly statistics reports',
      () => {
        this.inFlight ??= reports
          .sendDue()
          .then((n) => {
            if (n > 0) logger.info({ sent: n }, 'monthly statistics reports: queued');
          })
          .catch((err: unknown) => logger.error({ err }, 'monthly statistics reports: pass failed'))
          .finally(() => {
            this.inFlight = null;
          });
        return 0;
      },
      logger,
    );
  }

  override start(intervalMs = 30 * 60_000): void {
    super.start(intervalMs);
  }

  /** Stops the timer and waits for a pass that is still building or writing. */
  async stopAndWait(): Promise<void> {
    this.stop();
    await this.inFlight;
  }
}
