import * as oidc from 'openid-client';
import { createListeningTestApp, ListeningTestApp } from '../../support/listening-app';
import { aUser, authorizeThroughPages, Browser, formFields } from '../../support/oauth-flow';
import type { RegisteredClient } from '../../support/test-app';

/**
 * A certified relying-party library (openid-client v6, on oauth4webapi) against the running server:
 * discovery, PKCE, the code exchange with ID-token validation (iss, aud, nonce, at_hash, signature
 * through the JWKS), userinfo, refresh, revocation and introspection, and RFC 9207 iss checks.
 */
describe('OpenID Connect Core §3.1 with openid-client v6 (a certified relying party)', () => {
  let app: ListeningTestApp;
  // Plain http is fine on loopback for a test; openid-client needs to be told so.
  const insecure = { execute: [oidc.allowInsecureRequests] };
  beforeAll(async () => (app = await createListeningTestApp({ LOGIN_BCRYPT_COST: '10' })));
  beforeEach(() => app.resetDatabase());
  afterAll(() => app.close());

  async function discover(client: RegisteredClient, auth?: oidc.ClientAuth): Promise<oidc.Configuration> {
    return oidc.discovery(new URL(app.baseUrl), client.client_id, client.client_secret, auth, insecure);
  }

  async function signIn(config: oidc.Configuration, client: RegisteredClient, scope = 'openid profile email') {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: client.redirect_uris[0],
      scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    expect(url.origin).toBe(app.baseUrl);
    // The user's part: login and consent pages, driven over HTTP with a cookie jar
    const browser = new Browser(app);
    let response = await browser.get(`${url.pathname}${url.search}`);
    const login = await browser.login(response.headers.location, 'alice');
    response = await browser.get(login.headers.location);
    response = await browser.post('/authorize/decision', { ...formFields(response.text, '/authorize/decision'), decision: 'allow' });
    const callback = new URL(response.headers.location);
    return oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
  }

  it('OIDC Discovery §4: the issuer, endpoints and capabilities are discovered', async () => {
    const client = await app.registerClient();
    const config = await discover(client);
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(app.baseUrl);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
  });

  it('RFC 6749 §4.1 + OIDC Core §3.1.3.7: code exchange with a validated ID token, userinfo, refresh, revoke, introspect', async () => {
    const user = await aUser(app, 'alice');
    const client = await app.registerClient({ grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['http://127.0.0.1:8400/callback'] });
    // openid-client defaults to client_secret_post; this client registered the RFC 7591 default, Basic
    const config = await discover(client, oidc.ClientSecretBasic(client.client_secret));

    const tokens = await signIn(config, client);
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(user.id);
    expect(claims.iss).toBe(app.baseUrl);
    expect(claims.aud).toBe(client.client_id);
    expect(claims.auth_time).toEqual(expect.any(Number));

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({ sub: user.id, preferred_username: 'alice', email: 'alice@example.com' });

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.claims()!.sub).toBe(user.id);

    const active = await oidc.tokenIntrospection(config, refreshed.access_token);
    expect(active).toMatchObject({ active: true, sub: user.id, client_id: client.client_id });

    await oidc.tokenRevocation(config, refreshed.refresh_token!);
    expect((await oidc.tokenIntrospection(config, refreshed.access_token)).active).toBe(false);
    expect((await oidc.tokenIntrospection(config, refreshed.refresh_token!)).active).toBe(false);
    // RFC 9700 §4.14.2: the rotated-out token is refused by the library's call too
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('RFC 7636 with a public client (token_endpoint_auth_method none)', async () => {
    await aUser(app, 'alice');
    const client = await app.registerClient({
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1:8400/callback'],
    });
    const config = await discover(client, oidc.None());
    const tokens = await signIn(config, client, 'openid');
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.claims()!.aud).toBe(client.client_id);
  });

  it('RFC 7591 §2: a Basic client that tries client_secret_post is refused (invalid_client)', async () => {
    const client = await app.registerClient({ grant_types: ['client_credentials'], redirect_uris: [], scope: 'email' });
    const config = await discover(client, oidc.ClientSecretPost(client.client_secret));
    await expect(oidc.clientCredentialsGrant(config)).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('client_secret_post and client_credentials', async () => {
    const client = await app.registerClient({
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      scope: 'email',
    });
    const config = await discover(client, oidc.ClientSecretPost(client.client_secret));
    const tokens = await oidc.clientCredentialsGrant(config);
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('RFC 9207 §2.4: a response whose iss is not the issuer is rejected by the client', async () => {
    await aUser(app, 'alice');
    const client = await app.registerClient({ redirect_uris: ['http://127.0.0.1:8400/callback'] });
    const config = await discover(client, oidc.ClientSecretBasic(client.client_secret));
    const verifier = oidc.randomPKCECodeVerifier();
    const callback = await authorizeThroughPages(
      new Browser(app),
      { client, challenge: await oidc.calculatePKCECodeChallenge(verifier), state: 'xyz' },
      'alice',
    );
    callback.searchParams.set('iss', 'https://attacker.example.com');
    await expect(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'xyz' })).rejects.toThrow();
  });
});
