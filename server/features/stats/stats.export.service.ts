import type { Writable } from 'node:stream';
import type { Actor } from '../../lib/actor';
import type { Translations } from '../../lib/i18n';
import { NotFoundError } from '../../http/errors';
import { assertActorMay, branchIdsFor } from '../../policy/policy';
import type { AuditService } from '../audit/audit.service';
import type { StatsQuery, StatsReport } from './stats.report';
import type { StatsExportRepository } from './stats.export.repository';
import { reportToCsv } from './stats.csv';
import { writeReportXlsx } from './stats.xlsx';
import { IdoExport } from './stats.ido-export';
import { periodDates } from './stats.query';

export type ExportFormat = 'csv' | 'xlsx' | 'ido';

/** What the exports need of the statistics service (StatsService.report). */
export interface StatsReportSource {
  report(actor: Actor, query: StatsQuery, lang: string): StatsReport | Promise<StatsReport>;
}

/** A clear, ASCII file name: dichterbij-statistieken-2026-10-2026-12-alle-vestigingen.csv */
export function exportFileName(format: ExportFormat, query: StatsQuery): string {
  const what = format === 'ido' ? 'ido-registratie' : 'statistieken';
  const period = query.from === query.to ? query.from : `${query.from}-tot-${query.to}`;
  const scope = query.branchId === null ? 'alle-vestigingen' : `vestiging-${query.branchId}`;
  return `dichterbij-${what}-${period}-${scope}.${format === 'xlsx' ? 'xlsx' : 'csv'}`;
}

/**
 * The three exports of /stats and the command line. Each asks the policy (stats.read in the branch, or in
 * every branch of the person for "all") before it reads anything, and writes `stats.exported` to the audit
 * log before the first byte goes out, so an interrupted download is still on record. No export carries
 * personal data: the report holds counts only, the per-question export only taxonomy fields.
 */
export class StatsExportService {
  private readonly ido: IdoExport;

  constructor(
    private readonly reports: StatsReportSource,
    private readonly repo: StatsExportRepository,
    private readonly audit: AuditService,
    private readonly translations: Translations,
  ) {
    this.ido = new IdoExport(repo);
  }

  /** The branch ids a query covers for this actor, after asking the policy. */
  branchIdsOf(actor: Actor, query: StatsQuery): number[] {
    assertActorMay(actor, 'stats.read', query.branchId ?? undefined);
    const all = this.repo.branches().map((b) => b.id);
    if (query.branchId !== null) {
      if (!all.includes(query.branchId)) throw new NotFoundError();
      return [query.branchId];
    }
    const allowed = actor.system || !actor.user ? null : branchIdsFor(actor.user, 'stats.read');
    return allowed === null ? all : all.filter((id) => allowed.includes(id));
  }

  private record(actor: Actor, format: ExportFormat, query: StatsQuery): void {
    this.audit.record(actor, {
      action: 'stats.exported',
      subjectType: 'stats',
      branchId: query.branchId,
      details: { format, from: query.from, to: query.to, branch: query.branchId ?? 'all' },
    });
  }

  private branchNames(ids: readonly number[]): string {
    const wanted = new Set(ids);
    return this.repo
      .branches()
      .filter((b) => wanted.has(b.id))
      .map((b) => b.name)
      .join(', ');
  }

  async csv(actor: Actor, query: StatsQuery, lang: string): Promise<string> {
    this.branchIdsOf(actor, query);
    const report = await this.reports.report(actor, query, lang);
    this.record(actor, 'csv', query);
    const t = this.translations.translator(lang);
    return reportToCsv(report, { period: t('stats-export.period'), branches: t('stats-export.branches'), branchNames: this.branchNames(report.scope.branchIds) });
  }

  /** Builds the report (policy asked, audited); the caller then streams it with `writeXlsx`. */
  async xlsxReport(actor: Actor, query: StatsQuery, lang: string): Promise<StatsReport> {
    this.branchIdsOf(actor, query);
    const report = await this.reports.report(actor, query, lang);
    this.record(actor, 'xlsx', query);
    return report;
  }

  writeXlsx(report: StatsReport, out: Writable): Promise<void> {
    return writeReportXlsx(report, out);
  }

  /** Checks and audits the per-question export, then returns the function that streams it. */
  idoExport(actor: Actor, query: StatsQuery, lang: string): (out: Writable) => Promise<number> {
    const branchIds = this.branchIdsOf(actor, query);
    this.record(actor, 'ido', query);
    const { fromDate, toDate } = periodDates(query);
    const scope = { branchIds, fromDate, toDate };
    const t = this.translations.translator(lang);
    return (out) => this.ido.write(scope, lang, t, out);
  }
}
