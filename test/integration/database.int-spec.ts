import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { dataSourceOptions } from '@app/database';
import { DataSource } from 'typeorm';
import { Client } from '../../apps/oauth-server/src/clients/client.entity';
import { RegistrationToken } from '../../apps/oauth-server/src/clients/registration-token.entity';
import { RegistrationTokensRepository } from '../../apps/oauth-server/src/clients/registration-tokens.repository';
import { createTestDatabase, TestDatabase } from '../support/test-database';

describe('database: migrations, transactions and the registration token store', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = loadConfig(database.env);
    dataSource = await new DataSource({ ...dataSourceOptions(config), entities: [Client, RegistrationToken] }).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });
  beforeEach(() => dataSource.query('TRUNCATE registration_tokens, clients CASCADE'));

  const aClientRow = (clientId: string): Client => ({
    clientId,
    secretHash: null,
    secretExpiresAt: null,
    metadata: {
      redirect_uris: ['https://a.example/cb'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      application_type: 'web',
      scope: 'openid',
    },
    selfService: 'full',
    issuedAt: new Date(),
    updatedAt: new Date(),
  });

  it('migrations created the schema; synchronize is off', async () => {
    const tables = await dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`);
    expect(tables.map((row: { table_name: string }) => row.table_name)).toEqual(
      expect.arrayContaining(['clients', 'migrations', 'registration_tokens', 'server_secrets']),
    );
    expect(dataSource.options.synchronize).toBe(false);
  });

  it('a transaction that rolls back never takes a concurrent committed write with it', async () => {
    const onPostgres = Boolean(process.env.DATABASE_URL);
    const events: string[] = [];
    let committed: Promise<void>[] = [];
    const failing = dataSource.transaction(async (manager) => {
      await manager.insert(Client, aClientRow('doomed'));
      // The other writes start only once this transaction holds an uncommitted row.
      committed = Array.from({ length: 10 }, (_, i) =>
        dataSource.transaction((other) => other.insert(Client, aClientRow(`kept-${i}`))).then(() => void events.push(`kept-${i}`)),
      );
      // PostgreSQL (a connection each): a barrier, all ten commit while this transaction is still open.
      // PGlite has one connection, so the others can only wait for it (SerializedPGlitePool).
      if (onPostgres) await Promise.all(committed);
      throw new Error('roll back');
    });
    const rolledBack = failing.catch((error: unknown) => {
      events.push('rolled back');
      throw error;
    });
    await expect(rolledBack).rejects.toThrow('roll back');
    await Promise.all(committed);
    // The overlap happened: on PostgreSQL every commit before the rollback, on PGlite every commit after it.
    expect(events.indexOf('rolled back')).toBe(onPostgres ? 10 : 0);
    expect(events).toHaveLength(11);
    const rows = await dataSource.query('SELECT client_id FROM clients ORDER BY client_id');
    expect(rows.map((row: { client_id: string }) => row.client_id)).toEqual(Array.from({ length: 10 }, (_, i) => `kept-${i}`).sort());
  });

  it('RFC 7592 §3, REGISTRATION_TOKEN_GRACE_SECONDS: rotation shortens every older live token to the grace period and keeps the new one', async () => {
    const tokens = new RegistrationTokensRepository(dataSource);
    await dataSource.manager.insert(Client, aClientRow('c1'));
    const far = new Date(Date.now() + 30 * 24 * 3600 * 1000);
    const token = (hash: string): RegistrationToken => ({ clientId: 'c1', tokenHash: hash, expiresAt: far, revokedAt: null, createdAt: new Date() });
    await tokens.rotate(token('h-old'), 60);
    await tokens.rotate(token('h-new'), 60);
    const old = await tokens.findWithClient('h-old');
    const current = await tokens.findWithClient('h-new');
    expect(old!.token.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 61_000);
    expect(current!.token.expiresAt.getTime()).toBe(far.getTime());
    expect(current!.client.metadata.scope).toBe('openid');
  });

  it('RFC 7592 §2.3: deleting a client deletes its registration tokens (ON DELETE CASCADE)', async () => {
    await dataSource.manager.insert(Client, aClientRow('c2'));
    await dataSource.manager.insert(RegistrationToken, { clientId: 'c2', tokenHash: 'h', expiresAt: new Date(), revokedAt: null, createdAt: new Date() });
    await dataSource.manager.delete(Client, { clientId: 'c2' });
    expect(await dataSource.query('SELECT 1 FROM registration_tokens')).toHaveLength(0);
  });
});
