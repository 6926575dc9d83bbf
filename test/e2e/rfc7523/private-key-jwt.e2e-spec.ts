import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { SweeperService } from '../../../apps/oauth-server/src/maintenance/sweeper.service';
import { basicAuth } from '../../support/oauth-flow';
import { startHttpsTestServer, HttpsTestServer } from '../../support/https-test-server';
import { createTestApp, RegisteredClient, TEST_ISSUER, TestApp } from '../../support/test-app';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

interface KeyPair {
  privateKey: PrivateKey;
  publicJwk: JWK;
  kid: string;
}

async function aKeyPair(alg: 'ES256' | 'RS256' | 'RS384' | 'EdDSA', kid: string = randomUUID()): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg }, kid };
}

interface AssertionOptions {
  alg?: string;
  kid?: string;
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  iat?: number;
  jti?: string | null;
}

async function anAssertion(clientId: string, key: KeyPair, options: AssertionOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = { iss: options.iss ?? clientId, sub: options.sub ?? clientId, aud: options.aud ?? TEST_ISSUER };
  claims.exp = options.exp ?? now + 60;
  claims.iat = options.iat ?? now;
  if (options.jti !== null) claims.jti = options.jti ?? randomUUID();
  return new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? (key.publicJwk.alg as string), kid: options.kid ?? key.kid }).sign(key.privateKey);
}

