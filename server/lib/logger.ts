import pino from 'pino';

export type Logger = pino.Logger;

/** Structured JSON logs on stdout; the process manager or container runtime collects them. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'dichterbij' }, redact: ['req.headers.cookie', 'res.headers["set-cookie"]'] });
}
