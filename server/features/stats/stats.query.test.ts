import { parseStatsQuery, periodDates } from './stats.query';

const TODAY = '2026-10-05';

describe('parseStatsQuery', () => {
  it('defaults to the last complete month and all branches', () => {
    expect(parseStatsQuery({}, TODAY)).toEqual({ ok: true, query: { from: '2026-09', to: '2026-09', branchId: null } });
    expect(parseStatsQuery({}, '2026-01-01')).toEqual({ ok: true, query: { from: '2025-12', to: '2025-12', branchId: null } });
  });

  it('reads a month, a quarter, a year, a range, and from/to alone', () => {
    expect(parseStatsQuery({ period: 'month', month: '2026-02', branch: '7' }, TODAY)).toEqual({ ok: true, query: { from: '2026-02', to: '2026-02', branchId: 7 } });
    expect(parseStatsQuery({ period: 'quarter', quarter: '2025-Q4' }, TODAY)).toEqual({ ok: true, query: { from: '2025-10', to: '2025-12', branchId: null } });
    expect(parseStatsQuery({ period: 'year', year: '2025', branch: 'all' }, TODAY)).toEqual({ ok: true, query: { from: '2025-01', to: '2025-12', branchId: null } });
    expect(parseStatsQuery({ period: 'range', from: '2024-11', to: '2025-02' }, TODAY)).toEqual({ ok: true, query: { from: '2024-11', to: '2025-02', branchId: null } });
    expect(parseStatsQuery({ from: '2026-10', to: '2026-12', branch: '3' }, TODAY)).toEqual({ ok: true, query: { from: '2026-10', to: '2026-12', branchId: 3 } });
    expect(parseStatsQuery({ from: '2026-03' }, TODAY)).toEqual({ ok: true, query: { from: '2026-03', to: '2026-03', branchId: null } });
  });

  it('names the field of every mistake', () => {
    const errors = (input: Record<string, unknown>) => {
      const r = parseStatsQuery(input, TODAY);
      return r.ok ? null : r.errors;
    };
    expect(errors({ period: 'month', month: '2026-13' })).toEqual({ month: 'errors.month_invalid' });
    expect(errors({ period: 'month' })).toEqual({ month: 'errors.month_missing' });
    expect(errors({ period: 'quarter', quarter: '2026-Q5' })).toEqual({ quarter: 'errors.quarter_invalid' });
    expect(errors({ period: 'year', year: '26' })).toEqual({ year: 'errors.year_invalid' });
    expect(errors({ period: 'fortnight' })).toEqual({ period: 'errors.period_invalid' });
    expect(errors({ from: '2026-05', to: '2026-04' })).toEqual({ to: 'errors.to_before_from' });
    expect(errors({ from: '2023-09', to: '2026-09' })).toEqual({ to: 'errors.range_too_long' });
    expect(errors({ from: '2023-10', to: '2026-09' })).toBeNull();
    expect(errors({ branch: '0' })).toEqual({ branch: 'errors.branch_invalid' });
    expect(errors({ branch: ['1', '2'] })).toEqual({ branch: 'errors.branch_invalid' });
    expect(errors({ month: { a: 1 }, period: 'month' })).toEqual({ month: 'errors.month_invalid' });
    expect(errors({ period: 'month', month: '2026-11' })).toEqual({ month: 'errors.in_future' });
    expect(errors({ period: 'month', month: '1999-12' })).toEqual({ month: 'errors.month_invalid' });
  });
});

describe('periodDates', () => {
  it('gives the inclusive dates and the previous period of the same length', () => {
    expect(periodDates({ from: '2026-07', to: '2026-09' })).toEqual({ fromDate: '2026-07-01', toDate: '2026-09-30', previousFromDate: '2026-04-01', previousToDate: '2026-06-30' });
    expect(periodDates({ from: '2024-03', to: '2024-03' })).toEqual({ fromDate: '2024-03-01', toDate: '2024-03-31', previousFromDate: '2024-02-01', previousToDate: '2024-02-29' });
    expect(periodDates({ from: '2026-01', to: '2026-12' })).toEqual({ fromDate: '2026-01-01', toDate: '2026-12-31', previousFromDate: '2025-01-01', previousToDate: '2025-12-31' });
  });
});
