import { parse } from 'cookie';

/** The visitor's language choice (set by /language/:code and the kiosk reset). */
export const LANG_COOKIE = 'lang';

/**
 * The one reader of the Cookie header (RFC 6265 parsing by the `cookie` package, not a regex per feature).
 * Takes the raw header so code outside the HTTP layer (device cookies, socket handshakes) can use it too.
 */
export function readCookies(header: string | undefined): Record<string, string | undefined> {
  if (!header) return {};
  try {
    return parse(header);
  } catch {
    // A malformed header is treated as no cookies at all, never as an error page.
    return {};
  }
}

/** One cookie's value from a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  return readCookies(header)[name];
}
