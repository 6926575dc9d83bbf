import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { createListeningTestApp, ListeningTestApp } from '../../support/listening-app';
import { aUser, Browser, formFields } from '../../support/oauth-flow';

const API = 'https://api.example.com/v1';
const MCP = 'https://mcp.example.com/mcp';

/** A certified relying-party library (openid-client v6) sending RFC 8707 resource indicators. */
describe('RFC 8707 §2 with openid-client v6: resource at /authorize and /token, aud of the tokens (RFC 9068 §3)', () => {
  let app: ListeningTestApp;
  const insecure = { execute: [oidc.allowInsecureRequests] };
  beforeAll(async () => (app = await createListeningTestApp({ LOGIN_BCRYPT_COST: '10' })));
  beforeEach(() => app.resetDatabase());
  afterAll(() => app.close());

  it('RFC 8707 §2.1–2.2: authorization code with two resources, exchanged for one, refreshed for the other; introspection answers the same aud', async () => {
    await aUser(app, 'alice');
    const client = await app.registerClient({ grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['http://127.0.0.1:8400/callback'] });
    const config = await oidc.discovery(new URL(app.baseUrl), client.client_id, client.client_secret, oidc.ClientSecretBasic(client.client_secret), insecure);

    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const parameters = new URLSearchParams({
      redirect_uri: client.redirect_uris[0],
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    parameters.append('resource', API);
    parameters.append('resource', MCP);
    const url = oidc.buildAuthorizationUrl(config, parameters);
    expect(url.searchParams.getAll('resource')).toEqual([API, MCP]);

    const browser = new Browser(app);
    let response = await browser.get(`${url.pathname}${url.search}`);
    const login = await browser.login(response.headers.location, 'alice');
    response = await browser.get(login.headers.location);
    const form = new URLSearchParams(Object.entries({ ...formFields(response.text, '/authorize/decision'), decision: 'allow' }));
    // formFields keeps one value per name: the consent form carries both resources
    form.delete('resource');
    form.append('resource', API);
    form.append('resource', MCP);
    response = browser.jar.capture(await app.http.post('/authorize/decision').type('form').set('Cookie', browser.jar.header()).send(form.toString()));

    // RFC 8707 §2.2: the code exchange asks for a subset of what was granted
    const tokens = await oidc.authorizationCodeGrant(
      config,
      new URL(response.headers.location),
      { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true },
      { resource: MCP },
    );
    expect(decodeJwt(tokens.access_token).aud).toBe(MCP);
    // The ID token is still for the client (OIDC Core §2), whatever the resource
    expect(tokens.claims()!.aud).toBe(client.client_id);

    const introspection = await oidc.tokenIntrospection(config, tokens.access_token);
    expect(introspection).toMatchObject({ active: true, aud: MCP });

    // The refresh token is bound to the full grant: a refresh may name the other granted resource
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!, { resource: API });
    expect(decodeJwt(refreshed.access_token).aud).toBe(API);
    // …but not one that was never granted
    await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!, { resource: 'https://other.example.com/' })).rejects.toMatchObject({
      error: 'invalid_target',
    });
  });

  it('RFC 8707 §2 client_credentials through the library: aud is the resource', async () => {
    const client = await app.registerClient({ grant_types: ['client_credentials'], redirect_uris: [], scope: 'email' });
    const config = await oidc.discovery(new URL(app.baseUrl), client.client_id, client.client_secret, oidc.ClientSecretBasic(client.client_secret), insecure);
    const tokens = await oidc.clientCredentialsGrant(config, { resource: API });
    expect(decodeJwt(tokens.access_token).aud).toBe(API);
  });
});
