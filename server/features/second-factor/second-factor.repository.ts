import type { Db } from '../../db/open';

export interface SecondFactorRow {
  userId: number;
  secret: string;
  enrolledAt: string;
  lastUsedStep: number | null;
}

/** The second factor's tables (db/migrations/0013_second_factor.sql). */
export class SecondFactorRepository {
  private readonly byUser;
  private readonly upsert;
  private readonly useStep;
  private readonly remove;
  private readonly removeCodes;
  private readonly addCode;
  private readonly useCode;
  private readonly unusedCodes;
  private readonly getSettings;
  private readonly setSettings;

  constructor(private readonly db: Db) {
    this.byUser = db.prepare(
      'SELECT user_id AS userId, secret, enrolled_at AS enrolledAt, last_used_step AS lastUsedStep FROM second_factors WHERE user_id = ?',
    );
    this.upsert = db.prepare(
      `INSERT INTO second_factors (user_id, secret, enrolled_at, last_used_step) VALUES (@userId, @secret, @enrolledAt, @lastUsedStep)
       ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, enrolled_at = excluded.enrolled_at, last_used_step = excluded.last_used_step`,
    );
    // Only a later step wins, so two requests racing with the same code cannot both be accepted.
    this.useStep = db.prepare(
      'UPDATE second_factors SET last_used_step = @step WHERE user_id = @userId AND (last_used_step IS NULL OR last_used_step < @step)',
    );
    this.remove = db.prepare('DELETE FROM second_factors WHERE user_id = ?');
    this.removeCodes = db.prepare('DELETE FROM second_factor_recovery_codes WHERE user_id = ?');
    this.addCode = db.prepare('INSERT INTO second_factor_recovery_codes (user_id, code_hash) VALUES (?, ?)');
    this.useCode = db.prepare(
      'UPDATE second_factor_recovery_codes SET used_at = @now WHERE user_id = @userId AND code_hash = @hash AND used_at IS NULL',
    );
    this.unusedCodes = db.prepare('SELECT count(*) FROM second_factor_recovery_codes WHERE user_id = ? AND used_at IS NULL').pluck();
    this.getSettings = db.prepare('SELECT coordinators_required FROM second_factor_settings WHERE id = 1').pluck();
    this.setSettings = db.prepare('UPDATE second_factor_settings SET coordinators_required = @required, updated_at = @now WHERE id = 1');
  }

  find(userId: number): SecondFactorRow | null {
    return (this.byUser.get(userId) as SecondFactorRow | undefined) ?? null;
  }

  /** Enrols or replaces: the new secret, new recovery codes, the old ones gone. */
  save(row: SecondFactorRow, codeHashes: string[]): void {
    this.upsert.run(row);
    this.removeCodes.run(row.userId);
    for (const hash of codeHashes) this.addCode.run(row.userId, hash);
  }

  /** True when `step` is later than any step accepted before (and is now recorded). */
  claimStep(userId: number, step: number): boolean {
    return this.useStep.run({ userId, step }).changes === 1;
  }

  /** True when the recovery code was there and unused (and is now used). */
  claimRecoveryCode(userId: number, hash: string, now: string): boolean {
    return this.useCode.run({ userId, hash, now }).changes === 1;
  }

  unusedRecoveryCodes(userId: number): number {
    return this.unusedCodes.get(userId) as number;
  }

  delete(userId: number): boolean {
    this.removeCodes.run(userId);
    return this.remove.run(userId).changes === 1;
  }

  coordinatorsRequired(): boolean {
    return this.getSettings.get() !== 0;
  }

  setCoordinatorsRequired(required: boolean, now: string): void {
    this.setSettings.run({ required: required ? 1 : 0, now });
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
