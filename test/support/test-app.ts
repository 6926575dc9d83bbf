import 'reflect-metadata';
import { AppConfig, loadConfig } from '@app/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loggerOptions } from '@app/logging';
import pino from 'pino';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createHttpApp } from '../../apps/oauth-server/src/http-app';
import { aClient } from './builders';
import { createTestDatabase, TestDatabase } from './test-database';

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  registration_access_token: string;
  registration_client_uri: string;
  redirect_uris: string[];
  [field: string]: unknown;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  http: ReturnType<typeof request>;
  dataSource: DataSource;
  resetDatabase(): Promise<void>;
  /** Registers a client (aClient() merged with the body) and returns the 201 response body. */
  registerClient(body?: Record<string, unknown>): Promise<RegisteredClient>;
  close(): Promise<void>;
}

export const TEST_ISSUER = 'https://tessera.test';

/** The full application on Fastify over a database of this test file's own. */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { logStream?: NodeJS.WritableStream } = {},
): Promise<TestApp> {
  // A caller that names its own database keeps it (and drops it itself); otherwise the app gets one of its own.
  const database: TestDatabase =
    env.DATABASE_URL || env.PGLITE_DATA_DIR ? { env: {}, drop: async () => undefined } : await createTestDatabase();
  const config = loadConfig({ ISSUER: TEST_ISSUER, LOG_LEVEL: 'silent', RATE_LIMIT_ENABLED: 'false', ...database.env, ...env });
  const logger = options.logStream
    ? pino(loggerOptions(config.logging), options.logStream as pino.DestinationStream)
    : pino(loggerOptions(config.logging));
  let app: NestFastifyApplication;
  try {
    app = await createHttpApp(config, logger);
  } catch (error) {
    await database.drop();
    throw error;
  }
  const http = request(app.getHttpServer());
  const dataSource = app.get(DataSource);
  return {
    app,
    config,
    http,
    dataSource,
    resetDatabase: async () => {
      await dataSource.query('TRUNCATE audit_events');
      await dataSource.query('TRUNCATE registration_tokens, clients, initial_access_tokens CASCADE');
      // Users and everything issued to them (signing keys stay: they are cached per instance)
      await dataSource.query('TRUNCATE users, sessions, login_throttle, consent_grants, authorization_codes, refresh_tokens, access_tokens CASCADE');
    },
    registerClient: async (body = {}) => {
      const response = await http.post('/register').send(aClient(body));
      if (response.status !== 201) {
        throw new Error(`registration failed: ${response.status} ${JSON.stringify(response.body)}`);
      }
      return response.body as RegisteredClient;
    },
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
