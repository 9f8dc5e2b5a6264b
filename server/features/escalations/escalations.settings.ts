import type { Db } from '../../db/open';
import type { Clock } from '../../lib/clock';
import type { Actor } from '../../lib/actor';
import { assertActorMay } from '../../policy/policy';
import type { AuditService } from '../audit/audit.service';
import { DEFAULT_ESCALATION_SETTINGS, helplineContact, type EscalationSettings, type HelplineContact, type HelplineHours } from './escalations.model';

const KEY = 'escalations';
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** What an admin may change; the default wait stays a code constant. */
export type EditableEscalationSettings = Pick<EscalationSettings, 'maxChatsPerExpert' | 'awayAfterMinutes' | 'helplinePhone' | 'helplineHours'>;

function validHours(v: unknown): v is HelplineHours[] {
  return (
    Array.isArray(v) &&
    v.every((h: unknown) => {
      const r = h as Partial<HelplineHours> | null;
      return !!r && Number.isInteger(r.weekday) && r.weekday! >= 1 && r.weekday! <= 7 && TIME.test(String(r.opens)) && TIME.test(String(r.closes)) && r.opens! < r.closes!;
    })
  );
}

function intIn(v: unknown, min: number, max: number): v is number {
  return Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
}

/** The Digihulplijn settings as one JSON row of `settings` (key 'escalations'); a bad stored part falls back to its default. */
export class EscalationSettingsRepository {
  private readonly readStmt;
  private readonly writeStmt;

  constructor(private readonly db: Db) {
    this.readStmt = db.prepare(`SELECT value FROM settings WHERE key = ?`).pluck();
    this.writeStmt = db.prepare(
      `INSERT INTO settings (key, value, updated_at) VALUES (@key, @value, @now)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    );
  }

  read(): EscalationSettings {
    const out: EscalationSettings = { ...DEFAULT_ESCALATION_SETTINGS, helplineHours: DEFAULT_ESCALATION_SETTINGS.helplineHours.map((h) => ({ ...h })) };
    const raw = this.readStmt.get(KEY) as string | undefined;
    if (!raw) return out;
    let saved: Partial<EscalationSettings>;
    try {
      saved = JSON.parse(raw) as Partial<EscalationSettings>;
    } catch {
      return out;
    }
    if (intIn(saved.maxChatsPerExpert, 1, 10)) out.maxChatsPerExpert = saved.maxChatsPerExpert;
    if (intIn(saved.awayAfterMinutes, 1, 120)) out.awayAfterMinutes = saved.awayAfterMinutes;
    if (typeof saved.helplinePhone === 'string' && saved.helplinePhone) out.helplinePhone = saved.helplinePhone;
    if (validHours(saved.helplineHours)) out.helplineHours = saved.helplineHours.map(({ weekday, opens, closes }) => ({ weekday, opens, closes }));
    return out;
  }

  write(value: EditableEscalationSettings, now: string): void {
    const { maxChatsPerExpert, awayAfterMinutes, helplinePhone, helplineHours } = value;
    this.writeStmt.run({ key: KEY, value: JSON.stringify({ maxChatsPerExpert, awayAfterMinutes, helplinePhone, helplineHours }), now });
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}

/**
 * Reads (cached in memory, refreshed on save) and changes the Digihulplijn settings. Reading is for everyone.
 * The cache is per process and dropped on every save here; only this service writes the row (no script does).
 */
export class EscalationSettingsService {
  private cached: EscalationSettings | null = null;
  private cachedContact: HelplineContact | null = null;

  constructor(
    private readonly repo: EscalationSettingsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    /** Told after every save, for caches that hold a rendered number (the public page cache). */
    private readonly onSaved: () => void = () => {},
  ) {}

  /** The settings in force. */
  current(): EscalationSettings {
    this.cached ??= this.repo.read();
    return this.cached;
  }

  /** The Digihulplijn number every page footer, the start page, the booking pages and every e-mail print. */
  helpline(): HelplineContact {
    this.cachedContact ??= helplineContact(this.current().helplinePhone);
    return this.cachedContact;
  }

  forEdit(actor: Actor): EscalationSettings {
    assertActorMay(actor, 'escalations.configure');
    return this.repo.read();
  }

  /** Saves the new settings; the audit entry holds each changed value old → new (no personal data). */
  save(actor: Actor, next: EditableEscalationSettings): void {
    assertActorMay(actor, 'escalations.configure');
    const now = this.clock.now().toISOString();
    try {
      this.repo.transaction(() => {
        const old = this.repo.read();
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        for (const k of ['helplinePhone', 'maxChatsPerExpert', 'awayAfterMinutes', 'helplineHours'] as const) {
          if (JSON.stringify(old[k]) !== JSON.stringify(next[k])) changes[k] = { from: old[k], to: next[k] };
        }
        if (Object.keys(changes).length === 0) return;
        this.repo.write(next, now);
        this.audit.record(actor, { action: 'escalations.settings_changed', subjectType: 'settings', subjectId: 'escalations', details: { changes } });
      });
    } finally {
      this.cached = null;
      this.cachedContact = null;
      this.onSaved();
    }
  }
}
