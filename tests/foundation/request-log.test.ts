import { Writable } from 'node:stream';
import request from 'supertest';
import { openDatabase } from '../../server/db/open';
import { migrate } from '../../server/db/migrate';
import { MIGRATIONS_DIR } from '../../server/paths';
import { buildDeps } from '../../server/deps';
import { createApp } from '../../server/app';
import { FakeClock } from '../../server/lib/clock';
import { createLogger } from '../../server/lib/logger';
import { tempDir, testConfig } from '../helpers/test-app';

/** The real app with a logger at `level` that keeps every line it writes. */
function appLoggingAt(level: string): { app: ReturnType<typeof createApp>; lines: string[]; logger: ReturnType<typeof createLogger>; close: () => Promise<void> } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const config = testConfig(tempDir());
  const db = openDatabase(config.databasePath);
  migrate(db, MIGRATIONS_DIR);
  const logger = createLogger(level, sink);
  const deps = buildDeps(config, db, { clock: new FakeClock('2026-03-02T09:00:00Z'), logger });
  return {
    app: createApp(deps),
    lines,
    logger,
    close: async () => {
      await deps.outboxSender.stop();
      db.close();
    },
  };
}

describe('request log', () => {
  test('at info every request gets one line with method, masked path and status', async () => {
    const t = appLoggingAt('info');
    try {
      const res = await request(t.app).get('/login?email=someone%40example.nl');
      const line = t.lines.map((l) => JSON.parse(l) as { msg?: string; req?: unknown; res?: unknown }).find((l) => l.msg === 'request completed');
      expect(line).toMatchObject({ req: { method: 'GET', url: '/login' }, res: { statusCode: res.status } });
    } finally {
      await t.close();
    }
  });

  test('above info the request logger is not mounted: no per-request child logger for lines nobody keeps', async () => {
    const t = appLoggingAt('warn');
    const child = jest.spyOn(t.logger, 'child');
    try {
      expect((await request(t.app).get('/login')).status).toBeLessThan(500);
      expect(child).not.toHaveBeenCalled();
      expect(t.lines.filter((l) => l.includes('request completed'))).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
