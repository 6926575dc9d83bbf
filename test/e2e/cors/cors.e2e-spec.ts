import { aClient } from '../../support/builders';
import { createTestApp, TestApp } from '../../support/test-app';

const SPA = 'https://spa.example.com';

describe('Issue 5: CORS for browser clients — registration, discovery, token and JWKS only, allow-listed origins only', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ CORS_ALLOWED_ORIGINS: `${SPA} http://localhost:5173`, RATE_LIMIT_ENABLED: 'false' })));
  afterAll(() => app.close());

  it('preflight for POST /register from an allowed origin: the origin echoed, Authorization and Content-Type allowed', async () => {
    const res = await app.http
      .options('/register')
      .set('Origin', SPA)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(SPA);
    expect(res.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(res.headers['access-control-allow-headers']?.toLowerCase()).toBe('authorization, content-type');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.headers.vary).toMatch(/Origin/);
  });

  it('RFC 7591 §3.1 from the page: the 201 carries the CORS headers; RFC 7592 management too', async () => {
    const res = await app.http.post('/register').set('Origin', SPA).send(aClient());
    expect(res.status).toBe(201);
    expect(res.headers['access-control-allow-origin']).toBe(SPA);
    const read = await app.http.get(`/register/${res.body.client_id}`).set('Origin', SPA).auth(res.body.registration_access_token, { type: 'bearer' });
    expect(read.status).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBe(SPA);
  });

  it.each([['/.well-known/openid-configuration'], ['/.well-known/oauth-authorization-server'], ['/jwks.json']])('GET %s from an allowed origin', async (path) => {
    const res = await app.http.get(path).set('Origin', 'http://localhost:5173');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
  });

  it('POST /token from an allowed origin: even an error is readable, with its WWW-Authenticate challenge exposed', async () => {
    const res = await app.http.post('/token').set('Origin', SPA).type('form').send({ grant_type: 'authorization_code', code: 'x', client_id: 'nobody' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers['access-control-allow-origin']).toBe(SPA);
    expect(res.headers['access-control-expose-headers']).toBe('WWW-Authenticate');
  });

  it('a server-to-server request (no Origin) gets no CORS headers, and every response varies on Origin for caches', async () => {
    const res = await app.http.get('/.well-known/openid-configuration');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers.vary).toMatch(/Origin/);
  });

  it('an OPTIONS request that is not a preflight (no Access-Control-Request-Method) is an unknown route', async () => {
    const res = await app.http.options('/register').set('Origin', SPA);
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('invalid_request');
  });

  it('an origin not on the list gets no CORS headers, so the browser withholds the response', async () => {
    const res = await app.http.post('/register').set('Origin', 'https://evil.example').send(aClient());
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await app.http.options('/register').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it.each([['/login'], ['/account'], ['/authorize?client_id=x']])('never on the login and consent pages: %s', async (path) => {
    const res = await app.http.get(path).set('Origin', SPA);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await app.http
      .options(path)
      .set('Origin', SPA)
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('Issue 5: without CORS_ALLOWED_ORIGINS no endpoint answers cross-origin requests', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ RATE_LIMIT_ENABLED: 'false' })));
  afterAll(() => app.close());

  it('no Access-Control-Allow-Origin anywhere', async () => {
    const res = await app.http.get('/.well-known/openid-configuration').set('Origin', SPA);
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
