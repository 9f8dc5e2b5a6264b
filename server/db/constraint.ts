/**
 * The code and message of a refused SQLite write, or null for any other error. Duck-typed on purpose: the
 * driver's SqliteError is not always `instanceof Error` of the caller's realm (seen under jest's module
 * sandbox), and a missed match turns a friendly 409 into a 500.
 */
export function sqliteConstraint(err: unknown): { code: string; message: string } | null {
  if (typeof err !== 'object' || err === null) return null;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || typeof message !== 'string' || !code.startsWith('SQLITE_CONSTRAINT')) return null;
  return { code, message };
}
