import type { Writable } from 'node:stream';
import type { Translate } from '../../lib/i18n';
import type { StatsExportRepository, IdoQuestionRow } from './stats.export.repository';
import { CSV_BOM, CSV_EOL, CSV_SEPARATOR, csvField, csvLine } from './stats.csv';
import { neutraliseCell } from './stats.cells';

/** Rows per batch: big enough that the per-batch query is noise, small enough that memory stays flat. */
const BATCH = 2_000;

/** The fields of the national IDO registration, in its order. */
export const IDO_COLUMNS = ['date', 'location', 'channel', 'type', 'organisation', 'topic', 'digid_detail', 'help', 'referral', 'duration', 'outcome'] as const;

export interface IdoScope {
  branchIds: number[];
  fromDate: string;
  toDate: string;
}

/** Resolves when the stream wants more (or is gone: a client that hung up must not keep us waiting). */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}

/**
 * The per-question export in the national registration's fields, one row per registered question, streamed:
 * batches of ids are read (stmt.iterate()), turned into CSV text and written, waiting for the stream to drain
 * between batches. Memory stays flat however long the period. Labels come from the taxonomy (Dutch by
 * default); location and referral partner are names people typed, so they are neutralised.
 */
export class IdoExport {
  constructor(private readonly repo: StatsExportRepository) {}

  async write(scope: IdoScope, lang: string, t: Translate, out: Writable): Promise<number> {
    // Every label is neutralised and CSV-quoted once, here: a row is then only string concatenation.
    const cell = (text: string): string => csvField(neutraliseCell(text));
    const labels = new Map<number, string>();
    const digidTopics = new Set<number>();
    for (const entry of this.repo.taxonomy()) {
      labels.set(entry.id, cell(lang === 'en' ? entry.labelEn : entry.labelNl));
      if (entry.kind === 'topic' && entry.parentKey === 'digid') digidTopics.add(entry.id);
    }
    const partners = new Map(this.repo.partners().map((p) => [p.id, cell(p.name)]));
    const wanted = new Set(scope.branchIds);
    const branches = this.repo.branches().filter((b) => wanted.has(b.id));
    const label = (id: number | null): string => (id === null ? '' : (labels.get(id) ?? ''));
    const line = (location: string, q: IdoQuestionRow): string => {
      const topic = label(q.topicId);
      const date = `${q.localDate.slice(8, 10)}-${q.localDate.slice(5, 7)}-${q.localDate.slice(0, 4)}`;
      return [
        date,
        location,
        label(q.channelId),
        label(q.typeId),
        label(q.organisationId),
        topic,
        q.topicId !== null && digidTopics.has(q.topicId) ? topic : '',
        label(q.helpId),
        q.partnerId === null ? '' : (partners.get(q.partnerId) ?? ''),
        label(q.durationId),
        label(q.outcomeId),
      ].join(CSV_SEPARATOR) + CSV_EOL;
    };

    out.write(CSV_BOM + csvLine(IDO_COLUMNS.map((c) => t(`stats-export.ido.${c}`))));
    let count = 0;
    for (const branch of branches) {
      const location = cell(branch.name);
      let afterDate = scope.fromDate;
      let afterId = 0;
      for (;;) {
        let chunk = '';
        let n = 0;
        for (const q of this.repo.idoRows(branch.id, afterDate, afterId, scope.toDate, BATCH)) {
          chunk += line(location, q);
          afterDate = q.localDate;
          afterId = q.id;
          n++;
        }
        count += n;
        if (n > 0 && !out.write(chunk)) await drained(out);
        if (out.destroyed) return count;
        if (n < BATCH) break;
      }
    }
    return count;
  }
}
