import { aClient } from '../../support/builders';
import { createTestApp, TestApp } from '../../support/test-app';

describe('Rate limits when REDIS_URL is unreachable (docs/security.md, "Rate limits"): the in-memory limiter takes over', () => {
  let app: TestApp;
  // Nothing listens on port 1: every connection attempt is refused.
  beforeAll(async () => (app = await createTestApp({ RATE_LIMIT_ENABLED: 'true', REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_REGISTER: '3/60', HTTP_TRUST_PROXY: 'true' })));
  afterAll(() => app.close());

  it('RFC 6585 §4: the request over the limit still gets 429 + Retry-After, counted per instance in memory', async () => {
    const register = () => app.http.post('/register').set('X-Forwarded-For', '198.51.100.7').send(aClient());
    for (let i = 0; i < 3; i += 1) expect((await register()).status).toBe(201);
    const refused = await register();
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('temporarily_unavailable');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('an IPv6 client counts by its /64: other addresses of the same /64 share its limit, another /64 does not', async () => {
    const register = (address: string) => app.http.post('/register').set('X-Forwarded-For', address).send(aClient());
    for (let i = 0; i < 3; i += 1) expect((await register(`2001:db8:7:7::${i + 1}`)).status).toBe(201);
    expect((await register('2001:db8:7:7:abcd::1')).status).toBe(429);
    expect((await register('2001:db8:7:8::1')).status).toBe(201);
  });
});
