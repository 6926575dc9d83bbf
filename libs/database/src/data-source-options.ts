import type { AppConfig } from '@app/config';
import { mkdirSync } from 'node:fs';
import type { DataSourceOptions } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import { claimDataDir } from './data-dir-lock';
import { MIGRATIONS } from './migrations';
import { SerializedPGlitePool } from './pglite-pool';
import { PREPARED_STATEMENTS_OPTION } from './statements';

/**
 * One set of options for the server, the TypeORM CLI (ormconfig.ts) and the tests: PostgreSQL
 * when DATABASE_URL is set, otherwise the embedded PGlite. Migrations own the schema.
 */
export function dataSourceOptions(config: Pick<AppConfig, 'database'>): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    synchronize: false,
    migrations: MIGRATIONS,
    migrationsRun: config.database.migrationsRun,
    migrationsTransactionMode: 'each' as const,
  };
  if (config.database.kind === 'postgres') {
    return {
      ...common,
      url: config.database.url,
      poolSize: config.database.poolSize,
      extra: { connectionTimeoutMillis: 5000, [PREPARED_STATEMENTS_OPTION]: config.database.preparedStatements },
    };
  }
  const dataDir = config.database.dataDir;
  if (!dataDir.startsWith('memory://')) {
    mkdirSync(dataDir, { recursive: true });
    claimDataDir(dataDir);
  }
  new PGliteDriver({ dataDir }); // registers the options of the process-wide PGlite instance
  return { ...common, driver: { Pool: SerializedPGlitePool } };
}
