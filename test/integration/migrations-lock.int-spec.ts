import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { dataSourceOptions, MIGRATION_LOCK, MIGRATIONS, runMigrationsExclusively } from '@app/database';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { startThrowawayPostgres, ThrowawayPostgres } from '../support/throwaway-postgres';

describe('docs/operations.md §10 several instances: migrations under an advisory lock', () => {
  let cluster: ThrowawayPostgres | undefined;
  let database: TestDatabase | undefined;
  let url: string;
  beforeAll(async () => {
    if (process.env.DATABASE_URL) {
      database = await createTestDatabase();
      url = database.env.DATABASE_URL;
    } else {
      cluster = await startThrowawayPostgres(); // concurrency needs a server: PGlite is one process
      url = cluster.url;
    }
  }, 60_000);
  afterAll(async () => {
    await database?.drop();
    await cluster?.destroy();
  });

  it('four instances migrating an empty database at the same moment: every migration applied exactly once', async () => {
    const options = { ...dataSourceOptions(loadConfig({ DATABASE_URL: url })), migrationsRun: false };
    const instances = await Promise.all([1, 2, 3, 4].map(() => new DataSource(options).initialize()));
    try {
      await Promise.all(instances.map((dataSource) => runMigrationsExclusively(dataSource, 'postgres')));
      const applied: { name: string }[] = await instances[0].query('SELECT name FROM migrations ORDER BY id');
      expect(applied.map((row) => row.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
      // Only this database's migration lock: other test files on the same server hold their own advisory locks.
      const held = await instances[1].query(
        `SELECT count(*)::int AS n FROM pg_locks
          WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND objsubid = 2
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [...MIGRATION_LOCK],
      );
      expect(held).toEqual([{ n: 0 }]);
    } finally {
      await Promise.all(instances.map((dataSource) => dataSource.destroy()));
    }
  });
});
