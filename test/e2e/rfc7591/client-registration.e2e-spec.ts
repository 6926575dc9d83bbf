import { aClient, aNativeClient } from '../../support/builders';
import { createTestApp, TEST_ISSUER, TestApp } from '../../support/test-app';

describe('RFC 7591 §3.1 Client Registration Request', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp()));
  beforeEach(() => app.resetDatabase());
  afterAll(() => app.close());

  it('RFC 7591 §3.2.1: answers 201 with client_id, secret, token, registration_client_uri and the registered metadata', async () => {
    const res = await app.http.post('/register').send(aClient({ client_name: 'Photo Book', contacts: ['ops@example.com'] }));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      client_id: expect.stringMatching(/^[A-Za-z0-9_-]{22,}$/),
      client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43,}$/),
      client_id_issued_at: expect.any(Number),
      client_secret_expires_at: 0,
      registration_access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43,}$/),
      registration_client_uri: `${TEST_ISSUER}/register/${res.body.client_id}`,
      redirect_uris: ['https://app.example.com/callback'],
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      application_type: 'web',
      scope: 'openid profile email offline_access',
      client_name: 'Photo Book',
      contacts: ['ops@example.com'],
    });
    expect(Math.abs(res.body.client_id_issued_at - Date.now() / 1000)).toBeLessThan(60);
  });

  it('RFC 7591 §3.2.1: secret-bearing responses carry Cache-Control: no-store and Pragma: no-cache', async () => {
    const res = await app.http.post('/register').send(aClient());
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['pragma']).toBe('no-cache');
  });

  it('RFC 7591 §2: applies the defaults for grant_types, response_types and token_endpoint_auth_method', async () => {
    const res = await app.http.post('/register').send({ redirect_uris: ['https://a.example.com/cb'] });
    expect(res.status).toBe(201);
    expect(res.body.grant_types).toEqual(['authorization_code']);
    expect(res.body.response_types).toEqual(['code']);
    expect(res.body.token_endpoint_auth_method).toBe('client_secret_basic');
  });

  it('RFC 7591 §2: ignores metadata the server does not understand', async () => {
    const res = await app.http.post('/register').send(aClient({ frobnicate: true, 'client_name#ja': 'x' }));
    expect(res.status).toBe(201);
    expect(res.body).not.toHaveProperty('frobnicate');
    expect(res.body).not.toHaveProperty('client_name#ja');
  });

  it('RFC 7591 §2: a public client (none) gets no client_secret and no client_secret_expires_at', async () => {
    const res = await app.http.post('/register').send(aNativeClient());
    expect(res.status).toBe(201);
    expect(res.body).not.toHaveProperty('client_secret');
    expect(res.body).not.toHaveProperty('client_secret_expires_at');
    expect(res.body.token_endpoint_auth_method).toBe('none');
  });

  it('RFC 7591 §2: client_credentials alone needs no redirect_uris and registers no response type', async () => {
    const res = await app.http.post('/register').send({ grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' });
    expect(res.status).toBe(201);
    expect(res.body.response_types).toEqual([]);
    expect(res.body.redirect_uris).toEqual([]);
  });

  it('RFC 6749 §10.10: every client_id, secret and token is different', async () => {
    const a = await app.registerClient();
    const b = await app.registerClient();
    expect(new Set([a.client_id, b.client_id]).size).toBe(2);
    expect(new Set([a.client_secret, b.client_secret, a.registration_access_token, b.registration_access_token]).size).toBe(4);
  });

  it('RFC 6819 §5.1.4.1.3: stores only hashes of the client secret and the registration access token', async () => {
    const reg = await app.registerClient();
    const clients = await app.dataSource.query('SELECT * FROM clients');
    const tokens = await app.dataSource.query('SELECT * FROM registration_tokens');
    const stored = JSON.stringify([clients, tokens]);
    expect(stored).not.toContain(reg.client_secret);
    expect(stored).not.toContain(reg.registration_access_token);
    expect(clients[0].secret_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('RFC 7591 §3.2.2 Client Registration Error Response', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ REGISTRATION_MAX_REDIRECT_URIS: '3', REGISTRATION_MAX_CONTACTS: '2' })));
  afterAll(() => app.close());

  const expectError = async (body: unknown, error: string, mentions: string | RegExp) => {
    const res = await app.http.post('/register').send(body as object);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.error).toBe(error);
    expect(res.body.error_description).toMatch(mentions);
    expect(Object.keys(res.body).sort()).toEqual(['error', 'error_description']);
  };

  it.each([
    ['fragment', 'https://app.example.com/cb#frag', /fragment/],
    ['relative URI', '/callback', /absolute/],
    ['javascript scheme', 'javascript:alert(1)', /forbidden scheme/],
    ['JavaScript scheme in mixed case', 'JaVaScRiPt:alert(1)', /forbidden scheme/],
    ['data scheme', 'data:text/html,<script>alert(1)</script>', /forbidden scheme/],
    ['file scheme', 'FILE:///etc/passwd', /forbidden scheme/],
    ['tab hidden in the scheme', 'java\tscript:alert(1)', /control characters/],
    ['http on a public host', 'http://app.example.com/cb', /https/],
    ['private-use scheme for a web client', 'com.example.app:/cb', /https/],
    ['credentials in the URI', 'https://user:pw@app.example.com/cb', /credentials/],
    ['wildcard host', 'https://*.example.com/cb', /wildcards/],
  ])('RFC 9700 §4.1 / RFC 6749 §3.1.2: refuses a redirect URI with %s → invalid_redirect_uri', async (_case, uri, mentions) => {
    await expectError(aClient({ redirect_uris: [uri] }), 'invalid_redirect_uri', mentions);
  });

  it('RFC 8252 §7.3: a web client may use http on loopback; §7.1 a native client a private-use scheme', async () => {
    expect((await app.http.post('/register').send(aClient({ redirect_uris: ['http://localhost:8080/cb'] }))).status).toBe(201);
    expect((await app.http.post('/register').send(aNativeClient())).status).toBe(201);
  });

  it('RFC 8252 §7.1: a native private-use scheme must be a reverse domain name', async () => {
    await expectError(aNativeClient({ redirect_uris: ['myapp:/cb'] }), 'invalid_redirect_uri', /reverse domain/);
  });

  it('RFC 7591 §2: redirect_uris are required for the authorization_code grant', async () => {
    await expectError({ client_name: 'x' }, 'invalid_redirect_uri', /redirect_uris/);
  });

  it('REGISTRATION_MAX_REDIRECT_URIS, REGISTRATION_MAX_CONTACTS (docs/configuration.md): refuses more redirect URIs or contacts than configured', async () => {
    const uris = ['https://a.example.com/1', 'https://a.example.com/2', 'https://a.example.com/3', 'https://a.example.com/4'];
    await expectError(aClient({ redirect_uris: uris }), 'invalid_redirect_uri', /at most 3/);
    await expectError(aClient({ contacts: ['a@x.io', 'b@x.io', 'c@x.io'] }), 'invalid_client_metadata', /contacts: at most 2/);
  });

  it.each([
    ['implicit', { grant_types: ['implicit'], response_types: ['token'] }, /implicit/],
    ['password', { grant_types: ['password'] }, /password/],
    ['unknown grant', { grant_types: ['urn:example:magic'] }, /not supported/],
    ['token response type', { response_types: ['token'] }, /response_types/],
    ['code without authorization_code', { grant_types: ['client_credentials'], response_types: ['code'] }, /inconsistent/],
    ['authorization_code without code', { response_types: [] }, /inconsistent/],
    ['refresh_token alone', { grant_types: ['refresh_token'], response_types: [] }, /refresh_token/],
    ['client_credentials for a public client', { grant_types: ['client_credentials'], token_endpoint_auth_method: 'none', response_types: [] }, /confidential/],
    ['unknown auth method', { token_endpoint_auth_method: 'client_secret_jwt' }, /token_endpoint_auth_method/],
    ['a malformed scope list (RFC 6749 §3.3; unsupported values are dropped instead)', { scope: 'openid  admin' }, /scope/],
    ['jwks and jwks_uri together', { jwks_uri: 'https://app.example.com/jwks', jwks: { keys: [] } }, /jwks_uri and jwks/],
    ['jwks that is not a JWK Set', { jwks: { kty: 'RSA' } }, /jwks/],
    ['http jwks_uri', { jwks_uri: 'http://app.example.com/jwks' }, /jwks_uri/],
    ['logo_uri that is not a URL', { logo_uri: 'not a url' }, /logo_uri/],
    ['unknown application_type', { application_type: 'desktop' }, /application_type/],
  ])('RFC 7591 §2 / §2.1: refuses %s → invalid_client_metadata', async (_case, fields, mentions) => {
    await expectError(aClient(fields), 'invalid_client_metadata', mentions);
  });

  it.each([
    ['redirect_uris as a string', { redirect_uris: 'https://a.example.com/cb' }, /redirect_uris/],
    ['a number in redirect_uris', { redirect_uris: [42] }, /redirect_uris/],
    ['client_name as a number', { client_name: 7 }, /client_name/],
    ['grant_types as an object', { grant_types: { a: 1 } }, /grant_types/],
    ['scope as an array', { scope: ['openid'] }, /scope/],
    ['jwks as a string', { jwks: 'keys' }, /jwks/],
  ])('RFC 7591 §3.2.2: a wrong value type (%s) names the field', async (_case, fields, mentions) => {
    await expectError(aClient(fields), 'invalid_client_metadata', mentions);
  });

  it('RFC 7591 §3.2.2: a NUL character in any metadata value is invalid_client_metadata, never a 500', async () => {
    await expectError(aClient({ client_name: 'a\u0000b' }), 'invalid_client_metadata', /client_name: must not contain the NUL/);
    await expectError(aClient({ jwks: { keys: [{ kty: 'RSA', n: 'x\u0000' }] } }), 'invalid_client_metadata', /jwks.keys.n: must not contain the NUL/);
  });

  it('RFC 7591 §3.2.2: a body that is not a JSON object is refused', async () => {
    const res = await app.http.post('/register').set('Content-Type', 'application/json').send('[1,2]');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_client_metadata');
    expect(res.body.error_description).toMatch(/JSON object/);
  });

  it('RFC 6749 §5.2: malformed JSON gets 400 invalid_request, not a 500', async () => {
    const res = await app.http.post('/register').set('Content-Type', 'application/json').send('{"redirect_uris": [');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/JSON/) });
  });

  it('RFC 7591 §3.1 (application/json): a wrong content type gets 415 in the same shape', async () => {
    const res = await app.http.post('/register').set('Content-Type', 'text/plain').send('redirect_uris=x');
    expect(res.status).toBe(415);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/Content-Type/) });
    const form = await app.http.post('/register').type('form').send({ redirect_uris: 'https://a.example.com/cb' });
    expect(form.status).toBe(415);
  });

  it('HTTP_BODY_LIMIT_BYTES (docs/configuration.md): a body over the configured cap gets 413 in the same shape', async () => {
    const res = await app.http.post('/register').send(aClient({ client_name: 'x'.repeat(70_000) }));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/larger/) });
  });

  it('RFC 7591 §3.2.2: a wrong type is described by its type rule, not by a length rule it also breaks', async () => {
    const res = await app.http.post('/register').send(aClient({ redirect_uris: 'https://a.example.com/cb' }));
    expect(res.body.error_description).toBe('redirect_uris must be an array');
  });

  it('RFC 6749 §5.2: section signs in descriptions are spelt out, as the character set requires', async () => {
    const res = await app.http.post('/register').send(aClient({ redirect_uris: ['https://a.example.com/cb#x'] }));
    expect(res.body.error_description).toMatch(/RFC 6749 section 3\.1\.2/);
  });

  it('RFC 6749 §5.2: no error_description contains a quote, backslash or non-ASCII character', async () => {
    const res = await app.http.post('/register').send(aClient({ redirect_uris: ['https://例え.jp/"\\#x'] }));
    expect(res.status).toBe(400);
    expect(res.body.error_description).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/);
  });
});
