import 'reflect-metadata';
import { loadConfig } from '@app/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import pino from 'pino';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createHttpApp } from '../../apps/oauth-server/src/http-app';
import { SweeperService } from '../../apps/oauth-server/src/maintenance/sweeper.service';
import { aClient } from '../support/builders';
import { startThrowawayPostgres, ThrowawayPostgres } from '../support/throwaway-postgres';
import { waitFor } from '../support/wait-for';

interface Outcome {
  phase: 'before' | 'down' | 'after';
  status: number;
  body: Record<string, string>;
  retryAfter?: string;
}

/**
 * docs/operations.md §8: a real PostgreSQL cluster of this test's own is stopped and restarted under load. Runs the
 * same on PGlite and PostgreSQL CI runs: it always brings its own cluster.
 */
describe('docs/operations.md §8 database outage: 503 temporarily_unavailable while PostgreSQL is down, recovery without a restart', () => {
  let pg: ThrowawayPostgres;
  let app: NestFastifyApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    pg = await startThrowawayPostgres();
    const config = loadConfig({ DATABASE_URL: pg.url, DATABASE_POOL_SIZE: '4', ISSUER: 'https://tessera.test', SWEEPER_INTERVAL_SECONDS: '0', RATE_LIMIT_ENABLED: 'false' });
    app = await createHttpApp(config, pino({ level: process.env.OUTAGE_DEBUG ? 'error' : 'silent' }));
    http = request(app.getHttpServer());
  }, 60_000);
  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await pg?.destroy();
  });

  it('RFC 6749 §4.1.2.1: under load, stop → 503 + Retry-After and readiness 503; restart → 201 again; every 201 is readable with its token', async () => {
    let phase: Outcome['phase'] = 'before';
    let running = true;
    const outcomes: Outcome[] = [];
    const count = (p: Outcome['phase'], status: number) => outcomes.filter((o) => o.phase === p && o.status === status).length;
    // Bounded load: 4 concurrent registration loops, at most 600 requests in all.
    const worker = async () => {
      while (running && outcomes.length < 600) {
        const at = phase;
        const res = await http.post('/register').send(aClient({ client_name: `load ${outcomes.length}` }));
        outcomes.push({ phase: at, status: res.status, body: res.body, retryAfter: res.headers['retry-after'] });
      }
    };
    const load = Promise.all([worker(), worker(), worker(), worker()]);
    try {
      await waitFor(() => count('before', 201) >= 10);

      await pg.stop();
      phase = 'down';
      await waitFor(() => count('down', 503) >= 10);
      const ready = await http.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
      expect((await http.get('/health/live')).status).toBe(200); // the process is up and says so

      await pg.start();
      await waitFor(async () => (await http.get('/health/ready')).status === 200, { attempts: 400 });
      phase = 'after';
      await waitFor(() => count('after', 201) >= 10);
    } finally {
      running = false;
      await load;
    }

    // Only two answers ever: committed (201) or "retry later" (503 temporarily_unavailable + Retry-After).
    const unexpected = outcomes.filter((o) => o.status !== 201 && o.status !== 503);
    expect(unexpected).toEqual([]);
    for (const o of outcomes.filter((o) => o.status === 503)) {
      expect(o.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
      expect(Number(o.retryAfter)).toBeGreaterThan(0);
    }
    // A 201 is only sent after the commit: every acknowledged registration is there, with a working token.
    const acknowledged = outcomes.filter((o) => o.status === 201);
    expect(acknowledged.length).toBeGreaterThanOrEqual(20);
    for (const o of acknowledged) {
      const read = await http.get(`/register/${o.body.client_id}`).auth(o.body.registration_access_token, { type: 'bearer' });
      expect(read.status).toBe(200);
      expect(read.body.client_id).toBe(o.body.client_id);
    }
  });

  it('the sweeper runs on one instance at a time: while another session holds the advisory lock it skips, then it sweeps', async () => {
    const dataSource = app.get(DataSource);
    const [{ client_id: clientId }] = await dataSource.query('SELECT client_id FROM clients LIMIT 1');
    await dataSource.query(
      `INSERT INTO registration_tokens (client_id, token_hash, expires_at, created_at)
       VALUES ($1, 'expired-hash-1', now() - interval '1 day', now() - interval '2 days'),
              ($1, 'expired-hash-2', now() - interval '1 hour', now() - interval '2 days')`,
      [clientId],
    );
    const live = Number((await dataSource.query(`SELECT count(*) AS n FROM registration_tokens WHERE expires_at > now() AND revoked_at IS NULL`))[0].n);

    const otherInstance = new Client({ connectionString: pg.url });
    await otherInstance.connect();
    try {
      await otherInstance.query('SELECT pg_advisory_lock(32341, 1)');
      await expect(app.get(SweeperService).sweepOnce()).resolves.toEqual({ ran: false, reason: 'locked' });
      await otherInstance.query('SELECT pg_advisory_unlock(32341, 1)');
    } finally {
      await otherInstance.end();
    }
    const swept = await app.get(SweeperService).sweepOnce();
    expect(swept.ran).toBe(true);
    expect(swept.ran && swept.deleted.registration_tokens).toBeGreaterThanOrEqual(2);
    const left = await dataSource.query(`SELECT token_hash FROM registration_tokens WHERE token_hash LIKE 'expired-hash-%'`);
    expect(left).toEqual([]);
    const liveAfter = Number((await dataSource.query(`SELECT count(*) AS n FROM registration_tokens WHERE expires_at > now() AND revoked_at IS NULL`))[0].n);
    expect(liveAfter).toBe(live);
  });
});
