import type { AppConfig } from '@app/config';
import { claimDataDir } from '@app/database';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { Client } from 'pg';

/**
 * Checks made before the application is composed, so that a wrong setting is reported in one line
 * within seconds — which variable, which host, why — instead of TypeORM's ten silent retries and a
 * stack trace (test/e2e/operations/startup-failures.e2e-spec.ts).
 */
export async function databaseProblem(config: Pick<AppConfig, 'database'>): Promise<string | undefined> {
  if (config.database.kind === 'pglite') {
    const dataDir = config.database.dataDir;
    if (dataDir.startsWith('memory://')) return undefined;
    try {
      mkdirSync(dataDir, { recursive: true });
      claimDataDir(dataDir);
      return undefined;
    } catch (error) {
      return `Cannot use the embedded database in PGLITE_DATA_DIR (${dataDir}): ${(error as Error).message}`;
    }
  }
  const url = config.database.url;
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined); // a late socket error after the failed connect
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return `Cannot connect to the database in DATABASE_URL (${describeTarget(url)}): ${reason(error as NodeJS.ErrnoException & { code?: string })}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The address to listen on is free; else why not. Listening itself can still fail later (a race), and is reported the same way. */
export function portProblem(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(listenProblem(error, host, port)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
}

export function listenProblem(error: NodeJS.ErrnoException, host: string, port: number): string {
  const where = `${host}:${port} (HOST, PORT)`;
  if (error.code === 'EADDRINUSE') return `Cannot listen on ${where}: the port is already in use by another process — stop it or choose another PORT`;
  if (error.code === 'EACCES') return `Cannot listen on ${where}: permission denied — ports below 1024 need privileges; choose a PORT above 1023`;
  if (error.code === 'EADDRNOTAVAIL') return `Cannot listen on ${where}: this machine has no address ${host} — use 0.0.0.0, 127.0.0.1 or one of its addresses`;
  return `Cannot listen on ${where}: ${error.message}`;
}

/** user@host:port/database, never the password. */
function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'an unparsable URL';
  }
}

function reason(error: NodeJS.ErrnoException & { code?: string }): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused — is PostgreSQL running on that host and port?';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve — check the host in DATABASE_URL';
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the host does not answer — check the host, the port and any firewall in between';
    case '28P01':
    case '28000':
      return `authentication failed — check the user and password in DATABASE_URL (${error.message})`;
    case '3D000':
      return `${error.message} — create it (createdb) or fix the database name in DATABASE_URL`;
    default:
      // pg reports its own connect timeout without a code
      return /timeout/i.test(error.message) ? 'no answer within 5 seconds — check the host, the port and any firewall in between' : error.message;
  }
}

/** Nest's start-up chatter (one line per module and per route): shown only at LOG_LEVEL=debug or trace. */
const BOOT_CONTEXTS = ['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication'];

/** The configuration with Nest's start-up lines moved out of the info level, unless LOG_LEVEL_MODULES names them. */
export function quietBoot(config: AppConfig): AppConfig {
  if (config.logging.level === 'debug' || config.logging.level === 'trace') return config;
  const quiet = Object.fromEntries(BOOT_CONTEXTS.map((context) => [context, 'warn' as const]));
  return { ...config, logging: { ...config.logging, moduleLevels: { ...quiet, ...config.logging.moduleLevels } } };
}
