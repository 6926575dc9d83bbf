import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { aClient } from '../../support/builders';
import { createTestApp, TestApp } from '../../support/test-app';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('docs/operations.md §9 rate limits (@fastify/rate-limit): RFC 6585 §4 429 + Retry-After with an OAuth error body', () => {
  describe('in memory (the default)', () => {
    let app: TestApp;
    beforeAll(async () => (app = await createTestApp({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_REGISTER: '3/60', RATE_LIMIT_MANAGEMENT: '2/60', RATE_LIMIT_LOGIN: '2/60', RATE_LIMIT_TOKEN: '2/60' })));
    afterAll(() => app.close());

    it('POST /register: the request over the limit gets 429, Retry-After and {"error":"temporarily_unavailable"}', async () => {
      for (let i = 0; i < 3; i += 1) expect((await app.http.post('/register').send(aClient())).status).toBe(201);
      const res = await app.http.post('/register').send(aClient());
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.stringContaining('rate limit') });
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('the management routes have their own limit (RATE_LIMIT_MANAGEMENT), counted apart from registration', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await app.http.get('/register/some-client').auth('x', { type: 'bearer' })).status);
      expect(statuses).toEqual([401, 401, 429]);
    });

    it('the login form (POST /login) and the token endpoint (POST /token) are limited by RATE_LIMIT_LOGIN and RATE_LIMIT_TOKEN', async () => {
      const login: number[] = [];
      const token: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        login.push((await app.http.post('/login').type('form').send({ username: 'nobody', password: 'wrong-password' })).status);
        token.push((await app.http.post('/token').type('form').send({ grant_type: 'authorization_code', code: 'nope' })).status);
      }
      expect(login.slice(0, 2)).not.toContain(429);
      expect(login[2]).toBe(429);
      expect(token.slice(0, 2)).not.toContain(429);
      expect(token[2]).toBe(429);
    });

    it('routes without a configured limit are not limited (discovery, health)', async () => {
      for (let i = 0; i < 10; i += 1) expect((await app.http.get('/health/live')).status).toBe(200);
    });
  });

  describe('in Redis (REDIS_URL), shared by several instances', () => {
    let first: TestApp;
    let second: TestApp;
    let redis: Redis;
    const namespaceProbe = `tessera-rate-limit-test-${randomBytes(4).toString('hex')}`;
    beforeAll(async () => {
      redis = new Redis(REDIS_URL);
      await redis.set(namespaceProbe, '1', 'EX', 60); // fails loudly here if Redis is not there
      // Each run starts from empty counters: clear this limiter's keys.
      const keys = await redis.keys('tessera-rate-limit:*');
      if (keys.length > 0) await redis.del(...keys);
      first = await createTestApp({ RATE_LIMIT_ENABLED: 'true', REDIS_URL, RATE_LIMIT_REGISTER: '4/60' });
      second = await createTestApp({ RATE_LIMIT_ENABLED: 'true', REDIS_URL, RATE_LIMIT_REGISTER: '4/60' });
    });
    afterAll(async () => {
      await first?.close();
      await second?.close();
      const keys = await redis.keys('tessera-rate-limit:*');
      if (keys.length > 0) await redis.del(...keys);
      await redis.del(namespaceProbe);
      redis.disconnect();
    });

    it('two instances count against one limit: 4 accepted across both, the 5th refused by either', async () => {
      const statuses: number[] = [];
      for (const app of [first, second, first, second]) statuses.push((await app.http.post('/register').send(aClient())).status);
      expect(statuses).toEqual([201, 201, 201, 201]);
      const refused = await second.http.post('/register').send(aClient());
      expect(refused.status).toBe(429);
      expect(refused.body.error).toBe('temporarily_unavailable');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await first.http.post('/register').send(aClient())).status).toBe(429);
      expect(await redis.keys('tessera-rate-limit:*')).not.toHaveLength(0);
    });
  });
});
