import type { StatsCell, StatsCellKind } from './stats.report';

/**
 * Formats report cells for the page in its language. Numbers stay numbers in the report; only the screen
 * (and each export, in its own way) turns them into text. A change is shown with its sign, a change of a
 * share in percentage points.
 */
export interface CellFormatter {
  (value: StatsCell, kind: StatsCellKind, options?: { signed?: boolean }): string;
}

const DASH = '–';

export function cellFormatter(lang: string, labels: { points: string; minutes: string }): CellFormatter {
  const locale = lang === 'en' ? 'en-GB' : 'nl-NL';
  const whole = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const wholeSigned = new Intl.NumberFormat(locale, { maximumFractionDigits: 0, signDisplay: 'exceptZero' });
  const decimal = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 2 });
  const decimalSigned = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 2, signDisplay: 'exceptZero' });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 0, maximumFractionDigits: 1 });
  const pointsSigned = new Intl.NumberFormat(locale, { maximumFractionDigits: 1, signDisplay: 'exceptZero' });
  return (value, kind, options = {}) => {
    if (value === null || value === '') return DASH;
    if (typeof value === 'string') return kind === 'date' ? value.split('-').reverse().join('-') : value;
    const signed = options.signed === true;
    switch (kind) {
      case 'count':
        return (signed ? wholeSigned : whole).format(value);
      case 'decimal':
        return (signed ? decimalSigned : decimal).format(value);
      case 'minutes':
        return labels.minutes.replace('{value}', (signed ? decimalSigned : decimal).format(value));
      case 'percent':
        return signed ? labels.points.replace('{value}', pointsSigned.format(value * 100)) : percent.format(value);
      default:
        return String(value);
    }
  };
}
