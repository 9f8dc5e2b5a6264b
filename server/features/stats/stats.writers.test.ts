import ExcelJS from 'exceljs';
import type { StatsReport } from './stats.report';
import { neutraliseCell, csvText } from './stats.cells';
import { reportToCsv, CSV_BOM } from './stats.csv';
import { reportXlsxBuffer, sheetNames } from './stats.xlsx';
import { parseCsv } from '../../../tests/helpers/csv';

const DANGEROUS = ['=1+2', '+31 6', '-2+3', '@SUM(A1)', '\tTab', '\rCR', '   =HYPERLINK("x")'];

function fixture(): StatsReport {
  return {
    query: { from: '2026-10', to: '2026-12', branchId: null },
    scope: { fromDate: '2026-10-01', toDate: '2026-12-31', previousFromDate: '2026-07-01', previousToDate: '2026-09-30', branchIds: [1] },
    generatedAt: '2027-01-04T08:00:00.000Z',
    lang: 'nl',
    sections: [
      {
        id: 'questions',
        title: 'Vragen: per type/organisatie [alles] en nog veel meer tekst',
        tables: [
          {
            id: 'by-partner',
            title: 'Doorverwijzing',
            columns: [
              { key: 'label', label: 'Partner', kind: 'text', userText: true },
              { key: 'count', label: 'Aantal', kind: 'count' },
              { key: 'share', label: 'Aandeel', kind: 'percent' },
              { key: 'avg', label: 'Gemiddeld', kind: 'decimal' },
              { key: 'day', label: 'Datum', kind: 'date' },
            ],
            rows: [
              { label: 'Juridisch Loket; "Den Haag"', count: 12, share: 0.456, avg: 3.25, day: '2026-10-05' },
              ...DANGEROUS.map((label, i) => ({ label, count: i, share: 0, avg: -1.5, day: null })),
            ],
          },
        ],
      },
      { id: 'survey', title: 'Vragen: per type/organisatie [alles] en nog veel meer tekst', tables: [] },
    ],
  };
}


describe('neutraliseCell', () => {
  it.each(DANGEROUS)('makes %j text', (value) => {
    expect(neutraliseCell(value)).toBe(`'${value}`);
  });
  it('leaves ordinary text and inner signs alone', () => {
    expect(neutraliseCell('Gemeente')).toBe('Gemeente');
    expect(neutraliseCell('A = B')).toBe('A = B');
    expect(neutraliseCell('')).toBe('');
  });
  it('formats numbers Dutch and never neutralises them', () => {
    expect(csvText(-3, 'count')).toBe('-3');
    expect(csvText(2.5, 'decimal')).toBe('2,5');
    expect(csvText(0.125, 'percent')).toBe('12,5%');
    expect(csvText('2026-01-31', 'date')).toBe('31-01-2026');
  });
});

describe('reportToCsv', () => {
  const csv = reportToCsv(fixture(), { period: 'Periode', branches: 'Vestigingen', branchNames: 'Alle' });

  it('starts with a BOM, uses CRLF and parses into the right columns with ;', () => {
    expect(csv.startsWith(CSV_BOM)).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/(?<!")\n/);
    const rows = parseCsv(csv.slice(1));
    expect(rows[0]).toEqual(['Periode', '01-10-2026 - 31-12-2026']);
    const header = rows.findIndex((r) => r[0] === 'Partner');
    expect(rows[header - 1]).toEqual(['Doorverwijzing']);
    expect(rows[header]).toEqual(['Partner', 'Aantal', 'Aandeel', 'Gemiddeld', 'Datum']);
    expect(rows[header + 1]).toEqual(['Juridisch Loket; "Den Haag"', '12', '45,6%', '3,25', '05-10-2026']);
    const labels = rows.slice(header + 2, header + 2 + DANGEROUS.length).map((r) => r[0]);
    expect(labels).toEqual(DANGEROUS.map((d) => `'${d}`));
    expect(rows[header + 2]).toEqual(["'=1+2", '0', '0%', '-1,5', '']);
  });
});

describe('writeReportXlsx', () => {
  it('reads back with exceljs: sheets, values, number formats and no formula cells', async () => {
    const buffer = await reportXlsxBuffer(fixture());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buffer as unknown as ArrayBuffer);
    const names = wb.worksheets.map((w) => w.name);
    expect(names).toHaveLength(2);
    expect(names.every((n) => n.length <= 31)).toBe(true);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(2);
    const sheet = wb.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe('Doorverwijzing');
    expect(sheet.getRow(2).values).toEqual([undefined, 'Partner', 'Aantal', 'Aandeel', 'Gemiddeld', 'Datum']);
    const first = sheet.getRow(3);
    expect(first.getCell(2).value).toBe(12);
    expect(first.getCell(3).value).toBeCloseTo(0.456);
    expect(first.getCell(3).numFmt).toBe('0%');
    expect(first.getCell(4).numFmt).toBe('0.0');
    expect((first.getCell(5).value as Date).toISOString()).toBe('2026-10-05T00:00:00.000Z');
    DANGEROUS.forEach((d, i) => {
      const cell = sheet.getRow(4 + i).getCell(1);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      // XML readers turn a raw CR into LF; the apostrophe in front is what matters.
      expect(String(cell.value)).toBe(`'${d}`.replace(/\r\n?/g, '\n'));
    });
    sheet.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));
    expect((sheet.getColumn(1).width ?? 0) >= 10).toBe(true);
  });

  it('names sheets within 31 characters, without forbidden signs, unique', () => {
    expect(sheetNames(['a/b', 'A/B', 'x'.repeat(40), 'x'.repeat(40)])).toEqual(['a b', 'A B (2)', 'x'.repeat(31), `${'x'.repeat(27)} (2)`]);
  });
});
