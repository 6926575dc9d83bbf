import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { dataSourceOptions, runStatement } from '@app/database';
import { DataSource, QueryFailedError } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const PREPARED = `SELECT name FROM pg_prepared_statements WHERE name LIKE 'tessera\\_%'`;

describe('runStatement: hot-path statements, prepared once per connection on PostgreSQL', () => {
  let database: TestDatabase;
  const open: DataSource[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(open.map((dataSource) => dataSource.destroy()));
    await database.drop();
  });

  async function connect(env: Record<string, string> = {}): Promise<DataSource> {
    // One connection, so the statement and pg_prepared_statements are read on the same session.
    const config = loadConfig({ ...database.env, DATABASE_POOL_SIZE: '1', ...env });
    const dataSource = await new DataSource({ ...dataSourceOptions(config), migrationsRun: false }).initialize();
    open.push(dataSource);
    return dataSource;
  }

  it('returns the rows of the statement, with its parameters bound', async () => {
    const dataSource = await connect();
    const rows = await runStatement<{ sum: number }>(dataSource, 'SELECT $1::int + $2::int AS sum', [2, 3]);
    expect(rows).toEqual([{ sum: 5 }]);
  });

  it('fails with the QueryFailedError TypeORM would throw, carrying the SQLSTATE', async () => {
    const dataSource = await connect();
    const failure = runStatement(dataSource, 'SELECT 1 / $1::int AS x', [0]);
    await expect(failure).rejects.toBeInstanceOf(QueryFailedError);
    await expect(failure).rejects.toMatchObject({ driverError: { code: '22012' } }); // division_by_zero
  });

  // PGlite has no pg Pool and no named statements: there runStatement is TypeORM's own query, which
  // is what this case checks; the prepared-statement case below needs PostgreSQL and is only registered there.
  if (!process.env.DATABASE_URL) {
    it('on PGlite runs the statement through DataSource.query, with its parameters', async () => {
      const dataSource = await connect();
      const query = jest.spyOn(dataSource, 'query');
      expect(await runStatement(dataSource, 'SELECT $1::int AS answer', [42])).toEqual([{ answer: 42 }]);
      expect(query).toHaveBeenCalledWith('SELECT $1::int AS answer', [42]);
    });
    return;
  }

  it('on PostgreSQL keeps the statement prepared on the connection; DATABASE_PREPARED_STATEMENTS=false does not', async () => {
    const prepared = await connect();
    await runStatement(prepared, 'SELECT 42 AS answer', []);
    await runStatement(prepared, 'SELECT 42 AS answer', []);
    const names = (await runStatement<{ name: string }>(prepared, PREPARED, [])).map((row) => row.name);
    // The lookup itself is prepared too: two distinct statements, each once.
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);

    const unprepared = await connect({ DATABASE_PREPARED_STATEMENTS: 'false' });
    await runStatement(unprepared, 'SELECT 42 AS answer', []);
    expect(await runStatement(unprepared, PREPARED, [])).toEqual([]);
  });
});
