import crypto from 'node:crypto';
import type { Config } from '../../config';
import { readCookie } from '../../http/cookies';

/**
 * Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"). A browser in which an
 * account signed in before carries a signed token for that account. Sign-ins from such a browser are
 * throttled on their own counter, so someone on the same network (a library's shared address) cannot lock
 * staff out by failing on purpose: the address-wide and account-wide locks do not apply to them.
 */
export const DEVICE_COOKIE = 'dichterbij.device';
/** A shared desk PC is used by a few people; each keeps their entry. */
const MAX_ENTRIES = 5;
const MAX_AGE_MS = 180 * 24 * 3600_000;
const ENTRY = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

/**
 * HMAC-SHA256 of a cookie's payload under a key of its own per purpose, derived from the session secret, so
 * a device signature is never a session signature (nor a desk PC's, server/features/desk-pcs).
 */
export function cookieSignature(secret: string, purpose: string, payload: string): string {
  const key = crypto.createHmac('sha256', secret).update(purpose).digest();
  return crypto.createHmac('sha256', key).update(payload).digest('base64url');
}

function signature(secret: string, nonce: string, email: string): string {
  return cookieSignature(secret, 'device-cookie', `${nonce}|${email.trim().toLowerCase()}`);
}

/** A cookie for the route to set; this file stays free of Express (see eslint.config.js). */
export interface CookieToSet {
  name: string;
  value: string;
  options: { httpOnly: boolean; sameSite: 'lax'; secure: boolean; maxAge: number; path: string };
}

function entriesOf(cookieHeader: string | undefined): string[] {
  const raw = readCookie(cookieHeader, DEVICE_COOKIE) ?? '';
  return raw.split('~').filter((e) => ENTRY.test(e)).slice(0, MAX_ENTRIES);
}

/** The device id (the token's nonce) when this browser holds a valid token for the account, else null. */
export function trustedDevice(cookieHeader: string | undefined, config: Config, email: string): string | null {
  for (const entry of entriesOf(cookieHeader)) {
    const [, nonce, sig] = ENTRY.exec(entry) as RegExpExecArray;
    const expected = signature(config.sessionSecret, nonce, email);
    if (crypto.timingSafeEqual(Buffer.from(sig), Buffer.from(expected))) return nonce;
  }
  return null;
}

/** After a successful sign-in: the cookie that gives (or keeps) this browser a token for the account, newest first. */
export function deviceCookieFor(cookieHeader: string | undefined, config: Config, email: string): CookieToSet {
  const known = trustedDevice(cookieHeader, config, email);
  const nonce = known ?? crypto.randomBytes(16).toString('base64url');
  const entry = `${nonce}.${signature(config.sessionSecret, nonce, email)}`;
  const others = entriesOf(cookieHeader).filter((e) => e !== entry);
  return {
    name: DEVICE_COOKIE,
    value: [entry, ...others].slice(0, MAX_ENTRIES).join('~'),
    options: { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, maxAge: MAX_AGE_MS, path: '/login' },
  };
}
