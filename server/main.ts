import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server as SocketServer } from 'socket.io';
import { loadConfig, type Config, ConfigError } from './config';
import { openDatabase } from './db/open';
import { migrate } from './db/migrate';
import { MIGRATIONS_DIR } from './paths';
import { buildDeps, type Deps, type DepsOptions } from './deps';
import { createApp } from './app';
import { requestClasses } from './http/request-classes';
import { attachRealtime } from './realtime/attach';
import { queueSocketFeature } from './features/queue/queue.socket';
import { escalationsSocketFeature } from './features/escalations/escalations.socket';
import { chatSocketFeature } from './features/escalations/chat.socket';
import { createLogger } from './lib/logger';
import { systemClock } from './lib/clock';
import { startBackgroundJobs } from './jobs';
import { describeDriver } from './db/driver';

export interface RunningServer {
  url: string;
  server: http.Server;
  io: SocketServer;
  deps: Deps;
  close(): Promise<void>;
}

export interface StartOptions extends Partial<DepsOptions> {
  /** Start the outbox sender and schedulers (off in most tests, which drive them by hand). */
  backgroundJobs?: boolean;
}

/** config → database → migrate → deps → app → realtime → listen. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const db = openDatabase(config.databasePath);
  migrate(db, MIGRATIONS_DIR);
  const deps = buildDeps(config, db, { clock: options.clock ?? systemClock, logger, mailTransport: options.mailTransport });
  const app = createApp(deps);
  // Shared anonymous pages come from the micro-cache without going through Express (see http/page-cache.ts).
  // Requests and responses are built with Express's prototypes already in place (see http/request-classes.ts).
  const server = http.createServer(requestClasses(app), (req, res) => {
    if (!deps.pageCache.serve(req, res)) app(req, res);
  });
  // Each feature with client→server socket events registers them here (see server/realtime/attach.ts).
  const io = attachRealtime(server, deps, [queueSocketFeature(deps.queue), escalationsSocketFeature(deps.escalations), chatSocketFeature(deps.chat)]);
  const stopJobs = options.backgroundJobs === false ? async () => undefined : startBackgroundJobs(deps);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}`;
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await stopJobs();
      // Mail enqueued by a request is delivered at once (the outbox "kick"), also without background jobs:
      // wait for a delivery in flight before the database closes under it. Stopping twice is harmless.
      await deps.outboxSender.stop();
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
        server.closeAllConnections();
      });
      db.close();
    })();
    return closing;
  };
  return { url, server, io, deps, close };
}

/** The first line a person sees: where to go next. On an empty database that is the first-run setup. */
export function startedMessage(config: Config, deps: Deps): string {
  return deps.auth.needsSetup()
    ? `Dichterbij is running. No administrator yet: open ${config.baseUrl}/setup to create the first one.`
    : `Dichterbij is running at ${config.baseUrl}`;
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Dichterbij cannot start: ${err.message}`);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel, undefined, config.env === 'production' ? 'json' : 'text');
  const running = await startServer(config, { logger });
  logger.info({ url: running.url, database: config.databasePath, sqlite: describeDriver(), mail: config.smtpUrl ? 'smtp' : 'outbox files' }, startedMessage(config, running.deps));
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void running.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

if (require.main === module) {
  void main();
}
