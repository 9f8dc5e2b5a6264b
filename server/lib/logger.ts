import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Structured JSON logs on stdout; the process manager or container runtime collects them. Tests pass
 * their own destination to read what would be logged.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = { level, base: { app: 'dichterbij' }, redact: ['req.headers.cookie', 'res.headers["set-cookie"]'] };
  return destination ? pino(options, destination) : pino(options);
}

/** Link tokens in paths (manage links, kiosk tickets) are long opaque base64url strings; route words are short. */
const OPAQUE_SEGMENT = /^[A-Za-z0-9_-]{20,}$/;

/**
 * A URL as it may be logged: the path only, with link tokens masked. Query strings carry search terms,
 * e-mail addresses and return paths, and a manage-link token opens a citizen's booking, so neither belongs
 * in logs that many people can read and that are kept longer than the data itself.
 */
export function loggableUrl(url: string): string {
  const path = url.split(/[?#]/, 1)[0];
  return path
    .split('/')
    .map((segment) => (OPAQUE_SEGMENT.test(segment) ? ':token' : segment))
    .join('/');
}

interface SerializedRequest {
  id?: unknown;
  method?: string;
  url?: string;
}

/**
 * What the request log keeps: id, method, masked path and status. No headers (cookies, CSRF tokens, the
 * Referer with someone's manage link, Location after a booking), no IP address, no body.
 */
export const HTTP_LOG_SERIALIZERS = {
  req: (req: SerializedRequest): Record<string, unknown> => ({ id: req.id, method: req.method, url: loggableUrl(req.url ?? '') }),
  res: (res: { statusCode?: number }): Record<string, unknown> => ({ statusCode: res.statusCode }),
};
