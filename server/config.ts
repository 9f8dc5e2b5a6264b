import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT_DIR } from './paths';

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly databasePath: string;
  readonly dataDir: string;
  readonly baseUrl: string;
  readonly secureCookies: boolean;
  readonly smtpUrl: string | null;
  readonly mailFrom: string;
  readonly outboxDir: string;
  readonly sessionSecret: string;
  /** Staff sessions end after this many minutes without a request (a shared kiosk). */
  readonly staffIdleMinutes: number;
  /** Any session ends this many hours after sign-in, active or not. */
  readonly sessionAbsoluteHours: number;
  /** Public kiosk pages (check-in, booking on a kiosk) go back to the start after this many seconds without input. */
  readonly kioskIdleSeconds: number;
  /** Number of reverse proxies in front of the app (Express `trust proxy`). */
  readonly trustProxy: number;
  readonly logLevel: string;
  readonly bodyLimit: string;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function readInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  return value;
}

/**
 * The secret is generated once and kept beside the database, so the embedded mode needs no setup and
 * sessions survive a restart. In production it must be given explicitly.
 */
function sessionSecretFromDataDir(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = crypto.randomBytes(32).toString('base64url');
  fs.writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/** The only reader of process.env. */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const production = nodeEnv === 'production';
  const missing: string[] = [];
  if (production) {
    for (const name of ['BASE_URL', 'SESSION_SECRET', 'MAIL_FROM']) if (!env[name]) missing.push(name);
  }
  if (missing.length > 0) {
    throw new ConfigError(`Missing required settings for production: ${missing.join(', ')}. See README.md, "Configuration".`);
  }
  const port = readInt(env, 'PORT', 3000);
  const databasePath = path.resolve(ROOT_DIR, env.DATABASE_PATH || './data/dichterbij.sqlite');
  const dataDir = path.dirname(databasePath);
  const baseUrl = (env.BASE_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseUrl)) throw new ConfigError(`BASE_URL must start with http:// or https://, got "${baseUrl}"`);
  if (production && env.SESSION_SECRET && env.SESSION_SECRET.length < 32) {
    throw new ConfigError('SESSION_SECRET must be at least 32 characters long');
  }
  const config: Config = {
    env: nodeEnv,
    port,
    host: env.HOST || (production ? '0.0.0.0' : '127.0.0.1'),
    databasePath,
    dataDir,
    baseUrl,
    secureCookies: baseUrl.startsWith('https://'),
    smtpUrl: env.SMTP_URL || null,
    mailFrom: env.MAIL_FROM || 'Dichterbij <noreply@localhost>',
    outboxDir: path.join(dataDir, 'outbox'),
    sessionSecret: env.SESSION_SECRET || sessionSecretFromDataDir(dataDir),
    staffIdleMinutes: readInt(env, 'STAFF_IDLE_MINUTES', 15),
    sessionAbsoluteHours: readInt(env, 'SESSION_ABSOLUTE_HOURS', 10),
    kioskIdleSeconds: Math.max(1, readInt(env, 'KIOSK_IDLE_SECONDS', 60)),
    trustProxy: readInt(env, 'TRUST_PROXY', 0),
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info'),
    bodyLimit: '64kb',
  };
  return Object.freeze(config);
}
