import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { dataSourceOptions } from '@app/database';
import { DataSource } from 'typeorm';
import { ClientAdmittedBy1764330000000 } from '../../libs/database/src/migrations/1764330000000-client-admitted-by';
import { createTestDatabase, TestDatabase } from '../support/test-database';

describe('migration ClientAdmittedBy: RFC 9700 §4.11.2 trust needs to know how existing clients were admitted', () => {
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

  it('backfills rows that predate the column; everything unknown stays anonymous (never trusted)', async () => {
    const migration = new ClientAdmittedBy1764330000000();
    const runner = dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      const client = (id: string, extra = '', values = '') =>
        runner.query(`INSERT INTO clients (client_id, metadata${extra}) VALUES ($1, '{}'${values})`, [id]);
      await runner.query(
        `INSERT INTO initial_access_tokens (id, token_hash, label, policy, expires_at) VALUES ('00000000-0000-4000-8000-000000000001', 'h', 'l', 'partners', now() + interval '1 day')`,
      );
      await client('by-statement', ', software_statement_claims', `, '{"software_id":"x"}'`);
      await client('by-minted-token', ', initial_access_token_id', `, '00000000-0000-4000-8000-000000000001'`);
      await client('by-static-token');
      await runner.query(`INSERT INTO audit_events (id, occurred_at, event, client_id, actor) VALUES (gen_random_uuid(), now(), 'client.registered', 'by-static-token', 'initial_access_token')`);
      await client('anonymous');
      await runner.query(`INSERT INTO audit_events (id, occurred_at, event, client_id, actor) VALUES (gen_random_uuid(), now(), 'client.registered', 'anonymous', 'anonymous')`);
      await client('no-trail');
      await migration.up(runner);
      const rows: { client_id: string; admitted_by: string }[] = await runner.query('SELECT client_id, admitted_by FROM clients ORDER BY client_id');
      expect(Object.fromEntries(rows.map((row) => [row.client_id, row.admitted_by]))).toEqual({
        'by-statement': 'software_statement',
        'by-minted-token': 'initial_access_token',
        'by-static-token': 'initial_access_token',
        anonymous: 'anonymous',
        'no-trail': 'anonymous',
      });
      await expect(runner.query(`UPDATE clients SET admitted_by = 'operator' WHERE client_id = 'anonymous'`)).rejects.toThrow(/clients_admitted_by_check/);
    } finally {
      await runner.release();
    }
  });
});
