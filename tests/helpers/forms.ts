import { parse as parseCookieHeader } from 'cookie';

/**
 * Reading forms and cookies out of responses, written once for every test (supertest agents, raw
 * http.request and live servers alike).
 */

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The value of a hidden (or any) input by name, or null when the page has none. */
export function fieldValue(html: string, name: string): string | null {
  const m = new RegExp(`name="${escapeRegExp(name)}" value="([^"]*)"`).exec(html);
  return m ? m[1] : null;
}

/** The hidden CSRF token in a page; throws when there is none, so a test never posts an empty token by accident. */
export function csrfFrom(html: string): string {
  const token = fieldValue(html, '_csrf');
  if (!token) throw new Error('no CSRF token on page');
  return token;
}

/** Removes every CSRF token from a page, for comparing two renders of it. */
export function withoutCsrf(html: string): string {
  return html.replace(/name="_csrf" value="[^"]*"/g, '');
}

type SetCookieSource = { headers: Record<string, unknown> };

/** The `name=value` pairs a response sets, ready to send back as a Cookie header. */
export function cookiesOf(res: SetCookieSource): string[] {
  const raw = res.headers['set-cookie'];
  const lines = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  return lines.map((line) => line.split(';')[0]);
}

/** One cookie a response sets, as `name=value`, or null. */
export function cookieOf(res: SetCookieSource, name: string): string | null {
  return cookiesOf(res).find((pair) => name in parseCookieHeader(pair)) ?? null;
}

/** The session cookie (`dichterbij.sid=…`) a response sets, or null. */
export function sessionCookieOf(res: SetCookieSource): string | null {
  return cookieOf(res, 'dichterbij.sid');
}
