import { decodeJwt, decodeProtectedHeader } from 'jose';
import { createHash } from 'node:crypto';
import { aUser, authorizePath, authorizeThroughPages, basicAuth, Browser, formFields, pkcePair } from '../../support/oauth-flow';
import { createTestApp, TEST_ISSUER, TestApp } from '../../support/test-app';

describe('RFC 6749 §4.1 the whole authorization-code flow over plain HTTP with a cookie jar', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ LOGIN_BCRYPT_COST: '10' })));
  beforeEach(() => app.resetDatabase());
  afterAll(() => app.close());

  it('register → authorize → login → consent → callback → token → userinfo → refresh → revoke → introspect', async () => {
    const client = await app.registerClient({ grant_types: ['authorization_code', 'refresh_token'] });
    const user = await aUser(app, 'alice');
    const browser = new Browser(app);
    const { verifier, challenge } = pkcePair();

    // RFC 6749 §4.1.1: no session yet → the login page, which keeps the request
    const start = await browser.get(authorizePath({ client, challenge, nonce: 'n-0S6_WzA2Mj' }));
    expect(start.status).toBe(303);
    expect(start.headers.location).toMatch(/^\/login\?return_to=%2Fauthorize%3F/);
    const loginPage = await browser.get(start.headers.location);
    expect(loginPage.status).toBe(200);
    expect(loginPage.headers['content-type']).toMatch(/^text\/html/);
    const sessionCookie = /tessera_session/;
    expect(loginPage.headers['set-cookie']?.toString()).not.toMatch(sessionCookie);

    const login = await browser.login(start.headers.location, 'alice');
    expect(login.status).toBe(303);
    // Sessions: HttpOnly, SameSite=Lax, Secure behind an https issuer (__Host- prefix)
    const setCookie = (login.headers['set-cookie'] as unknown as string[]).find((line) => sessionCookie.test(line))!;
    expect(setCookie).toMatch(/^__Host-tessera_session=/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Secure/);

    // Consent page names the client and each scope
    const consent = await browser.get(login.headers.location);
    expect(consent.status).toBe(200);
    expect(consent.text).toContain('Example App');
    expect(consent.text).toContain('See your email address');
    const decision = await browser.post('/authorize/decision', { ...formFields(consent.text, '/authorize/decision'), decision: 'allow' });
    expect(decision.status).toBe(303);
    const callback = new URL(decision.headers.location);
    expect(`${callback.origin}${callback.pathname}`).toBe(client.redirect_uris[0]);
    // RFC 6749 §4.1.2: code and the unchanged state; RFC 9207 §2: iss
    expect(callback.searchParams.get('state')).toBe('state-123');
    expect(callback.searchParams.get('iss')).toBe(TEST_ISSUER);
    const code = callback.searchParams.get('code')!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // RFC 6749 §4.1.3 → §5.1
    const token = await app.http
      .post('/token')
      .set('Authorization', basicAuth(client))
      .type('form')
      .send({ grant_type: 'authorization_code', code, redirect_uri: client.redirect_uris[0], code_verifier: verifier });
    expect(token.status).toBe(200);
    expect(token.headers['cache-control']).toBe('no-store');
    expect(token.body).toMatchObject({ token_type: 'Bearer', expires_in: 600, scope: 'openid profile email' });
    expect(token.body.refresh_token).toEqual(expect.any(String));

    // RFC 9068 §2: a JWT access token with typ at+jwt
    expect(decodeProtectedHeader(token.body.access_token)).toMatchObject({ typ: 'at+jwt', alg: 'RS256' });
    expect(decodeJwt(token.body.access_token)).toMatchObject({ iss: TEST_ISSUER, sub: user.id, client_id: client.client_id, scope: 'openid profile email' });
    // OIDC Core §2: the ID token
    const idToken = decodeJwt(token.body.id_token);
    expect(idToken).toMatchObject({ iss: TEST_ISSUER, sub: user.id, aud: client.client_id, nonce: 'n-0S6_WzA2Mj' });
    expect(idToken.auth_time).toEqual(expect.any(Number));
    const digest = createHash('sha256').update(token.body.access_token).digest();
    expect(idToken.at_hash).toBe(digest.subarray(0, 16).toString('base64url'));

    // OIDC Core §5.3
    const userinfo = await app.http.get('/userinfo').set('Authorization', `Bearer ${token.body.access_token}`);
    expect(userinfo.status).toBe(200);
    expect(userinfo.body).toEqual({ sub: user.id, preferred_username: 'alice', name: 'Alice Example', email: 'alice@example.com', email_verified: false });

    // RFC 6749 §6: refresh with rotation
    const refreshed = await app.http
      .post('/token')
      .set('Authorization', basicAuth(client))
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: token.body.refresh_token, scope: 'openid profile' });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.scope).toBe('openid profile');
    expect(refreshed.body.refresh_token).not.toBe(token.body.refresh_token);

    // RFC 7009 §2.1: revoking the refresh token also revokes the access tokens of the grant
    const revoked = await app.http.post('/revoke').set('Authorization', basicAuth(client)).type('form').send({ token: refreshed.body.refresh_token });
    expect(revoked.status).toBe(200);

    // RFC 7662 §2.2: revoked tokens are inactive
    for (const value of [refreshed.body.refresh_token, refreshed.body.access_token, token.body.access_token]) {
      const introspection = await app.http.post('/introspect').set('Authorization', basicAuth(client)).type('form').send({ token: value });
      expect(introspection.status).toBe(200);
      expect(introspection.body).toEqual({ active: false });
    }
    const after = await app.http.get('/userinfo').set('Authorization', `Bearer ${refreshed.body.access_token}`);
    expect(after.status).toBe(401);
  });

  it('RFC 7662 §2.2: a live access token introspects as active with its claims', async () => {
    const client = await app.registerClient();
    const user = await aUser(app, 'bob');
    const browser = new Browser(app);
    const { verifier, challenge } = pkcePair();
    const callback = await authorizeThroughPages(browser, { client, challenge }, 'bob');
    const token = await app.http
      .post('/token')
      .type('form')
      .send({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code')!,
        redirect_uri: client.redirect_uris[0],
        code_verifier: verifier,
        client_id: client.client_id,
        client_secret: 'wrong',
      });
    // RFC 6749 §5.2: client_secret_post with a wrong secret (and the wrong method) → invalid_client, no Basic challenge
    expect(token.status).toBe(401);
    expect(token.body.error).toBe('invalid_client');
    expect(token.headers['www-authenticate']).toBeUndefined();

    const again = await authorizeThroughPages(browser, { client, challenge }, 'bob');
    const ok = await app.http
      .post('/token')
      .set('Authorization', basicAuth(client))
      .type('form')
      .send({ grant_type: 'authorization_code', code: again.searchParams.get('code')!, redirect_uri: client.redirect_uris[0], code_verifier: verifier });
    expect(ok.status).toBe(200);
    // the client was registered with the authorization_code grant only: no refresh token
    expect(ok.body.refresh_token).toBeUndefined();
    const introspection = await app.http.post('/introspect').set('Authorization', basicAuth(client)).type('form').send({ token: ok.body.access_token });
    expect(introspection.body).toMatchObject({ active: true, client_id: client.client_id, sub: user.id, scope: 'openid profile email', token_type: 'Bearer', iss: TEST_ISSUER });
  });
});
