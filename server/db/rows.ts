/**
 * Reading rows through a repository's row mapper. Statements select `col AS camelName`, so a row already has
 * the model's names; a mapper only converts what SQLite cannot hold (0/1 to a boolean, JSON text to a value).
 */

/** The row of a `get` (undefined when there is none) through `map`, or null. */
export function oneRow<R, T>(row: unknown, map: (r: R) => T): T | null {
  return row === undefined ? null : map(row as R);
}

/** The rows of an `all` through `map`. */
export function allRows<R, T>(rows: unknown[], map: (r: R) => T): T[] {
  return (rows as R[]).map(map);
}