/** An unsecured JWT (RFC 7519 §6): header alg "none", empty signature. */
function unsecured(clientId: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'none' })}.${part({ iss: clientId, sub: clientId, aud: TEST_ISSUER, exp: now + 60, jti: randomUUID() })}.`;
}

/** HS256 with the client's public key bytes as the HMAC secret (algorithm confusion). */
async function hmacWithPublicKey(clientId: string, key: KeyPair): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const secret = new TextEncoder().encode(JSON.stringify(key.publicJwk));
  return new SignJWT({ iss: clientId, sub: clientId, aud: TEST_ISSUER, exp: now + 60, jti: randomUUID() })
    .setProtectedHeader({ alg: 'HS256', kid: key.kid })
    .sign(secret);
}

const service = { grant_types: ['client_credentials'], redirect_uris: [], token_endpoint_auth_method: 'private_key_jwt' };

describe('RFC 7523 §2.2 private_key_jwt client authentication (RFC 7521 §4.2, OIDC Core §9)', () => {
  let app: TestApp;
  let key: KeyPair;
  let client: RegisteredClient;
  beforeAll(async () => {
    app = await createTestApp();
    key = await aKeyPair('ES256');
  });
  beforeEach(async () => {
    await app.resetDatabase();
    client = await app.registerClient({ ...service, jwks: { keys: [key.publicJwk] } });
  });
  afterAll(() => app.close());

  const token = (assertion: string, extra: Record<string, string> = {}) =>
    app.http.post('/token').type('form').send({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion, ...extra });

  const expectInvalidClient = (res: { status: number; body: { error?: string } }) => {
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  };

  describe('registration (RFC 7591 §2)', () => {
    it('RFC 7591 §3.2.1: a private_key_jwt client is issued no client_secret', () => {
      expect(client.token_endpoint_auth_method).toBe('private_key_jwt');
      expect(client.client_secret).toBeUndefined();
    });

    it('RFC 7591 §2: private_key_jwt without jwks or jwks_uri is invalid_client_metadata', async () => {
      const res = await app.http.post('/register').send({ ...service, client_name: 'No keys' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_client_metadata');
    });

    it('RFC 7591 §2: jwks and jwks_uri together are invalid_client_metadata', async () => {
      const res = await app.http.post('/register').send({ ...service, jwks: { keys: [key.publicJwk] }, jwks_uri: 'https://keys.example.com/jwks.json' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_client_metadata');
    });
  });

  it('RFC 7523 §2.2: a valid assertion (aud = issuer) authenticates at /token', async () => {
    const res = await token(await anAssertion(client.client_id, key));
    expect(res.status).toBe(200);
    expect(res.body.access_token).toEqual(expect.any(String));
  });

  it('RFC 7523 §3 item 3: aud may be the token endpoint URL, and client_id may be sent too (RFC 7521 §4.2)', async () => {
    const res = await token(await anAssertion(client.client_id, key, { aud: `${TEST_ISSUER}/token` }), { client_id: client.client_id });
    expect(res.status).toBe(200);
  });

  it.each(['RS256', 'EdDSA'] as const)('RFC 7523 §2.2: an assertion signed with %s is accepted', async (alg) => {
    const other = await aKeyPair(alg);
    const registered = await app.registerClient({ ...service, jwks: { keys: [other.publicJwk] } });
    expect((await token(await anAssertion(registered.client_id, other))).status).toBe(200);
  });

  it('RFC 7523 §2.2: the assertion authenticates at /introspect and /revoke too', async () => {
    const issued = await token(await anAssertion(client.client_id, key));
    const introspected = await app.http
      .post('/introspect')
      .type('form')
      .send({ token: issued.body.access_token, client_assertion_type: ASSERTION_TYPE, client_assertion: await anAssertion(client.client_id, key) });
    expect(introspected.status).toBe(200);
    expect(introspected.body).toMatchObject({ active: true, client_id: client.client_id });
    const revoked = await app.http
      .post('/revoke')
      .type('form')
      .send({ token: issued.body.access_token, client_assertion_type: ASSERTION_TYPE, client_assertion: await anAssertion(client.client_id, key) });
    expect(revoked.status).toBe(200);
  });

  it('RFC 7523 §3 item 7: a jti used once is refused the second time (replay)', async () => {
    const assertion = await anAssertion(client.client_id, key);
    expect((await token(assertion)).status).toBe(200);
    expectInvalidClient(await token(assertion));
  });

  it('RFC 7523 §3 item 7: the same assertion sent twice at once is accepted once (20 rounds)', async () => {
    for (let round = 0; round < 20; round++) {
      const assertion = await anAssertion(client.client_id, key);
      const [first, second] = await Promise.all([token(assertion), token(assertion)]);
      expect([first.status, second.status].sort()).toEqual([200, 401]);
    }
  });

  it('RFC 7523 §3 item 7: a used jti is kept until the assertion expires, then swept', async () => {
    expect((await token(await anAssertion(client.client_id, key))).status).toBe(200);
    await app.dataSource.query(
      `INSERT INTO client_assertion_jtis (client_id, jti, expires_at) VALUES ($1, 'expired-jti', now() - interval '1 second')`,
      [client.client_id],
    );
    const result = await app.app.get(SweeperService).sweepOnce();
    expect(result).toMatchObject({ ran: true, deleted: { client_assertion_jtis: 1 } });
    const left = await app.dataSource.query('SELECT jti FROM client_assertion_jtis WHERE client_id = $1', [client.client_id]);
    expect(left).toHaveLength(1);
    expect(left[0].jti).not.toBe('expired-jti');
  });

  it('OIDC Core §9: an assertion without jti is refused', async () => {
    expectInvalidClient(await token(await anAssertion(client.client_id, key, { jti: null })));
  });

  it('RFC 7523 §3 item 3: an aud that is not this server is refused', async () => {
    expectInvalidClient(await token(await anAssertion(client.client_id, key, { aud: 'https://other-server.example' })));
  });

  it('RFC 7523 §3 item 4: an expired assertion is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    expectInvalidClient(await token(await anAssertion(client.client_id, key, { exp: now - 120, iat: now - 180 })));
  });

  it('RFC 7523 §3 item 4: an assertion valid for an hour is refused (lifetime bounded to 5 minutes)', async () => {
    const now = Math.floor(Date.now() / 1000);
    expectInvalidClient(await token(await anAssertion(client.client_id, key, { exp: now + 3600 })));
  });

  it('RFC 7523 §3 item 6: an assertion issued in the future (iat) is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    expectInvalidClient(await token(await anAssertion(client.client_id, key, { iat: now + 600, exp: now + 120 })));
  });

  it('RFC 7523 §3 items 1–2: iss different from sub (the client_id) is refused', async () => {
    expectInvalidClient(await token(await anAssertion(client.client_id, key, { iss: 'someone-else' })));
  });

  it('RFC 7521 §4.2: a client_id that differs from the assertion sub is refused', async () => {
    const other = await app.registerClient({ ...service, jwks: { keys: [key.publicJwk] } });
    expectInvalidClient(await token(await anAssertion(client.client_id, key), { client_id: other.client_id }));
  });

  it('RFC 7523 §3 item 8: alg "none" is refused', async () => {
    expectInvalidClient(await token(unsecured(client.client_id)));
  });

  it('RFC 7523 §3 item 8: HS256 keyed with the public key (algorithm confusion) is refused', async () => {
    expectInvalidClient(await token(await hmacWithPublicKey(client.client_id, key)));
  });

  it('RFC 7523 §3 item 8: RS384 is refused even with a matching RSA key (only RS256, ES256, EdDSA)', async () => {
    const rsa = await aKeyPair('RS384');
    const registered = await app.registerClient({ ...service, jwks: { keys: [rsa.publicJwk] } });
    expectInvalidClient(await token(await anAssertion(registered.client_id, rsa)));
  });

  it('RFC 7523 §3 item 8: a kid the client never registered is refused', async () => {
    expectInvalidClient(await token(await anAssertion(client.client_id, key, { kid: 'unknown-kid' })));
  });

  it("RFC 7523 §3 item 8: a signature by another key under the registered kid is refused", async () => {
    const impostor = await aKeyPair('ES256', key.kid);
    expectInvalidClient(await token(await anAssertion(client.client_id, impostor)));
  });

  it('RFC 6749 §2.3: an assertion together with HTTP Basic is invalid_request (one method per request)', async () => {
    const secretClient = await app.registerClient({ grant_types: ['client_credentials'], redirect_uris: [] });
    const res = await app.http
      .post('/token')
      .set('Authorization', basicAuth(secretClient))
      .type('form')
      .send({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: await anAssertion(client.client_id, key) });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('RFC 7591 §2: a private_key_jwt client cannot authenticate as a public client with client_id alone', async () => {
    expectInvalidClient(await app.http.post('/token').type('form').send({ grant_type: 'client_credentials', client_id: client.client_id }));
  });

  it('RFC 7591 §2: a client_secret_basic client cannot switch to a client assertion', async () => {
    const secretClient = await app.registerClient({ grant_types: ['client_credentials'], redirect_uris: [], jwks: { keys: [key.publicJwk] } });
    expectInvalidClient(await token(await anAssertion(secretClient.client_id, key)));
  });

  it('RFC 7523 §2.2: an unknown client_assertion_type is invalid_client', async () => {
    expectInvalidClient(await token(await anAssertion(client.client_id, key), { client_assertion_type: 'urn:example:other' }));
  });

  it('RFC 8414 §2: discovery advertises private_key_jwt and the accepted algorithms', async () => {
    const res = await app.http.get('/.well-known/oauth-authorization-server');
    expect(res.body.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
    expect(res.body.token_endpoint_auth_signing_alg_values_supported).toEqual(['RS256', 'ES256', 'EdDSA']);
    expect(res.body.introspection_endpoint_auth_methods_supported).toContain('private_key_jwt');
    expect(res.body.revocation_endpoint_auth_signing_alg_values_supported).toEqual(['RS256', 'ES256', 'EdDSA']);
  });
});

describe('RFC 7523 §2.2 private_key_jwt with jwks_uri, fetched by the SSRF-safe fetcher from a local HTTPS server', () => {
  let app: TestApp;
  let server: HttpsTestServer;
  let key: KeyPair;
  beforeAll(async () => {
    server = await startHttpsTestServer();
    app = await createTestApp({ FETCH_ALLOW_LOOPBACK_FOR_TESTS: 'true', FETCH_EXTRA_CA_FILE: server.caFile });
    key = await aKeyPair('ES256');
  });
  beforeEach(() => app.resetDatabase());
  afterAll(async () => {
    await app.close();
    await server.close();
  });

  /**
   * Registration refuses loopback jwks_uri names (RFC 7591 §5), whatever the fetch settings; the test
   * registers a public-looking URI and points it at the local server in the database.
   */
  async function aJwksUriClient(path: string): Promise<RegisteredClient> {
    const client = await app.registerClient({ ...service, jwks_uri: 'https://keys.example.com/jwks.json' });
    await app.dataSource.query(`UPDATE clients SET metadata = jsonb_set(metadata, '{jwks_uri}', to_jsonb($1::text)) WHERE client_id = $2`, [
      `${server.origin}${path}`,
      client.client_id,
    ]);
    return client;
  }

  const token = (assertion: string) =>
    app.http.post('/token').type('form').send({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion });

  it('RFC 7523 §2.2: an assertion verified with the key set at jwks_uri authenticates; the key set is cached', async () => {
    const path = `/jwks-${randomUUID()}.json`;
    server.routes.set(path, { body: JSON.stringify({ keys: [key.publicJwk] }), headers: { 'cache-control': 'max-age=600' } });
    const client = await aJwksUriClient(path);
    expect((await token(await anAssertion(client.client_id, key))).status).toBe(200);
    expect((await token(await anAssertion(client.client_id, key))).status).toBe(200);
    expect(server.hits.get(path)).toBe(1);
  });

  it('RFC 7523 §3 item 8: a kid not in the key set at jwks_uri is refused (one refetch at most, then cached)', async () => {
    const path = `/jwks-${randomUUID()}.json`;
    server.routes.set(path, { body: JSON.stringify({ keys: [key.publicJwk] }) });
    const client = await aJwksUriClient(path);
    const stranger = await aKeyPair('ES256');
    expect((await token(await anAssertion(client.client_id, stranger))).status).toBe(401);
    expect((await token(await anAssertion(client.client_id, stranger))).status).toBe(401);
    expect(server.hits.get(path)).toBe(1);
  });

  it('RFC 9700 §4.15: a jwks_uri answering with a redirect is not followed (invalid_client)', async () => {
    const path = `/moved-${randomUUID()}.json`;
    server.routes.set(path, { status: 302, headers: { location: 'https://169.254.169.254/latest/meta-data' }, body: '{}' });
    const client = await aJwksUriClient(path);
    const res = await token(await anAssertion(client.client_id, key));
    expect(res.status).toBe(401);
    expect(res.body.error_description).toMatch(/HTTP 302/);
  });
});

describe('RFC 9700 §4.15: without FETCH_ALLOW_LOOPBACK_FOR_TESTS a jwks_uri on loopback is never fetched', () => {
  let app: TestApp;
  let server: HttpsTestServer;
  beforeAll(async () => {
    server = await startHttpsTestServer();
    app = await createTestApp({ FETCH_EXTRA_CA_FILE: server.caFile });
  });
  afterAll(async () => {
    await app.close();
    await server.close();
  });

  it('RFC 9700 §4.15: the loopback address is refused before any connection (invalid_client)', async () => {
    const key = await aKeyPair('ES256');
    server.routes.set('/jwks.json', { body: JSON.stringify({ keys: [key.publicJwk] }) });
    const client = await app.registerClient({ ...service, jwks_uri: 'https://keys.example.com/jwks.json' });
    await app.dataSource.query(`UPDATE clients SET metadata = jsonb_set(metadata, '{jwks_uri}', to_jsonb($1::text)) WHERE client_id = $2`, [
      `${server.origin}/jwks.json`,
      client.client_id,
    ]);
    const res = await app.http
      .post('/token')
      .type('form')
      .send({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: await anAssertion(client.client_id, key) });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(server.hits.get('/jwks.json')).toBeUndefined();
  });
});
