import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { dataSourceOptions } from '@app/database';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../support/test-database';

describe('migrations PartialRegistrationIndexes and RegistrationTokenHashKey: lighter registration inserts, same lookups', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ ...dataSourceOptions(loadConfig(database.env)), migrationsRun: true }).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  /** Reverts migrations, newest first, up to and including `name`. */
  async function revertThrough(name: string): Promise<void> {
    for (;;) {
      const [last]: { name: string }[] = await dataSource.query(`SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1`);
      await dataSource.undoLastMigration();
      if (last.name === name) return;
    }
  }

  /** The plan of `sql` on one connection, with sequential scans priced out so a usable index shows. */
  async function plan(sql: string): Promise<string> {
    const runner = dataSource.createQueryRunner();
    try {
      await runner.query('SET enable_seqscan = off');
      const rows: { 'QUERY PLAN': string }[] = await runner.query(`EXPLAIN ${sql}`);
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    } finally {
      await runner.query('RESET enable_seqscan');
      await runner.release();
    }
  }

  it('the software_id daily quota count uses the partial software_id index', async () => {
    expect(await plan(`SELECT count(*) FROM clients WHERE metadata->>'software_id' = 'app-1' AND issued_at > now() - interval '1 day'`)).toContain(
      'clients_software_id_issued_at_idx',
    );
  });

  it('clients admitted by an initial access token are found through the partial index (ON DELETE SET NULL)', async () => {
    expect(await plan(`SELECT client_id FROM clients WHERE initial_access_token_id = '00000000-0000-4000-8000-000000000000'`)).toContain(
      'clients_initial_access_token_id_idx',
    );
  });

  it('both indexes are partial: a registration without software_id or initial access token is left out of them', async () => {
    const definitions: { indexdef: string }[] = await dataSource.query(
      `SELECT indexdef FROM pg_indexes WHERE indexname IN ('clients_software_id_issued_at_idx', 'clients_initial_access_token_id_idx') ORDER BY indexname`,
    );
    expect(definitions.map((row) => row.indexdef)).toEqual([
      expect.stringMatching(/WHERE \(initial_access_token_id IS NOT NULL\)$/),
      expect.stringMatching(/WHERE \(\(metadata ->> 'software_id'::text\) IS NOT NULL\)$/),
    ]);
  });

  it('registration access tokens are keyed by their hash (migration RegistrationTokenHashKey); the old id column is left unindexed for the previous release', async () => {
    const primaryKey: { column_name: string }[] = await dataSource.query(
      `SELECT a.attname AS column_name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = 'registration_tokens'::regclass AND i.indisprimary`,
    );
    expect(primaryKey).toEqual([{ column_name: 'token_hash' }]);
    const indexes: { indexdef: string }[] = await dataSource.query(`SELECT indexdef FROM pg_indexes WHERE tablename = 'registration_tokens'`);
    expect(indexes.map((row) => row.indexdef).filter((definition) => /\(id\)/.test(definition))).toEqual([]);
    // A previous-release instance still inserts an id during a rolling upgrade; this release inserts none.
    await dataSource.query(`INSERT INTO clients (client_id, metadata) VALUES ('rolling', '{}')`);
    await dataSource.query(
      `INSERT INTO registration_tokens (id, client_id, token_hash, expires_at) VALUES (gen_random_uuid(), 'rolling', 'hash-old-release', now() + interval '1 day'),
                                                                                 (NULL, 'rolling', 'hash-new-release', now() + interval '1 day')`,
    );
    await dataSource.query(`DELETE FROM clients WHERE client_id = 'rolling'`);
  });

  it('both migrations revert (keeping the tokens) and re-apply', async () => {
    await dataSource.query(`INSERT INTO clients (client_id, metadata) VALUES ('kept', '{}')`);
    await dataSource.query(`INSERT INTO registration_tokens (client_id, token_hash, expires_at) VALUES ('kept', 'hash-kept', now() + interval '1 day')`);
    // Later migrations first (undoLastMigration reverts the newest), then RegistrationTokenHashKey and PartialRegistrationIndexes.
    await revertThrough('PartialRegistrationIndexes1764240000000');
    const [{ indexdef }]: { indexdef: string }[] = await dataSource.query(
      `SELECT indexdef FROM pg_indexes WHERE indexname = 'clients_initial_access_token_id_idx'`,
    );
    expect(indexdef).not.toContain('WHERE');
    const reverted: { id: string; token_hash: string }[] = await dataSource.query(`SELECT id, token_hash FROM registration_tokens`); // id filled in
    expect(reverted).toEqual([{ id: expect.stringMatching(/^[0-9a-f-]{36}$/), token_hash: 'hash-kept' }]);
    await dataSource.runMigrations();
    expect(await plan(`SELECT client_id FROM clients WHERE initial_access_token_id = '00000000-0000-4000-8000-000000000000'`)).toContain(
      'clients_initial_access_token_id_idx',
    );
    expect(await dataSource.query(`SELECT token_hash FROM registration_tokens`)).toEqual([{ token_hash: 'hash-kept' }]);
  });
});
