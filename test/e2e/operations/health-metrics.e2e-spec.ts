import { WorkerPoolService } from '@app/worker-pool';
import { AuditRepository } from '../../../apps/oauth-server/src/audit/audit.repository';
import { ShutdownState } from '../../../apps/oauth-server/src/health/shutdown-state';
import { aClient } from '../../support/builders';
import { createTestApp, TestApp } from '../../support/test-app';
import { waitFor } from '../../support/wait-for';

describe('docs/operations.md §3, §4, §6, §9: health, metrics, audit trail and security headers', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ HTTP_TRUST_PROXY: 'true' })));
  afterAll(() => app.close());

  const poolIdle = () => waitFor(() => {
    const stats = app.app.get(WorkerPoolService).stats();
    return stats.queued === 0 && stats.running === 0;
  });

  describe('health (terminus)', () => {
    it('/health/live answers 200 without touching dependencies', async () => {
      const res = await app.http.get('/health/live');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'ok' });
    });

    it('/health/ready answers 200 with the database up', async () => {
      const res = await app.http.get('/health/ready');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
      expect(res.headers['cache-control']).toBe('no-store');
    });
  });

  describe('metrics (prom-client)', () => {
    it('/metrics: request histogram by route pattern and status, registrations, worker pool and DB pool figures', async () => {
      const reg = await app.registerClient();
      await app.http.get(`/register/${reg.client_id}`).auth(reg.registration_access_token, { type: 'bearer' });
      await poolIdle();
      const res = await app.http.get('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toMatch(/http_request_duration_seconds_bucket\{le="[0-9.+Inf]+",method="POST",route="\/register",status_code="201"\} [1-9]/);
      expect(res.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/register\/:clientId",status_code="200"\} 1/);
      expect(res.text).not.toContain(reg.client_id); // route patterns, never ids
      expect(res.text).toMatch(/tessera_client_registration_events_total\{event="registered"\} [1-9]/);
      expect(res.text).toMatch(/tessera_worker_pool_jobs\{pool="background",state="queued"\} 0/);
      expect(res.text).toMatch(/tessera_worker_pool_jobs\{pool="cpu",state="running"\} 0/);
      // Registration changes store their audit record in their own transaction, not in the background.
      expect(res.text).toMatch(/tessera_worker_pool_jobs_finished_total\{pool="background",outcome="done"\} \d+/);
      expect(res.text).toMatch(/tessera_db_pool_connections\{state="total"\} \d+/);
      expect(res.text).toContain('# TYPE tessera_tokens_issued_total counter');
      expect(res.text).toContain('# TYPE tessera_login_failures_total counter');
      expect(res.text).toContain('nodejs_eventloop_lag_p99_seconds');
    });
  });

  describe('audit trail of registration changes', () => {
    it('register, update, delete: who, what, when and from where, committed with the change, never a secret', async () => {
      const res = await app.http.post('/register').set('X-Request-Id', 'audit-req-1').send(aClient({ client_name: 'audited' }));
      expect(res.status).toBe(201);
      const reg = res.body;
      const put = await app.http
        .put(`/register/${reg.client_id}`)
        .auth(reg.registration_access_token, { type: 'bearer' })
        .send({ client_id: reg.client_id, client_secret: reg.client_secret, redirect_uris: ['https://app.example.com/other'] });
      expect(put.status).toBe(200);
      const token = put.body.registration_access_token ?? reg.registration_access_token;
      expect((await app.http.delete(`/register/${reg.client_id}`).auth(token, { type: 'bearer' })).status).toBe(204);
      await poolIdle();

      const events = await app.app.get(AuditRepository).list({ clientId: reg.client_id });
      expect(events.map((event) => event.event)).toEqual(['client.deleted', 'client.updated', 'client.registered']);
      const registered = events[2];
      expect(registered).toMatchObject({ actor: 'anonymous', requestId: 'audit-req-1', clientId: reg.client_id });
      expect(registered.sourceAddress).toMatch(/127\.0\.0\.1/);
      expect(registered.occurredAt).toBeInstanceOf(Date);
      expect(events[1]).toMatchObject({ actor: 'client', details: expect.objectContaining({ redirect_uris: ['https://app.example.com/other'] }) });
      const stored = JSON.stringify(events);
      for (const secret of [reg.client_secret, reg.registration_access_token, put.body.registration_access_token].filter(Boolean)) {
        expect(stored).not.toContain(secret);
      }
      // list(): filters by event kind and limits
      const onlyDeletes = await app.app.get(AuditRepository).list({ event: 'client.deleted', limit: 1 });
      expect(onlyDeletes).toHaveLength(1);
      expect(onlyDeletes[0].clientId).toBe(reg.client_id);
    });
  });

  describe('security headers (helmet)', () => {
    it("an API response: CSP default-src 'none' with frame-ancestors 'none', X-Frame-Options DENY, nosniff, CORP; no document headers; no HSTS over plain http", async () => {
      const res = await app.http.get('/.well-known/oauth-authorization-server');
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
      expect(res.headers['referrer-policy']).toBeUndefined();
      expect(res.headers['strict-transport-security']).toBeUndefined();
    });

    it("a page (HTML): helmet's document set — CSP default-src 'self' with frame-ancestors 'none', Referrer-Policy, opener policy", async () => {
      const res = await app.http.get('/login');
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });

    it('HSTS when served over https (X-Forwarded-Proto from a trusted proxy)', async () => {
      const res = await app.http.get('/health/live').set('X-Forwarded-Proto', 'https');
      expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    });

    it('RFC 7591 §3.2.1 / RFC 6749 §5.1: responses carrying secrets are no-store; anything else defaults to no-store unless its route allows caching', async () => {
      const reg = await app.http.post('/register').send(aClient());
      expect(reg.headers['cache-control']).toBe('no-store');
      const notFound = await app.http.get('/no-such-route');
      expect(notFound.headers['cache-control']).toBe('no-store');
      const discovery = await app.http.get('/.well-known/oauth-authorization-server');
      expect(discovery.headers['cache-control']).toMatch(/max-age/);
    });
  });

  it('readiness fails (503) once shutdown has begun, so the load balancer stops routing here', async () => {
    app.app.get(ShutdownState).begin();
    const res = await app.http.get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'shutting_down' });
    expect((await app.http.get('/health/live')).status).toBe(200);
  });
});
