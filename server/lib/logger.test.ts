import { Writable } from 'node:stream';
import { createLogger, formatLogLine, type LogFormat } from './logger';

function capture(format: LogFormat): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger('info', sink, format) };
}

describe('logs: JSON for machines, one readable line for people', () => {
  test('json (production): one JSON object per line with level, time, message and fields', () => {
    const { lines, logger } = capture('json');
    logger.info({ url: 'http://127.0.0.1:3000' }, 'Dichterbij is running');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 30, app: 'dichterbij', url: 'http://127.0.0.1:3000', msg: 'Dichterbij is running' });
  });

  test('text (development): HH:MM:SS LEVEL message key=value, in Amsterdam time', () => {
    const { lines, logger } = capture('text');
    logger.warn({ branch: 3, who: 'Ada Beheer', nested: { a: 1 } }, 'outbox is slow');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d{2}:\d{2}:\d{2} WARN {2}outbox is slow branch=3 who="Ada Beheer" nested\.a=1$/);
    expect(lines[0]).not.toContain('{');
  });

  test('text: a request reads like a request; an error shows its stack', () => {
    const time = Date.parse('2026-07-01T08:15:30Z');
    const request = JSON.stringify({ level: 30, time, app: 'dichterbij', req: { id: 1, method: 'GET', url: '/desk' }, res: { statusCode: 200 }, responseTime: 12, msg: 'request completed' });
    expect(formatLogLine(request)).toBe('10:15:30 INFO  GET /desk 200 12 ms');
    const err = new Error('database is locked');
    const failed = JSON.stringify({ level: 50, time, err: { type: 'Error', message: err.message, stack: err.stack }, msg: 'database is locked' });
    const text = formatLogLine(failed);
    expect(text.split('\n')[0]).toBe('10:15:30 ERROR database is locked');
    expect(text.split('\n')[1]).toBe('    Error: database is locked');
    expect(formatLogLine('not json')).toBe('not json');
  });
});
