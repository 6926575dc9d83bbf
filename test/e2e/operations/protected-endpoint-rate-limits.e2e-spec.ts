import { createTestApp, TestApp } from '../../support/test-app';

/**
 * RFC 6585 §4 (429 Too Many Requests) on the endpoints that verify a presented credential or a
 * client for anyone who asks: introspection (RFC 7662 §4: resist token scanning), userinfo (each
 * call verifies a bearer token), /authorize and its decision form. Limits per client address.
 */
describe('RFC 6585 §4 rate limits on /introspect, /userinfo, /authorize and /authorize/decision', () => {
  let app: TestApp;
  beforeAll(
    async () =>
      (app = await createTestApp({ RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_INTROSPECT: '2/60', RATE_LIMIT_USERINFO: '2/60', RATE_LIMIT_AUTHORIZE: '2/60' })),
  );
  afterAll(() => app.close());

  const thrice = async (send: () => PromiseLike<{ status: number }>) => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await send()).status);
    return statuses;
  };

  it('RFC 7662 §4: POST /introspect is limited by RATE_LIMIT_INTROSPECT (429 + Retry-After)', async () => {
    const statuses = await thrice(() => app.http.post('/introspect').type('form').send({ token: 'guess' }));
    expect(statuses.slice(0, 2)).not.toContain(429);
    expect(statuses[2]).toBe(429);
    const refused = await app.http.post('/introspect').type('form').send({ token: 'guess' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body.error).toBe('temporarily_unavailable');
  });

  it.each(['get', 'post'] as const)('RFC 6749 §10.10: %s /userinfo is limited by RATE_LIMIT_USERINFO', async (method) => {
    const statuses = await thrice(() => app.http[method]('/userinfo').set('Authorization', 'Bearer a.b.c'));
    expect(statuses).toEqual([401, 401, 429]);
  });

  it('RFC 6749 §3.1: GET /authorize is limited by RATE_LIMIT_AUTHORIZE', async () => {
    const statuses = await thrice(() => app.http.get('/authorize?client_id=unknown&response_type=code'));
    expect(statuses.slice(0, 2)).not.toContain(429);
    expect(statuses[2]).toBe(429);
  });

  it('RFC 6749 §4.1.1: POST /authorize/decision is limited by RATE_LIMIT_AUTHORIZE', async () => {
    const statuses = await thrice(() => app.http.post('/authorize/decision').type('form').send({ decision: 'allow' }));
    expect(statuses.slice(0, 2)).not.toContain(429);
    expect(statuses[2]).toBe(429);
  });
});
