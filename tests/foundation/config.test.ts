import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, ConfigError } from '../../server/config';
import { ROOT_DIR } from '../../server/paths';
import { tempDir } from '../helpers/test-app';

describe('configuration', () => {
  test('production without BASE_URL, SESSION_SECRET and MAIL_FROM stops with a clear message naming them', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_PATH: path.join(tempDir(), 'x.sqlite') })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      'Missing required settings for production: BASE_URL, SESSION_SECRET, MAIL_FROM. See README.md, "Configuration".',
    );
    expect(() => loadConfig({ NODE_ENV: 'production', BASE_URL: 'https://ido.bieb.nl', MAIL_FROM: 'a@b.nl' })).toThrow(/SESSION_SECRET/);
  });

  test('production refuses a short session secret and a BASE_URL without scheme', () => {
    const base = { NODE_ENV: 'production', MAIL_FROM: 'IDO <ido@bieb.nl>' };
    expect(() => loadConfig({ ...base, BASE_URL: 'https://ido.bieb.nl', SESSION_SECRET: 'short' })).toThrow(/at least 32/);
    expect(() => loadConfig({ ...base, BASE_URL: 'ido.bieb.nl', SESSION_SECRET: 'x'.repeat(40) })).toThrow(/BASE_URL must start/);
  });

  test('a complete production config: https means secure cookies, listens on all interfaces', () => {
    const dir = tempDir();
    const config = loadConfig({
      NODE_ENV: 'production',
      BASE_URL: 'https://ido.bieb.nl/',
      SESSION_SECRET: 'x'.repeat(40),
      MAIL_FROM: 'IDO <ido@bieb.nl>',
      DATABASE_PATH: path.join(dir, 'prod.sqlite'),
      TRUST_PROXY: '1',
      SMTP_URL: 'smtp://mail.bieb.nl:25',
    });
    expect(config).toMatchObject({
      env: 'production',
      baseUrl: 'https://ido.bieb.nl',
      secureCookies: true,
      host: '0.0.0.0',
      trustProxy: 1,
      smtpUrl: 'smtp://mail.bieb.nl:25',
      sessionSecret: 'x'.repeat(40),
    });
    expect(Object.isFrozen(config)).toBe(true);
    // No secret file is written when the secret comes from the environment.
    expect(fs.existsSync(path.join(dir, 'session-secret'))).toBe(false);
  });

  test('embedded defaults: SQLite in ./data, outbox files, localhost, 15-minute staff idle timeout', () => {
    const dir = tempDir();
    const config = loadConfig({ DATABASE_PATH: path.join(dir, 'dichterbij.sqlite') });
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      host: '127.0.0.1',
      baseUrl: 'http://localhost:3000',
      secureCookies: false,
      smtpUrl: null,
      outboxDir: path.join(dir, 'outbox'),
      staffIdleMinutes: 15,
      sessionAbsoluteHours: 10,
      trustProxy: 0,
      logLevel: 'info',
    });
    // The default database location (a given secret keeps loadConfig from writing into ./data here).
    expect(loadConfig({ SESSION_SECRET: 'given' }).databasePath).toBe(path.join(ROOT_DIR, 'data', 'dichterbij.sqlite'));
  });

  test('the session secret is generated once, kept in the data folder (owner-only) and reused', () => {
    const dir = tempDir();
    const env = { DATABASE_PATH: path.join(dir, 'db.sqlite') };
    const first = loadConfig(env).sessionSecret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    const file = path.join(dir, 'session-secret');
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(first);
    expect(fs.statSync(file).mode & 0o077).toBe(0);
    expect(loadConfig(env).sessionSecret).toBe(first);
    const other = loadConfig({ DATABASE_PATH: path.join(tempDir(), 'db.sqlite') }).sessionSecret;
    expect(other).not.toBe(first);
  });

  test('numbers are checked', () => {
    const DATABASE_PATH = path.join(tempDir(), 'db.sqlite');
    expect(() => loadConfig({ DATABASE_PATH, PORT: 'eighty' })).toThrow('PORT must be a whole number, got "eighty"');
    expect(() => loadConfig({ DATABASE_PATH, STAFF_IDLE_MINUTES: '-5' })).toThrow(/STAFF_IDLE_MINUTES/);
    expect(loadConfig({ DATABASE_PATH, STAFF_IDLE_MINUTES: '30', PORT: '8080' })).toMatchObject({ staffIdleMinutes: 30, port: 8080 });
    expect(loadConfig({ DATABASE_PATH }).kioskIdleSeconds).toBe(60);
    expect(loadConfig({ DATABASE_PATH, KIOSK_IDLE_SECONDS: '20' }).kioskIdleSeconds).toBe(20);
    expect(() => loadConfig({ DATABASE_PATH, KIOSK_IDLE_SECONDS: 'soon' })).toThrow(/KIOSK_IDLE_SECONDS/);
  });
});
