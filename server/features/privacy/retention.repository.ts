import type { Db } from '../../db/open';
import { RETENTION_KINDS, RETENTION_RULES, defaultRetention, type RetentionKind, type RetentionSettings } from './retention.model';

const PREFIX = 'retention.';
const CONTACT_KEY = 'privacy.contact';

function isKind(k: string): k is RetentionKind {
  return (RETENTION_KINDS as readonly string[]).includes(k);
}

/** Retention periods and the privacy contact, as rows of `settings` (one key per kind). */
export class RetentionRepository {
  private readonly readAllStmt;
  private readonly readStmt;
  private readonly writeStmt;

  constructor(private readonly db: Db) {
    this.readAllStmt = db.prepare(`SELECT key, value FROM settings WHERE key >= 'retention.' AND key < 'retention/'`);
    this.readStmt = db.prepare(`SELECT value FROM settings WHERE key = ?`).pluck();
    this.writeStmt = db.prepare(
      `INSERT INTO settings (key, value, updated_at) VALUES (@key, @value, @now)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    );
  }

  /** Saved periods over the defaults; a stored value outside today's bounds (edited by hand) is clamped. */
  read(): RetentionSettings {
    const out = defaultRetention();
    for (const row of this.readAllStmt.all() as { key: string; value: string }[]) {
      const kind = row.key.slice(PREFIX.length);
      const days = Number(row.value);
      if (!isKind(kind) || !Number.isInteger(days)) continue;
      const rule = RETENTION_RULES[kind];
      out[kind] = Math.min(rule.maxDays, Math.max(rule.minDays, days));
    }
    return out;
  }

  write(kind: RetentionKind, days: number, now: string): void {
    this.writeStmt.run({ key: PREFIX + kind, value: String(days), now });
  }

  contact(): string {
    return (this.readStmt.get(CONTACT_KEY) as string | undefined) ?? '';
  }

  writeContact(contact: string, now: string): void {
    this.writeStmt.run({ key: CONTACT_KEY, value: contact, now });
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}
