import { AppConfig } from '@app/config';
import { createLogger, PinoNestLogger, requestIdOptions } from '@app/logging';
import { OAuthExceptionFilter, oauthValidationPipe } from '@app/oauth-errors';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { setUpOperations } from './http-operations';
import { setUpCors } from './cors';
import { setUpSwagger } from './openapi/swagger';
import { useBoundedJsonBody } from './json-body';
import { connectionTimeoutOptions, limitConnections } from './connection-limits';
import fastifyCookie from '@fastify/cookie';
import { Eta } from 'eta';

/**
 * Builds the HTTP application exactly as production runs it: Fastify, the global pipe and filter,
 * Swagger. main.ts and the tests both use this, so tests exercise the real stack.
 */
export async function createHttpApp(config: AppConfig, logger: Logger = createLogger(config.logging)): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: config.http.bodyLimitBytes,
    // Request ids come from a well-formed X-Request-Id when the caller (or a proxy) sets one.
    ...requestIdOptions(),
    // Fastify accepts a hop count too; its typings omit it.
    trustProxy: config.proxy.trust as unknown as boolean | string[],
    // Header, body and idle timeouts well below Node's 300 s (connection-limits.ts).
    ...connectionTimeoutOptions(config.http),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(logger, config.logging.moduleLevels),
    bufferLogs: false,
    abortOnError: false,
  });
  limitConnections(app.getHttpServer(), config.http);
  // Nest routes Fastify's own errors (body parsing, size, unknown routes) through this filter too.
  app.useGlobalFilters(new OAuthExceptionFilter(config.issuer));
  app.useGlobalPipes(oauthValidationPipe());
  // Depth, value count and well-formed Unicode of JSON bodies, checked before anything walks them.
  useBoundedJsonBody(app);
  // No enableShutdownHooks(): main.ts handles SIGTERM/SIGINT (graceful-shutdown.ts) so that the
  // listener closes before the pool drains and the process exits 0.
  // Before the rate limiter, so a refused request still carries the CORS headers a page needs (docs/dynamic-client-registration.md#cors).
  await setUpCors(app, config);
  await setUpOperations(app, config);
  await setUpHtml(app, config);
  setUpSwagger(app, config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** Cookies (sessions, CSRF) and server-rendered pages: eta templates beside the modules, escaped by default. */
async function setUpHtml(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  await app.register(fastifyCookie);
  // `brand` (BRANDING_*) reaches every page and the shared layout (views/layout.eta).
  app.setViewEngine({ engine: { eta: new Eta({ autoEscape: true }) }, templates: __dirname, production: true, defaultContext: { brand: config.branding } });
}
