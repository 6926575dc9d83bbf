import { DataSource } from 'typeorm';

/** pg_advisory_lock(classid, objid) taken while migrating; (32341, 1) is the sweeper's. */
export const MIGRATION_LOCK = [32341, 2] as const;

/**
 * Runs pending migrations with a PostgreSQL advisory lock held, so several instances started at
 * once (a rolling deploy) migrate one after the other: the first applies them, the others wait and
 * then find nothing to do. The lock lives on its own connection and dies with it. PGlite serves one
 * process and one connection, so it migrates without the lock.
 */
export async function runMigrationsExclusively(dataSource: DataSource, kind: 'postgres' | 'pglite'): Promise<void> {
  if (kind === 'pglite') {
    await dataSource.runMigrations({ transaction: 'each' });
    return;
  }
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1, $2)', [...MIGRATION_LOCK]);
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1, $2)', [...MIGRATION_LOCK]);
    }
  } finally {
    await lock.release();
  }
}
