import { startServer, type RunningServer } from '../../server/main';
import { FakeClock, type Clock } from '../../server/lib/clock';
import { createLogger, type Logger } from '../../server/lib/logger';
import type { MailTransport } from '../../server/mail/transport';
import { tempDir, testConfig } from './test-app';
import { registerSecondFactorContext } from './second-factor';

export interface LiveServer extends RunningServer {
  dir: string;
}

export interface LiveServerOptions {
  /** Reuse a data folder (restart tests); defaults to a new temporary one. */
  dir?: string;
  /** A fixed port (restart tests need the same one); defaults to a free port. */
  port?: number;
  clock?: Clock;
  mailTransport?: MailTransport;
  backgroundJobs?: boolean;
  env?: Record<string, string>;
  /** The server's logger (request log included); silent unless given, e.g. `createLogger('info', stream)` to read the lines. */
  logger?: Logger;
}

/**
 * The whole server (HTTP + socket.io) on 127.0.0.1 at a free port, on a throw-away database.
 * For browser and socket tests. Remember to `await server.close()`.
 */
export async function startLiveServer(options: LiveServerOptions = {}): Promise<LiveServer> {
  const dir = options.dir ?? tempDir();
  const config = testConfig(dir, { PORT: String(options.port ?? 0), HOST: '127.0.0.1', ...options.env });
  const running = await startServer(config, {
    clock: options.clock ?? new FakeClock(),
    logger: options.logger ?? createLogger('silent'),
    mailTransport: options.mailTransport,
    backgroundJobs: options.backgroundJobs ?? false,
  });
  registerSecondFactorContext(running.url, { db: running.deps.db, clock: running.deps.clock });
  return { ...running, dir };
}
