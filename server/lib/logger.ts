import pino from 'pino';
import { formatLocal } from './time';

export type Logger = pino.Logger;

/** `json` for machines (production: the process manager collects stdout); `text` for a person reading a terminal. */
export type LogFormat = 'json' | 'text';

/**
 * Structured JSON logs on stdout in production; one readable line per event in development. Tests pass
 * their own destination to read what would be logged. pino-pretty is not a dependency: the text format is
 * the small formatter below, fed by pino's own JSON lines, so both formats log exactly the same fields
 * (redaction and serializers included).
 */
export function createLogger(level: string, destination?: pino.DestinationStream, format: LogFormat = 'json'): Logger {
  const options = { level, base: { app: 'dichterbij' }, redact: ['req.headers.cookie', 'res.headers["set-cookie"]'] };
  if (format === 'json') return destination ? pino(options, destination) : pino(options);
  return pino(options, textDestination(destination ?? pino.destination({ dest: 1, sync: true })));
}

/** A destination that turns each JSON line into a text line and hands it on. */
export function textDestination(out: pino.DestinationStream): pino.DestinationStream {
  return { write: (line: string) => void out.write(`${formatLogLine(line)}\n`) };
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Said once per process or obvious from the line itself. */
const NOT_PRINTED = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'app', 'req', 'res', 'responseTime', 'err']);

function flatten(prefix: string, value: unknown, out: string[]): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(prefix ? `${prefix}.${k}` : k, v, out);
    return;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  out.push(`${prefix}=${/^[^\s"=]+$/.test(text) ? text : JSON.stringify(text)}`);
}

/**
 * `HH:MM:SS LEVEL message key=value …` (Amsterdam time); a request line reads `GET /desk 200 12 ms`;
 * an error's stack follows on indented lines. Anything that is not a pino JSON line passes unchanged.
 */
export function formatLogLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.replace(/\n$/, '');
  }
  const time = typeof entry.time === 'number' ? formatLocal(new Date(entry.time), 'HH:mm:ss') : '--:--:--';
  const level = (LEVEL_NAMES[Number(entry.level)] ?? String(entry.level)).padEnd(5);
  const parts: string[] = [];
  const req = entry.req as { method?: string; url?: string } | undefined;
  const res = entry.res as { statusCode?: number } | undefined;
  if (req && res) parts.push(`${req.method ?? ''} ${req.url ?? ''} ${res.statusCode ?? ''}${typeof entry.responseTime === 'number' ? ` ${entry.responseTime} ms` : ''}`);
  else if (typeof entry.msg === 'string') parts.push(entry.msg);
  if (req && res && typeof entry.msg === 'string' && entry.msg !== 'request completed') parts.push(`(${entry.msg})`);
  for (const [key, value] of Object.entries(entry)) if (!NOT_PRINTED.has(key)) flatten(key, value, parts);
  const err = entry.err as { message?: string; stack?: string } | undefined;
  let line = `${time} ${level} ${parts.join(' ')}`;
  if (err?.stack) line += `\n    ${err.stack.replace(/\n/g, '\n    ')}`;
  else if (err?.message) line += ` err=${JSON.stringify(err.message)}`;
  return line;
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
