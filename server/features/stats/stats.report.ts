/**
 * The shape every statistics section produces and every consumer reads: the /stats page (tables and SVG
 * charts), the print view, the CSV and XLSX exports and the monthly report e-mail. A section is one file
 * that turns a StatsQuery into a StatsSection; an exporter never knows which sections exist.
 *
 * Numbers stay numbers here (counts, minutes, shares as 0..1); each consumer formats them for its medium
 * (Dutch decimal comma in the CSV, number formats in the XLSX, the page's language on screen).
 */

/** How a column's values are to be read and formatted. */
export type StatsCellKind =
  | 'text' // a label; `userText` marks labels people typed (partner names, category labels): neutralise in exports
  | 'count' // a whole number
  | 'decimal' // a number with one or two decimals (averages)
  | 'percent' // a share from 0 to 1
  | 'minutes' // a duration in minutes
  | 'date'; // a local date YYYY-MM-DD (exports show dd-mm-jjjj)

export interface StatsColumn {
  key: string;
  /** Already translated into the reader's language. */
  label: string;
  kind: StatsCellKind;
  /** The text came from a person (not from code or the fixed taxonomy keys): exports must neutralise it. */
  userText?: boolean;
}

export type StatsCell = string | number | null;

export interface StatsTable {
  /** Stable, also the XLSX sheet name's source and the HTML id: lower-case letters, digits and dashes. */
  id: string;
  /** Translated caption. */
  title: string;
  columns: StatsColumn[];
  rows: Record<string, StatsCell>[];
  /** Optional chart of this table: which text column labels the bars and which number columns are drawn. */
  chart?: { kind: 'bar'; labelKey: string; valueKeys: string[] };
}

export interface StatsSection {
  /** Stable id (questions, appointments, walkins, loans, escalations, survey). */
  id: string;
  /** Translated heading. */
  title: string;
  tables: StatsTable[];
}

/** What was asked for: whole months, inclusive, and one branch or every branch the person may read. */
export interface StatsQuery {
  /** First month, YYYY-MM. */
  from: string;
  /** Last month, YYYY-MM (>= from). */
  to: string;
  /** One branch id, or null for every branch the person may read. */
  branchId: number | null;
}

/** The resolved period and scope a report covers. */
export interface StatsScope {
  /** Inclusive local dates. */
  fromDate: string;
  toDate: string;
  /** The previous period of the same number of months, directly before. */
  previousFromDate: string;
  previousToDate: string;
  /** The branches counted (already checked against the policy). */
  branchIds: number[];
  /** Today's local date when the report was made (for "overdue", "waiting now"); absent = the period's end. */
  today?: string;
}

export interface StatsReport {
  query: StatsQuery;
  scope: StatsScope;
  /** ISO instant. */
  generatedAt: string;
  /** Language the labels are in. */
  lang: string;
  sections: StatsSection[];
}
