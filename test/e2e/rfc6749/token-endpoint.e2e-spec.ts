import { aUser, basicAuth, Browser } from '../../support/oauth-flow';
import { createTestApp, RegisteredClient, TestApp } from '../../support/test-app';
import { aCode, exchangeCode, tokenRequest } from '../../support/token-helpers';

describe('RFC 6749 §3.2 / §5 Token Endpoint', () => {
  let app: TestApp;
  let client: RegisteredClient;
  let browser: Browser;
  beforeAll(async () => (app = await createTestApp({ LOGIN_BCRYPT_COST: '10' })));
  beforeEach(async () => {
    await app.resetDatabase();
    client = await app.registerClient({ grant_types: ['authorization_code', 'refresh_token'] });
    await aUser(app, 'alice');
    browser = new Browser(app);
  });
  afterAll(() => app.close());

  const expectError = (res: { status: number; body: { error: string }; headers: Record<string, string> }, status: number, error: string) => {
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
    // RFC 6749 §5.1–5.2: never cached
    expect(res.headers['cache-control']).toBe('no-store');
  };

  describe('RFC 6749 §4.1.3 authorization_code', () => {
    it('RFC 6749 §4.1.2: a replayed code is invalid_grant and revokes every token issued from it', async () => {
      const code = await aCode(app, browser, client, 'alice');
      const first = await exchangeCode(app, client, code);
      expect(first.status).toBe(200);
      const replay = await exchangeCode(app, client, code);
      expectError(replay, 400, 'invalid_grant');
      for (const token of [first.body.access_token, first.body.refresh_token]) {
        const introspection = await app.http.post('/introspect').set('Authorization', basicAuth(client)).type('form').send({ token });
        expect(introspection.body).toEqual({ active: false });
      }
      const refresh = await tokenRequest(app, client, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
      expectError(refresh, 400, 'invalid_grant');
    });

    it('RFC 6749 §4.1.2: an expired code is invalid_grant', async () => {
      const code = await aCode(app, browser, client, 'alice');
      await app.dataSource.query(`UPDATE authorization_codes SET expires_at = now() - interval '1 second'`);
      expectError(await exchangeCode(app, client, code), 400, 'invalid_grant');
    });

    it('RFC 6749 §4.1.3: redirect_uri must be identical to the one in the authorization request', async () => {
      const code = await aCode(app, browser, client, 'alice');
      const res = await tokenRequest(app, client, {
        grant_type: 'authorization_code',
        code: code.code,
        redirect_uri: `${client.redirect_uris[0]}/`,
        code_verifier: code.verifier,
      });
      expectError(res, 400, 'invalid_grant');
    });

    it('RFC 6749 §4.1.3: a code issued to another client is invalid_grant', async () => {
      const code = await aCode(app, browser, client, 'alice');
      const other = await app.registerClient();
      expectError(await exchangeCode(app, other, code), 400, 'invalid_grant');
    });

    it('RFC 6749 §5.2: a missing code is invalid_request; an unknown one invalid_grant', async () => {
      expectError(await tokenRequest(app, client, { grant_type: 'authorization_code' }), 400, 'invalid_request');
      expectError(await tokenRequest(app, client, { grant_type: 'authorization_code', code: 'nope' }), 400, 'invalid_grant');
    });
  });

  describe('RFC 6749 §2.3 / §5.2 client authentication', () => {
    it('RFC 6749 §5.2, RFC 7617 §2: a wrong secret with Basic → 401 invalid_client with WWW-Authenticate: Basic, realm the issuer (as for Bearer)', async () => {
      const res = await app.http
        .post('/token')
        .set('Authorization', basicAuth({ ...client, client_secret: 'wrong' }))
        .type('form')
        .send({ grant_type: 'authorization_code', code: 'x' });
      expectError(res, 401, 'invalid_client');
      expect(res.headers['www-authenticate']).toBe(`Basic realm="${app.config.issuer}", charset="UTF-8"`);
    });

    it('RFC 6749 §2.3: no credentials at all → 401 invalid_client', async () => {
      const res = await app.http.post('/token').type('form').send({ grant_type: 'client_credentials' });
      expectError(res, 401, 'invalid_client');
    });

    it('RFC 6749 §2.3: two authentication methods at once → invalid_request', async () => {
      const res = await app.http
        .post('/token')
        .set('Authorization', basicAuth(client))
        .type('form')
        .send({ grant_type: 'authorization_code', code: 'x', client_secret: client.client_secret! });
      expectError(res, 400, 'invalid_request');
    });

    it('RFC 7591 §2: a client must use its registered method (post client, Basic used → invalid_client)', async () => {
      const post = await app.registerClient({ token_endpoint_auth_method: 'client_secret_post' });
      const basic = await app.http.post('/token').set('Authorization', basicAuth(post)).type('form').send({ grant_type: 'authorization_code', code: 'x' });
      expectError(basic, 401, 'invalid_client');
      const ok = await app.http
        .post('/token')
        .type('form')
        .send({ grant_type: 'authorization_code', code: 'x', client_id: post.client_id, client_secret: post.client_secret! });
      expectError(ok, 400, 'invalid_grant');
    });

    it('RFC 6749 §3.2.1: a confidential client cannot pose as public by omitting its secret', async () => {
      const res = await app.http.post('/token').type('form').send({ grant_type: 'authorization_code', code: 'x', client_id: client.client_id });
      expectError(res, 401, 'invalid_client');
    });

    it("RFC 7592 §2.3: a deleted client's credentials stop working, and its tokens and grants go with it", async () => {
      const code = await aCode(app, browser, client, 'alice');
      const tokens = await exchangeCode(app, client, code);
      expect(tokens.status).toBe(200);
      const deleted = await app.http.delete(`/register/${client.client_id}`).auth(client.registration_access_token, { type: 'bearer' });
      expect(deleted.status).toBe(204);
      expectError(await tokenRequest(app, client, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token }), 401, 'invalid_client');
      const userinfo = await app.http.get('/userinfo').set('Authorization', `Bearer ${tokens.body.access_token}`);
      expect(userinfo.status).toBe(401);
      for (const table of ['consent_grants', 'authorization_codes', 'refresh_tokens', 'access_tokens']) {
        const rows = await app.dataSource.query(`SELECT count(*)::int AS n FROM ${table} WHERE client_id = $1`, [client.client_id]);
        expect(rows[0].n).toBe(0);
      }
    });
  });

  describe('RFC 6749 §6 refresh_token', () => {
    it('RFC 9700 §4.14.2: rotation on every use; reuse of an old token revokes the whole family', async () => {
      const first = await exchangeCode(app, client, await aCode(app, browser, client, 'alice'));
      const second = await tokenRequest(app, client, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
      expect(second.status).toBe(200);
      expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
      // OIDC Core §12.2: a new ID token, without nonce
      expect(second.body.id_token).toEqual(expect.any(String));

      const reuse = await tokenRequest(app, client, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
      expectError(reuse, 400, 'invalid_grant');
      // the family is gone: the newest refresh token and its access token no longer work
      expectError(await tokenRequest(app, client, { grant_type: 'refresh_token', refresh_token: second.body.refresh_token }), 400, 'invalid_grant');
      expect((await app.http.get('/userinfo').set('Authorization', `Bearer ${second.body.access_token}`)).status).toBe(401);
    });

    it('RFC 6749 §6: a wider scope than originally granted is invalid_scope', async () => {
      const first = await exchangeCode(app, client, await aCode(app, browser, client, 'alice', { scope: 'openid' }));
      const res = await tokenRequest(app, client, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token, scope: 'openid email' });
      expectError(res, 400, 'invalid_scope');
    });

    it("RFC 6749 §6: another client's refresh token is invalid_grant", async () => {
      const first = await exchangeCode(app, client, await aCode(app, browser, client, 'alice'));
      const other = await app.registerClient({ grant_types: ['authorization_code', 'refresh_token'] });
      expectError(await tokenRequest(app, other, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token }), 400, 'invalid_grant');
    });
  });

  describe('RFC 6749 §4.4 client_credentials', () => {
    it('RFC 6749 §4.4.3: issues an access token for the client itself, without refresh token', async () => {
      const service = await app.registerClient({ grant_types: ['client_credentials'], redirect_uris: [], scope: 'email' });
      const res = await tokenRequest(app, service, { grant_type: 'client_credentials' });
      expect(res.status).toBe(200);
      expect(res.body.refresh_token).toBeUndefined();
      expect(res.body.id_token).toBeUndefined();
      const introspection = await app.http.post('/introspect').set('Authorization', basicAuth(service)).type('form').send({ token: res.body.access_token });
      expect(introspection.body).toMatchObject({ active: true, sub: service.client_id, client_id: service.client_id });
    });

    it('RFC 6749 §5.2: unauthorized_client when the grant type is not registered', async () => {
      expectError(await tokenRequest(app, client, { grant_type: 'client_credentials' }), 400, 'unauthorized_client');
    });
  });

  it('RFC 6749 §5.2: unsupported_grant_type and a missing grant_type', async () => {
    expectError(await tokenRequest(app, client, { grant_type: 'password', username: 'alice', password: 'x' }), 400, 'unsupported_grant_type');
    expectError(await tokenRequest(app, client, {}), 400, 'invalid_request');
  });

  it('RFC 6749 §3.2: parameters are form-encoded; JSON is refused with invalid_request', async () => {
    const res = await app.http.post('/token').set('Authorization', basicAuth(client)).send({ grant_type: 'client_credentials' });
    expectError(res, 400, 'invalid_request');
  });

  it('RFC 6749 §3.2: parameters sent without a value are treated as omitted (empty client_secret next to Basic, empty scope)', async () => {
    const service = await app.registerClient({ grant_types: ['client_credentials'], redirect_uris: [] });
    const res = await app.http
      .post('/token')
      .set('Authorization', basicAuth(service))
      .type('form')
      .send('grant_type=client_credentials&client_id=&client_secret=&scope=&code=');
    expect(res.status).toBe(200);
    expect(res.body.access_token).toEqual(expect.any(String));
  });

  it('RFC 6749 §3.2: a repeated parameter is invalid_request', async () => {
    const res = await app.http.post('/token').set('Authorization', basicAuth(client)).type('form').send('grant_type=authorization_code&code=a&code=b');
    expectError(res, 400, 'invalid_request');
  });

  describe('RFC 7009 revocation and RFC 7662 introspection', () => {
    it("RFC 7009 §2.1: a client cannot revoke another client's token; RFC 7009 §2.2: unknown tokens answer 200", async () => {
      const tokens = await exchangeCode(app, client, await aCode(app, browser, client, 'alice'));
      const other = await app.registerClient();
      const res = await app.http.post('/revoke').set('Authorization', basicAuth(other)).type('form').send({ token: tokens.body.access_token });
      expectError(res, 400, 'invalid_request');
      const unknown = await app.http.post('/revoke').set('Authorization', basicAuth(other)).type('form').send({ token: 'garbage' });
      expect(unknown.status).toBe(200);
      const still = await app.http.get('/userinfo').set('Authorization', `Bearer ${tokens.body.access_token}`);
      expect(still.status).toBe(200);
    });

    it('RFC 7009 §2.1: revoking an access token leaves it inactive', async () => {
      const tokens = await exchangeCode(app, client, await aCode(app, browser, client, 'alice'));
      expect((await app.http.post('/revoke').set('Authorization', basicAuth(client)).type('form').send({ token: tokens.body.access_token, token_type_hint: 'access_token' })).status).toBe(200);
      expect((await app.http.get('/userinfo').set('Authorization', `Bearer ${tokens.body.access_token}`)).status).toBe(401);
    });

    it('RFC 7662 §2.1: a public client may not introspect', async () => {
      const native = await app.registerClient({ token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1:8400/callback'] });
      const res = await app.http.post('/introspect').type('form').send({ token: 'x', client_id: native.client_id });
      expectError(res, 401, 'invalid_client');
    });

    it('RFC 7662 §2.2: garbage introspects as inactive', async () => {
      const res = await app.http.post('/introspect').set('Authorization', basicAuth(client)).type('form').send({ token: 'a.b.c' });
      expect(res.body).toEqual({ active: false });
    });
  });
});
