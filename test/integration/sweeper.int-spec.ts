import { WorkerPoolService } from '@app/worker-pool';
import { CleanupRegistry } from '../../apps/oauth-server/src/maintenance/cleanup-registry';
import { SweeperService } from '../../apps/oauth-server/src/maintenance/sweeper.service';
import { createTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait-for';

describe('docs/operations.md §6 sweeper: per-module cleanup tasks, run as a worker-pool job under a PostgreSQL advisory lock', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp()));
  beforeEach(() => app.resetDatabase());
  afterAll(() => app.close());

  const tokenRow = (clientId: string, hash: string, expires: string, revoked = false) =>
    app.dataSource.query(
      `INSERT INTO registration_tokens (client_id, token_hash, expires_at, revoked_at, created_at)
       VALUES ($1, $2, now() + $3::interval, ${revoked ? 'now()' : 'NULL'}, now())`,
      [clientId, hash, expires],
    );

  it('every module registers its task: registration tokens, codes, refresh/access tokens, sessions, login throttle', () => {
    const names = app.app.get(CleanupRegistry).list().map((task) => task.name);
    expect(names).toEqual(
      expect.arrayContaining(['registration_tokens', 'authorization_codes', 'refresh_tokens', 'access_tokens', 'sessions', 'login_throttle']),
    );
  });

  it('RFC 7592 §1.3: deletes expired and revoked registration tokens, keeps live ones', async () => {
    const client = await app.registerClient();
    await tokenRow(client.client_id, 'expired', '-1 hour');
    await tokenRow(client.client_id, 'revoked', '+1 day', true);
    await tokenRow(client.client_id, 'live', '+1 day');
    const result = await app.app.get(SweeperService).sweepOnce();
    expect(result).toMatchObject({ ran: true, deleted: { registration_tokens: 2 } });
    const left = await app.dataSource.query(`SELECT token_hash FROM registration_tokens WHERE client_id = $1 ORDER BY token_hash`, [client.client_id]);
    expect(left.map((row: { token_hash: string }) => row.token_hash)).toContain('live');
    expect(left).toHaveLength(2); // 'live' and the token issued at registration
    // the client still works with its own token
    expect((await app.http.get(`/register/${client.client_id}`).auth(client.registration_access_token, { type: 'bearer' })).status).toBe(200);
  });

  it('deletes in batches: more rows than one batch all go', async () => {
    const client = await app.registerClient();
    await app.dataSource.query(
      `INSERT INTO registration_tokens (client_id, token_hash, expires_at, created_at)
       SELECT $1, 'bulk-' || n, now() - interval '1 day', now() FROM generate_series(1, 2500) AS n`,
      [client.client_id],
    );
    const result = await app.app.get(SweeperService).sweepOnce();
    expect(result).toMatchObject({ ran: true, deleted: { registration_tokens: 2500 } });
  });

  it('a failing task does not stop the others; the sweep then fails as a whole so the pool retries it', async () => {
    const client = await app.registerClient();
    await tokenRow(client.client_id, 'expired', '-1 hour');
    const registry = app.app.get(CleanupRegistry);
    registry.register({ name: 'a_broken_task', run: () => Promise.reject(new Error('broken')) });
    await expect(app.app.get(SweeperService).sweepOnce()).rejects.toThrow(/1 cleanup task\(s\) failed/);
    const left = await app.dataSource.query(`SELECT 1 FROM registration_tokens WHERE token_hash = 'expired'`);
    expect(left).toEqual([]);
    // the lock was released despite the failure: the next sweep runs (and fails on the same task)
    await expect(app.app.get(SweeperService).sweepOnce()).rejects.toThrow(/failed/);
    registry.unregister('a_broken_task');
  });

  it('the scheduled path: scheduleSweep queues the sweep on the worker pool, which runs it', async () => {
    const client = await app.registerClient();
    await tokenRow(client.client_id, 'expired', '-1 hour');
    const pool = app.app.get(WorkerPoolService);
    const doneBefore = pool.stats().done;
    expect(app.app.get(SweeperService).scheduleSweep()).toBe(true);
    await waitFor(() => pool.stats().done > doneBefore && pool.stats().running === 0);
    expect(await app.dataSource.query(`SELECT 1 FROM registration_tokens WHERE token_hash = 'expired'`)).toEqual([]);
  });
});
