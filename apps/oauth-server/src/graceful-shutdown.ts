import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { ShutdownState } from './health/shutdown-state';

/**
 * SIGTERM/SIGINT: fail readiness, stop accepting connections, let in-flight requests finish, drain
 * the worker pool, close the database, exit 0 — all within `graceMs`, else exit 1 with what was cut.
 * The order matters: Nest's own close() would drain the pool before the HTTP server stops, so an
 * in-flight request could no longer queue its audit record. A second signal exits at once.
 */
export function installGracefulShutdown(
  app: NestFastifyApplication,
  graceMs: number,
  logger: Logger,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  let started = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) {
      logger.warn({ signal }, 'second signal during shutdown; exiting now');
      exit(1);
      return;
    }
    started = true;
    void shutDown(app, graceMs, logger, signal).then(exit);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

export async function shutDown(app: NestFastifyApplication, graceMs: number, logger: Logger, signal: string): Promise<number> {
  logger.info({ signal, grace_ms: graceMs }, 'shutting down: finishing in-flight requests and background jobs');
  app.get(ShutdownState).begin();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<number>((resolve) => {
    timer = setTimeout(() => {
      logger.error({ grace_ms: graceMs }, 'shutdown grace period exceeded; exiting with work still in flight');
      resolve(1);
    }, graceMs);
  });
  const orderly = (async () => {
    // Stops accepting connections, closes idle keep-alive ones, waits for in-flight requests.
    await app.getHttpAdapter().getInstance().close();
    // Pool drain (beforeApplicationShutdown), then the database (TypeORM's onApplicationShutdown).
    await app.close();
    logger.info('shutdown complete');
    return 0;
  })().catch((error: unknown) => {
    logger.error({ err: error }, 'shutdown failed');
    return 1;
  });
  const code = await Promise.race([orderly, deadline]);
  clearTimeout(timer);
  return code;
}
