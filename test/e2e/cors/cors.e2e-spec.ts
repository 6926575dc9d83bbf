import { aClient } from '../../support/builders';
import { createTestApp, TestApp } from '../../support/test-app';

const SPA = 'https://spa.example.com';

describe('Fetch standard §3.2 CORS: client endpoints for allow-listed origins, public documents for every origin', () => {
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

  it.each([['/.well-known/openid-configuration'], ['/.well-known/oauth-authorization-server'], ['/jwks.json']])(
    'RFC 8414 §3, OIDC Discovery §4: GET %s is readable from any origin (Access-Control-Allow-Origin: *)',
    async (path) => {
      for (const origin of ['http://localhost:5173', 'https://any-mcp-client.example']) {
        const res = await app.http.get(path).set('Origin', origin);
        expect(res.status).toBe(200);
        expect(res.headers['access-control-allow-origin']).toBe('*');
        expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      }
    },
  );

  it('RFC 8414 §3: a discovery preflight from any origin may ask for any header (MCP-Protocol-Version)', async () => {
    const res = await app.http
      .options('/.well-known/oauth-authorization-server')
      .set('Origin', 'https://any-mcp-client.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'mcp-protocol-version, x-trace-id');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-headers']).toBe('mcp-protocol-version, x-trace-id');
    expect(res.headers['access-control-allow-methods']).toBe('GET');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    const jwks = await app.http.options('/jwks.json').set('Origin', 'https://other.example').set('Access-Control-Request-Method', 'GET');
    expect(jwks.status).toBe(204);
    expect(jwks.headers['access-control-allow-origin']).toBe('*');
  });

  it('Fetch standard §3.2.2: a malformed Access-Control-Request-Headers is never echoed', async () => {
    const res = await app.http
      .options('/.well-known/openid-configuration')
      .set('Origin', 'https://any.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'x-a, <script>');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-headers']).toBe('Authorization, Content-Type');
  });

  it.each([
    ['POST', '/revoke'],
    ['GET', '/userinfo'],
    ['POST', '/token'],
  ])('RFC 7009 §2, OIDC Core §5.3, RFC 6749 §3.2: %s %s answers an allowed origin, preflight included', async (method, path) => {
    const preflight = await app.http.options(path).set('Origin', SPA).set('Access-Control-Request-Method', method).set('Access-Control-Request-Headers', 'authorization');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(SPA);
    const res = method === 'GET' ? await app.http.get(path).set('Origin', SPA) : await app.http.post(path).set('Origin', SPA).type('form').send({});
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers['access-control-allow-origin']).toBe(SPA);
    const other = method === 'GET' ? await app.http.get(path).set('Origin', 'https://evil.example') : await app.http.post(path).set('Origin', 'https://evil.example').type('form').send({});
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('RFC 7662 §2.1: introspection serves resource servers, never a browser page', async () => {
    const res = await app.http.options('/introspect').set('Origin', SPA).set('Access-Control-Request-Method', 'POST');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
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

describe('Fetch standard §3.2: without CORS_ALLOWED_ORIGINS only the public documents answer cross-origin requests', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ RATE_LIMIT_ENABLED: 'false' })));
  afterAll(() => app.close());

  it('RFC 8414 §3: discovery and JWKS still answer *; the client endpoints answer no origin', async () => {
    const discovery = await app.http.get('/.well-known/openid-configuration').set('Origin', SPA);
    expect(discovery.status).toBe(200);
    expect(discovery.headers['access-control-allow-origin']).toBe('*');
    for (const path of ['/register', '/token', '/revoke']) {
      const res = await app.http.post(path).set('Origin', SPA).send({});
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});

describe('Fetch standard §3.2.5: CORS_ALLOWED_ORIGINS=* (MCP deployments) answers every origin with *, never with credentials', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ CORS_ALLOWED_ORIGINS: '*', RATE_LIMIT_ENABLED: 'false' })));
  afterAll(() => app.close());

  it('RFC 7591 §3.1: registration from any origin, preflight and response carry *, no Allow-Credentials', async () => {
    const origin = 'https://any-mcp-client.example';
    const preflight = await app.http
      .options('/register')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    const res = await app.http.post('/register').set('Origin', origin).send(aClient());
    expect(res.status).toBe(201);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    const token = await app.http.post('/token').set('Origin', 'http://127.0.0.1:6274').type('form').send({ grant_type: 'client_credentials' });
    expect(token.headers['access-control-allow-origin']).toBe('*');
  });

  it('never on the login and consent pages, even with *', async () => {
    const res = await app.http.get('/login').set('Origin', 'https://any.example');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
