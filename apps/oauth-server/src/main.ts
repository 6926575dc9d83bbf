import 'reflect-metadata';
import { InvalidConfigurationError, loadConfig } from '@app/config';
import { createLogger } from '@app/logging';
import { installGracefulShutdown } from './graceful-shutdown';
import { createHttpApp } from './http-app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof InvalidConfigurationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logging);
  const app = await createHttpApp(config, logger).catch((error: unknown) => {
    // A bad REGISTRATION_POLICY_FILE is found while the application is composed: same clean exit.
    if (error instanceof InvalidConfigurationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  });
  installGracefulShutdown(app, config.shutdown.graceSeconds * 1000, logger);
  await app.listen({ port: config.http.port, host: config.http.host });
  const where = config.database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.database.dataDir}`;
  app.getHttpAdapter().getInstance().log.info(`Tessera listening on ${config.http.host}:${config.http.port}, issuer ${config.issuer}, database: ${where}`);
}

void main();
