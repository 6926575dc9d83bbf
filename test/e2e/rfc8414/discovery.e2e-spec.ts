import { createTestApp, TEST_ISSUER, TestApp } from '../../support/test-app';

describe('RFC 8414 §3 Authorization Server Metadata', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp()));
  afterAll(() => app.close());

  it.each(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'])(
    'RFC 8414 §3.2: %s lists the issuer exactly and the registration endpoint built from it',
    async (path) => {
      const res = await app.http.get(path).set('Host', 'evil.example.com');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        issuer: TEST_ISSUER,
        registration_endpoint: `${TEST_ISSUER}/register`,
        authorization_endpoint: `${TEST_ISSUER}/authorize`,
        token_endpoint: `${TEST_ISSUER}/token`,
        jwks_uri: `${TEST_ISSUER}/jwks.json`,
        userinfo_endpoint: `${TEST_ISSUER}/userinfo`,
        revocation_endpoint: `${TEST_ISSUER}/revoke`,
        introspection_endpoint: `${TEST_ISSUER}/introspect`,
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        response_types_supported: ['code'],
        response_modes_supported: ['query'],
        grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
        token_endpoint_auth_signing_alg_values_supported: ['RS256', 'ES256', 'EdDSA'],
        revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
        revocation_endpoint_auth_signing_alg_values_supported: ['RS256', 'ES256', 'EdDSA'],
        introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
        introspection_endpoint_auth_signing_alg_values_supported: ['RS256', 'ES256', 'EdDSA'],
        authorization_response_iss_parameter_supported: true,
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        prompt_values_supported: ['none', 'login', 'consent'],
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'azp', 'preferred_username', 'name', 'email', 'email_verified'],
        request_parameter_supported: false,
        request_uri_parameter_supported: false,
        service_documentation: `${TEST_ISSUER}/docs`,
      });
    },
  );

  it('RFC 8414 §2: lists only endpoints that answer', async () => {
    const res = await app.http.get('/.well-known/oauth-authorization-server');
    const endpoints = Object.entries(res.body).filter(([name]) => name.endsWith('_endpoint'));
    for (const [, url] of endpoints) {
      const path = new URL(url as string).pathname;
      const probe = await app.http.post(path).send({});
      expect(probe.status).not.toBe(404);
    }
  });

  it('RFC 8414 §2 jwks_uri: serves the JWK Set of the signing keys, public parts only', async () => {
    const res = await app.http.get('/jwks.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/jwk-set\+json/);
    expect(res.body.keys.length).toBeGreaterThan(0);
    for (const key of res.body.keys) {
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
      expect(key).not.toHaveProperty('d');
      expect(key).not.toHaveProperty('p');
    }
  });

  it('registration responses build URLs from ISSUER, never from the Host header', async () => {
    const res = await app.http.post('/register').set('Host', 'evil.example.com').send({ redirect_uris: ['https://a.example.com/cb'] });
    expect(res.body.registration_client_uri).toBe(`${TEST_ISSUER}/register/${res.body.client_id}`);
  });
});

describe('OpenAPI document and Swagger UI', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp()));
  afterAll(() => app.close());

  it('/docs-json documents every registration endpoint with its bearer scheme and error responses', async () => {
    const res = await app.http.get('/docs-json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/register', '/register/{clientId}', '/.well-known/oauth-authorization-server']),
    );
    expect(doc.paths['/register'].post.responses).toHaveProperty('201');
    expect(doc.paths['/register'].post.responses).toHaveProperty('400');
    for (const method of ['get', 'put', 'delete']) {
      const operation = doc.paths['/register/{clientId}'][method];
      expect(operation.security).toEqual([{ 'registration-access-token': [] }]);
      expect(operation.responses).toHaveProperty('401');
      expect(operation.responses).toHaveProperty('403');
    }
    expect(doc.components.securitySchemes['registration-access-token']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.RegisterClientDto.properties.redirect_uris).toBeDefined();
    expect(doc.components.schemas.UpdateClientDto.properties).not.toHaveProperty('registration_access_token');
  });

  it('/docs-json documents every JSON endpoint of the authorization-code flow; the HTML pages are described as browser pages', async () => {
    const doc = (await app.http.get('/docs-json')).body;
    expect(doc.paths['/token'].post.requestBody.content).toHaveProperty('application/x-www-form-urlencoded');
    expect(doc.paths['/token'].post.responses).toEqual(expect.objectContaining({ '200': expect.anything(), '400': expect.anything(), '401': expect.anything() }));
    for (const path of ['/revoke', '/introspect']) expect(doc.paths[path]).toHaveProperty('post');
    expect(doc.paths['/userinfo']).toEqual(expect.objectContaining({ get: expect.anything(), post: expect.anything() }));
    expect(doc.paths['/jwks.json']).toHaveProperty('get');
    for (const html of ['/login', '/logout', '/authorize', '/authorize/decision', '/account']) {
      for (const operation of Object.values(doc.paths[html] as Record<string, { tags: string[] }>)) expect(operation.tags).toEqual(['Browser pages']);
    }
  });

  it('/docs serves the Swagger UI', async () => {
    const res = await app.http.get('/docs').redirects(1);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/swagger-ui/i);
  });
});
