import 'reflect-metadata';
import { AppConfig, InvalidConfigurationError, loadConfig } from '@app/config';
import { databaseProblem, listenProblem, portProblem, quietBoot } from './startup-checks';

/** A start-up failure an operator can fix: one line on stderr, exit 1 (docs/operations.md, "Start-up"). */
function stop(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    // A person at a terminal gets readable lines and a summary; pipes and log collectors get JSON.
    config = quietBoot(loadConfig({ ...(process.stdout.isTTY ? { LOG_FORMAT: 'pretty' } : {}), ...process.env }));
  } catch (error) {
    if (error instanceof InvalidConfigurationError) stop(error.message);
    throw error;
  }
  // Before anything is composed: a taken port or an unreachable database is said at once.
  const problem = (await portProblem(config.http.host, config.http.port)) ?? (await databaseProblem(config));
  if (problem) stop(problem);

  // The application is loaded only now, so the checks above answer within a second or two.
  const [{ SecretHasher }, { createLogger }, { SigningKeysService }, { operatorSocketPath, serveOperatorSocket }, { installGracefulShutdown }, { createHttpApp }, { UsersService }, summary] =
    await Promise.all([
      import('@app/hashing'),
      import('@app/logging'),
      import('./authorization/keys/signing-keys.service'),
      import('./cli/operator-socket'),
      import('./graceful-shutdown'),
      import('./http-app'),
      import('./login/users.service'),
      import('./startup-summary'),
    ]);
  const logger = createLogger(config.logging);
  const app = await createHttpApp(config, logger).catch((error: unknown) => {
    // A bad REGISTRATION_POLICY_FILE is found while the application is composed: same clean exit.
    if (error instanceof InvalidConfigurationError) stop(error.message);
    throw error;
  });
  // Generated keys are made now, so their warnings come with the start-up, not with the first request.
  await app.get(SecretHasher).hash('start-up');
  await app.get(SigningKeysService).active();
  installGracefulShutdown(app, config.shutdown.graceSeconds * 1000, logger);
  await app.listen({ port: config.http.port, host: config.http.host }).catch((error: NodeJS.ErrnoException) => {
    if (error.code) stop(listenProblem(error, config.http.host, config.http.port));
    throw error;
  });
  let socket = operatorSocketPath(config);
  if (socket) {
    // Without the socket the server still serves; only the CLI must then wait for it to stop.
    await serveOperatorSocket(app, socket, logger).catch((error: Error) => {
      logger.warn({ err: error, path: socket }, 'operator socket not available: run CLI commands after stopping the server');
      socket = undefined;
    });
  }

  const where = config.database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.database.dataDir}`;
  logger.info(
    { url: config.issuer, docs: `${config.issuer.replace(/\/+$/, '')}/docs`, operator_socket: socket, warnings: summary.startupWarnings(config) },
    `Tessera listening on ${config.http.host}:${config.http.port}, issuer ${config.issuer}, database: ${where}`,
  );
  if (config.logging.format === 'pretty') {
    const hasUsers = (await app.get(UsersService).list(1)).length > 0;
    // pino-pretty writes from a worker thread: let the lines above out first, so the summary is last.
    await new Promise<void>((resolve) => logger.flush(() => setTimeout(resolve, 200)));
    process.stdout.write(summary.startupSummary(config, hasUsers));
  }
}

void main();
